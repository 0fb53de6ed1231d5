// The probe: a TLS handshake with host:port, direct or through an HTTP CONNECT proxy, that reads
// the certificates the server presents. One timer covers connect, CONNECT and handshake.
//
// How the presented chain is read: Node has no API for the raw peer chain (SSL_get_peer_cert_chain).
// getPeerCertificate(true) walks the certificates the server sent by issuance from the leaf, then
// appends issuers from the connection's own CA store. The probe connects with an empty CA store
// (`ca: []`), so nothing is appended: what we report is exactly the sent certificates that chain
// from the leaf, leaf first, in issuance order. Certificates sent that chain to nothing (strays) are
// not visible; they cannot be part of any path, so the analysis does not need them.
// `rejectUnauthorized: false` is used only to read that chain; the verdict comes from our own path
// building, never from this connection.
import * as net from 'node:net';
import * as tls from 'node:tls';
import { DoctorError } from '../types';
import type { ProbeOptions } from './options';
import { Cert } from './cert';
import { formatHostPort, ipFamily } from './hostPort';
import { ProxyTarget, resolveProxy } from './proxy';
import { VERIFY_ERROR_CODES } from './verifyCodes';

export { parseHostPort, formatHostPort } from './hostPort';

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface ProbeResult {
  /** Leaf first, as sent (see above). */
  presented: Cert[];
  /** The proxy used, without credentials; null when direct. */
  proxy: string | null;
  protocol: string | null;
}

/** A certificate-verification failure of a verifying handshake (verifyTrust), not a network one. */
export class VerificationFailure extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export async function probeChain(options: ProbeOptions): Promise<ProbeResult> {
  return withTls(options, { rejectUnauthorized: false, ca: [] }, (socket, proxy) => ({
    presented: presentedChain(socket),
    proxy: proxy?.display ?? null,
    protocol: socket.getProtocol(),
  }));
}

function presentedChain(socket: tls.TLSSocket): Cert[] {
  const out: Cert[] = [];
  const seen = new Set<string>();
  let current: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (current?.raw && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    const cert = Cert.tryParse(current.raw);
    if (cert) out.push(cert);
    current = current.issuerCertificate;
  }
  return out;
}

