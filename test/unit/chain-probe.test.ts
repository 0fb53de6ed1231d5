// The probe's failures: each a DoctorError with the right kind, none past the timeout.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { analyzeHost, parseHostPort, verifyTrust } from '../../src/core/chain/index';
import { bypassesProxy, resolveProxy } from '../../src/core/chain/proxy';
import { DoctorError } from '../../src/core/types';
import { startInterceptor } from '../fixtures/interceptor';
import { Origin, PublicPki, createPublicPki, startOrigin, writeTempPem } from '../fixtures/origin';
import { createCa } from '../fixtures/pki';

let pki: PublicPki;
let origin: Origin;
let publicCa: string;
const cleanups: Array<() => Promise<void> | void> = [];

before(async () => {
  pki = await createPublicPki();
  origin = await startOrigin(pki.leaf);
  cleanups.push(() => origin.close());
  publicCa = await writeTempPem('public.pem', pki.root);
});
after(async () => {
  for (const close of cleanups.reverse()) await close();
});

async function listen(onConnection: (socket: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return (server.address() as net.AddressInfo).port;
}

function kindOf(kind: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof DoctorError, `expected a DoctorError, got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    return true;
  };
}

const opts = (port: number) => ({ host: '127.0.0.1', port, publicCaFile: publicCa, systemCaFile: publicCa, env: {}, proxy: null });

describe('probe failures', () => {
  test('a plain HTTP port: not-tls', async () => {
    const port = await listen((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')));
    await assert.rejects(analyzeHost({ ...opts(port), timeoutMs: 5000 }), kindOf('not-tls'));
  });

  test('a port that closes at once: not-tls', async () => {
    const port = await listen((socket) => socket.destroy());
    await assert.rejects(analyzeHost({ ...opts(port), timeoutMs: 5000 }), kindOf('not-tls'));
  });

  test('a port that never answers: timeout, honoured', async () => {
    const port = await listen(() => undefined);
    await assert.rejects(analyzeHost({ ...opts(port), timeoutMs: 300 }), (error: unknown) => {
      kindOf('timeout')(error);
      assert.match((error as Error).message, /300 ms/);
      return true;
    });
  });

  test('a refused port: network', async () => {
    const port = await listen(() => undefined);
    await cleanups.pop()!();
    await assert.rejects(analyzeHost({ ...opts(port), timeoutMs: 5000 }), kindOf('network'));
  });

  test('an AbortSignal cancels the probe', async () => {
    const port = await listen(() => undefined);
    const controller = new AbortController();
    const pending = analyzeHost({ ...opts(port), timeoutMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, kindOf('cancelled'));
    await assert.rejects(analyzeHost({ ...opts(port), signal: AbortSignal.abort() }), kindOf('cancelled'));
  });

  test('a proxy that wants credentials: proxy-auth on 407; credentials in the URL get through', async () => {
    const corp = await createCa('Corp Auth Root');
    const proxy = await startInterceptor({ issuer: corp, sendChain: [corp], upstreamCa: pki.root.pem, auth: { user: 'alice', password: 'p@ss word' } });
    cleanups.push(() => proxy.close());
    await assert.rejects(analyzeHost({ ...opts(origin.port), proxy: proxy.url }), kindOf('proxy-auth'));
    await assert.rejects(analyzeHost({ ...opts(origin.port), proxy: `http://alice:wrong@127.0.0.1:${proxy.port}` }), kindOf('proxy-auth'));
    const report = await analyzeHost({ ...opts(origin.port), proxy: `http://alice:p%40ss%20word@127.0.0.1:${proxy.port}` });
    assert.equal(report.verdict, 'untrusted');
    assert.equal(report.proxy, proxy.url, 'no credentials in the report');
  });

  test('a proxy that asks for NTLM or Negotiate (Windows sign-in): said as such, with a local relay as the way; Basic beside them: credentials', async () => {
    const answer = (schemes: string[]) => (socket: net.Socket) =>
      socket.once('data', () => socket.end(`HTTP/1.1 407 Proxy Authentication Required\r\n${schemes.map((scheme) => `Proxy-Authenticate: ${scheme}\r\n`).join('')}Content-Length: 0\r\n\r\n`));
    const windows = await listen(answer(['Negotiate', 'NTLM']));
    await assert.rejects(analyzeHost({ ...opts(origin.port), proxy: `http://127.0.0.1:${windows}` }), (error: unknown) => {
      assert.ok(error instanceof DoctorError && error.kind === 'proxy-auth');
      assert.match(error.message, /asks for Negotiate \(Kerberos\) \/ NTLM sign-in \(407\), which Python, Node .* cannot do: run a local relay .*\(px, cntlm\)/);
      return true;
    });
    const basic = await listen(answer(['NTLM', 'Basic realm="corp"']));
    await assert.rejects(analyzeHost({ ...opts(origin.port), proxy: `http://127.0.0.1:${basic}` }), /needs authentication \(407\): give it as http:\/\/user:password@host:port/);
  });

  test('a proxy that refuses CONNECT: proxy; an unreachable proxy: proxy', async () => {
    const port = await listen((socket) => socket.once('data', () => socket.end('HTTP/1.1 403 Forbidden\r\n\r\n')));
    await assert.rejects(analyzeHost({ ...opts(origin.port), proxy: `http://127.0.0.1:${port}` }), kindOf('proxy'));
    const dead = await listen(() => undefined);
    await cleanups.pop()!();
    await assert.rejects(analyzeHost({ ...opts(origin.port), proxy: `http://127.0.0.1:${dead}` }), kindOf('proxy'));
  });

  test('IPv6 literal: parsed, and probed on ::1 when the machine has it', async (t) => {
    assert.deepEqual(parseHostPort('[::1]:8443'), { host: '::1', port: 8443 });
    assert.deepEqual(parseHostPort('[2001:db8::1]'), { host: '2001:db8::1', port: 443 });
    assert.deepEqual(parseHostPort('::1'), { host: '::1', port: 443 });
    assert.deepEqual(parseHostPort('pypi.org'), { host: 'pypi.org', port: 443 });
    assert.deepEqual(parseHostPort('pypi.org:8443'), { host: 'pypi.org', port: 8443 });
    for (const bad of ['', 'host:0', 'host:70000', 'host:x', '[::1', '[::1]x', '[nothost]:1', 'a b:1', 'fe80::1:99999']) {
      assert.throws(() => parseHostPort(bad), kindOf('usage'), bad);
    }
    const server = net.createServer();
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(0, '::1', () => resolve(true));
    });
    server.close();
    if (!ok) {
      t.skip('no IPv6 loopback on this machine');
      return;
    }
    // A plain TCP listener on ::1 refuses TLS: the probe connected to the IPv6 literal.
    const v6 = net.createServer((s) => s.once('data', () => s.end('HTTP/1.1 400 Bad\r\n\r\n')));
    await new Promise<void>((resolve) => v6.listen(0, '::1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => v6.close(() => resolve())));
    await assert.rejects(analyzeHost({ ...opts((v6.address() as net.AddressInfo).port), host: '::1', timeoutMs: 5000 }), kindOf('not-tls'));
  });
});

