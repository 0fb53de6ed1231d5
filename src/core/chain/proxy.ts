// Which proxy a connection to host:port goes through, the way curl and most runtimes read the
// environment: https_proxy / HTTPS_PROXY, then all_proxy / ALL_PROXY, minus NO_PROXY.
import { BlockList } from 'node:net';
import { ipFamily } from './hostPort';
import { DoctorError } from '../types';

export interface ProxyTarget {
  url: URL;
  /** The URL without credentials, for reports and logs. */
  display: string;
  /** `Basic ...` when the URL carries credentials. */
  authorization?: string;
}

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return value?.trim() || undefined;
}

/**
 * The one rule for which proxy URL an environment names for host:port (the analysis and the runtime
 * check both read it): https_proxy / HTTPS_PROXY, then all_proxy / ALL_PROXY, none where NO_PROXY
 * matches. `get` reads a lower-case name (and its upper-case spelling, trimmed, empty as unset).
 */
export function proxyUrlFor(host: string, port: number, get: (name: string) => string | undefined): string | null {
  const url = get('https_proxy') ?? get('all_proxy');
  if (!url) return null;
  return bypassesProxy(host, port, get('no_proxy') ?? '') ? null : url;
}

/** The proxy for host:port: explicit wins (null = direct), else the environment. */
export function resolveProxy(host: string, port: number, explicit: string | null | undefined, env: NodeJS.ProcessEnv): ProxyTarget | null {
  if (explicit === null) return null;
  if (explicit) return parseProxyUrl(explicit);
  const fromEnv = proxyUrlFor(host, port, (name) => envValue(env, name));
  return fromEnv ? parseProxyUrl(fromEnv) : null;
}

/**
 * A proxy URL as it may be shown: credentials (`user:password@`) replaced by `***@`, whether or not
 * the text parses as a URL (an invalid one is echoed in the error that says so).
 */
export function redactProxyUrl(text: string): string {
  // Everything up to the last `@` before the host part is userinfo (a password may hold `@`, `/` or `:`).
  return text.replace(/^((?:[a-z][a-z0-9+.-]*:)?\/\/)?[^\s]*@(?=[^@]*$)/i, (_, scheme: string | undefined) => `${scheme ?? ''}***@`);
}

export function parseProxyUrl(text: string): ProxyTarget {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    throw new DoctorError('usage', `invalid proxy URL '${redactProxyUrl(text)}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DoctorError('proxy', `proxy scheme ${url.protocol} is not supported (only http:// and https:// CONNECT proxies)`);
  }
  if (!url.port) url.port = url.protocol === 'https:' ? '443' : '80';
  const target: ProxyTarget = { url, display: `${url.protocol}//${url.host}` };
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    target.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }
  return target;
}

/** NO_PROXY: `*`, host suffixes (`example.com`, `.example.com`), optional `:port`, IPs and IPv4/IPv6 CIDRs. */
export function bypassesProxy(host: string, port: number, noProxy: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  const hostIp = ipFamily(name);
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let entryPort: number | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed) {
      entry = bracketed[1]!;
      entryPort = bracketed[2] ? Number(bracketed[2]) : undefined;
    } else if (ipFamily(entry.split('/')[0]!) !== 6) {
      const match = /^(.*):(\d+)$/.exec(entry);
      if (match) {
        entry = match[1]!;
        entryPort = Number(match[2]);
      }
    }
    if (entryPort !== undefined && entryPort !== port) continue;
    if (entry.includes('/') && hostIp) {
      const [network, bits] = entry.split('/');
      const family = ipFamily(network!);
      if (family !== hostIp) continue;
      const list = new BlockList();
      try {
        list.addSubnet(network!, Number(bits), family === 6 ? 'ipv6' : 'ipv4');
      } catch {
        continue;
      }
      if (list.check(name, family === 6 ? 'ipv6' : 'ipv4')) return true;
      continue;
    }
    entry = entry.replace(/^\*?\./, '');
    if (name === entry || (!hostIp && name.endsWith(`.${entry}`))) return true;
  }
  return false;
}