/** Connects (through the proxy the options and environment say), completes a TLS handshake, hands the socket to `use`, and closes it. */
export function withTls<T>(
  options: ProbeOptions,
  tlsOptions: tls.ConnectionOptions,
  use: (socket: tls.TLSSocket, proxy: ProxyTarget | null) => T,
): Promise<T> {
  const { host, port } = options;
  const target = formatHostPort(host, port);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const proxy = resolveProxy(host, port, options.proxy, options.env ?? process.env);
  const servername = options.servername ?? (ipFamily(host) ? undefined : host);

  return new Promise<T>((resolve, reject) => {
    const sockets: net.Socket[] = [];
    let settled = false;
    const cleanup = (): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      // Destroying a TLS socket inside its own handshake callback can crash Node 20: defer it.
      setImmediate(() => {
        for (const s of sockets) s.destroy();
      });
    };
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(error);
    };
    const succeed = (socket: tls.TLSSocket): void => {
      if (settled) return;
      try {
        const value = use(socket, proxy);
        settled = true;
        cleanup();
        resolve(value);
      } catch (error) {
        fail(error as Error);
      }
    };
    const onAbort = (): void => fail(new DoctorError('cancelled', `probe of ${target} cancelled`));
    const timer = setTimeout(
      () => fail(new DoctorError('timeout', `no TLS handshake with ${target}${proxy ? ` via ${proxy.display}` : ''} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const startTls = (socket?: net.Socket): void => {
      const secure = tls.connect({
        ...tlsOptions,
        ...(socket ? { socket } : { port }),
        host,
        servername,
      });
      sockets.push(secure);
      secure.once('secureConnect', () => succeed(secure));
      secure.once('error', (error: NodeJS.ErrnoException) => fail(classifyTlsError(error, target, !socket, proxy)));
      secure.once('close', () => fail(new DoctorError('not-tls', `${target} closed the connection during the TLS handshake: it may not speak TLS`)));
    };

    if (!proxy) return startTls();
    openTunnel(proxy, host, port, sockets).then(
      (tunnel) => {
        if (!settled) startTls(tunnel);
      },
      (error: Error) => fail(error),
    );
  });
}

function classifyTlsError(error: NodeJS.ErrnoException, target: string, direct: boolean, proxy: ProxyTarget | null): Error {
  const code = error.code ?? '';
  if (VERIFY_ERROR_CODES.has(code)) return new VerificationFailure(code, error.message);
  if (direct) {
    const network = networkError(error, target);
    if (network) return network;
  }
  if (/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|UNKNOWN_PROTOCOL|HTTP_REQUEST|RECORD_LAYER_FAILURE/i.test(code + error.message)) {
    return new DoctorError('not-tls', `${target} does not speak TLS (${error.message.trim()})`);
  }
  if (code === 'ECONNRESET' || /socket disconnected before secure TLS/i.test(error.message)) {
    return new DoctorError('not-tls', `${target} closed the connection during the TLS handshake${proxy ? ` (via ${proxy.display})` : ''}: it may not speak TLS`);
  }
  return new DoctorError('network', `TLS handshake with ${target} failed: ${error.message.trim()}`);
}

function networkError(error: NodeJS.ErrnoException, target: string): DoctorError | null {
  switch (error.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return new DoctorError('network', `cannot resolve ${target} (${error.code})`);
    case 'ECONNREFUSED':
      return new DoctorError('network', `${target} refused the connection`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
    case 'ETIMEDOUT':
      return new DoctorError('network', `cannot reach ${target} (${error.code})`);
    default:
      return null;
  }
}

/** HTTP CONNECT through the proxy; resolves with the raw tunnel once the proxy answers 200. */
function openTunnel(proxy: ProxyTarget, host: string, port: number, sockets: net.Socket[]): Promise<net.Socket> {
  const proxyHost = proxy.url.hostname.replace(/^\[|\]$/g, '');
  const proxyPort = Number(proxy.url.port);
  const target = formatHostPort(host, port);
  return new Promise((resolve, reject) => {
    const socket: net.Socket =
      proxy.url.protocol === 'https:'
        ? tls.connect({ host: proxyHost, port: proxyPort, servername: ipFamily(proxyHost) ? undefined : proxyHost })
        : net.connect({ host: proxyHost, port: proxyPort });
    sockets.push(socket);
    const chunks: Buffer[] = [];
    let size = 0;
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(new DoctorError('proxy', `cannot reach proxy ${proxy.display}: ${error.code ?? error.message}`));
    };
    const onClose = (): void => reject(new DoctorError('proxy', `proxy ${proxy.display} closed the connection before answering CONNECT ${target}`));
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      const head = Buffer.concat(chunks);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (size > 65_536) reject(new DoctorError('proxy', `proxy ${proxy.display} sent an oversized answer to CONNECT`));
        return;
      }
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      const statusLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
      const status = Number(/^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(statusLine)?.[1] ?? NaN);
      if (status === 407) {
        const schemes = proxyAuthSchemes(head.subarray(0, end).toString('latin1'));
        // NTLM and Negotiate (Kerberos) are Windows sign-ins no runtime's proxy support speaks.
        const windowsOnly = schemes.length > 0 && schemes.every((scheme) => scheme === 'ntlm' || scheme === 'negotiate' || scheme === 'kerberos');
        reject(
          new DoctorError(
            'proxy-auth',
            windowsOnly
              ? `proxy ${proxy.display} asks for ${schemes.map((scheme) => (scheme === 'ntlm' ? 'NTLM' : scheme === 'negotiate' ? 'Negotiate (Kerberos)' : 'Kerberos')).join(' / ')} sign-in (407), ` +
                  'which Python, Node and the other runtimes MCP servers run on cannot do: run a local relay that signs in for them (px, cntlm) and point HTTPS_PROXY at it'
              : proxy.authorization
                ? `proxy ${proxy.display} rejected the credentials in the proxy URL (407 Proxy Authentication Required)`
                : `proxy ${proxy.display} needs authentication (407): give it as http://user:password@host:port`,
          ),
        );
        return;
      }
      if (status !== 200) {
        reject(new DoctorError('proxy', `proxy ${proxy.display} refused CONNECT ${target}: ${statusLine || 'no status line'}`));
        return;
      }
      const rest = head.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      resolve(socket);
    };
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.on('data', onData);
    const headers = [`CONNECT ${target} HTTP/1.1`, `Host: ${target}`];
    if (proxy.authorization) headers.push(`Proxy-Authorization: ${proxy.authorization}`);
    socket.write(`${headers.join('\r\n')}\r\n\r\n`);
  });
}

/** The schemes a 407's Proxy-Authenticate headers offer, lowercase (`basic`, `ntlm`, `negotiate`). */
export function proxyAuthSchemes(head: string): string[] {
  const schemes: string[] = [];
  for (const line of head.split('\r\n').slice(1)) {
    const match = /^proxy-authenticate:\s*([A-Za-z][\w-]*)/i.exec(line);
    if (match?.[1] && !schemes.includes(match[1].toLowerCase())) schemes.push(match[1].toLowerCase());
  }
  return schemes;
}