describe('proxy selection', () => {
  test('explicit wins over the environment; null means direct', () => {
    const env = { HTTPS_PROXY: 'http://env:1' };
    assert.equal(resolveProxy('h', 443, 'http://explicit:2', env)?.display, 'http://explicit:2');
    assert.equal(resolveProxy('h', 443, null, env), null);
    assert.equal(resolveProxy('h', 443, undefined, env)?.display, 'http://env:1');
    assert.equal(resolveProxy('h', 443, undefined, { https_proxy: 'http://lower:3', HTTPS_PROXY: 'http://upper:4' })?.display, 'http://lower:3');
    assert.equal(resolveProxy('h', 443, undefined, { ALL_PROXY: 'proxy.corp:8080' })?.display, 'http://proxy.corp:8080');
    assert.equal(resolveProxy('h', 443, undefined, {}), null);
    assert.throws(() => resolveProxy('h', 443, 'socks5://s:1080', {}), kindOf('proxy'));
    const auth = resolveProxy('h', 443, 'http://u%40x:p%3Aw@p:8080', {});
    assert.equal(auth?.authorization, `Basic ${Buffer.from('u@x:p:w').toString('base64')}`);
    assert.equal(auth?.display, 'http://p:8080');
  });

  test('NO_PROXY: suffixes, ports, IPs, CIDR, *', () => {
    assert.equal(bypassesProxy('pypi.org', 443, 'pypi.org'), true);
    assert.equal(bypassesProxy('files.pypi.org', 443, '.pypi.org'), true);
    assert.equal(bypassesProxy('files.pypi.org', 443, 'pypi.org'), true);
    assert.equal(bypassesProxy('notpypi.org', 443, 'pypi.org'), false);
    assert.equal(bypassesProxy('pypi.org', 443, 'pypi.org:8443'), false);
    assert.equal(bypassesProxy('pypi.org', 8443, 'pypi.org:8443'), true);
    assert.equal(bypassesProxy('10.1.2.3', 443, 'localhost, 10.0.0.0/8'), true);
    assert.equal(bypassesProxy('11.1.2.3', 443, '10.0.0.0/8'), false);
    assert.equal(bypassesProxy('::1', 443, '[::1]'), true);
    assert.equal(bypassesProxy('anything', 443, '*'), true);
    assert.equal(bypassesProxy('example.com', 443, ''), false);
    assert.equal(resolveProxy('internal.corp', 443, undefined, { HTTPS_PROXY: 'http://p:1', no_proxy: '.corp' }), null);
  });
});

describe('verifyTrust', () => {
  test('ok with the right CA, the verification error with the wrong one, through the same proxy logic', async () => {
    const corp = await createCa('Corp Verify Root');
    const proxy = await startInterceptor({ issuer: corp, upstreamCa: pki.root.pem });
    cleanups.push(() => proxy.close());
    const common = { host: '127.0.0.1', port: origin.port, env: { HTTPS_PROXY: proxy.url }, timeoutMs: 5000 };
    assert.deepEqual(await verifyTrust({ ...common, caPem: corp.pem }), { ok: true });
    assert.deepEqual(await verifyTrust({ ...common, caPem: pki.root.pem }), { ok: false, error: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    assert.deepEqual(await verifyTrust({ ...common, proxy: null, caPem: pki.root.pem }), { ok: true });
    assert.deepEqual(await verifyTrust({ ...common, proxy: null, servername: 'wrong.example.test', caPem: pki.root.pem }), {
      ok: false,
      error: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });

  test('a host that cannot be reached is an error, not a verdict', async () => {
    const port = await listen((socket) => socket.destroy());
    await assert.rejects(verifyTrust({ host: '127.0.0.1', port, proxy: null, caPem: pki.root.pem, timeoutMs: 5000 }), kindOf('not-tls'));
  });
});
