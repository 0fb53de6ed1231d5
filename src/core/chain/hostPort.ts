// node:net is loaded on first use: the extension parses host names at activation without it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const net = (): typeof import('node:net') => require('node:net') as typeof import('node:net');
import { DoctorError } from '../types';

/**
 * 4, 6 or 0, like net.isIP, without compiling Node's IPv6 pattern for strings that cannot be IPv6:
 * that first compile costs ~13 ms, a tenth of the CLI's whole run.
 */
export function ipFamily(text: string): 0 | 4 | 6 {
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(text)) return net().isIPv4(text) ? 4 : 0;
  return text.indexOf(':') !== text.lastIndexOf(':') && net().isIPv6(text) ? 6 : 0;
}

export interface HostPort {
  /** Without brackets for IPv6. */
  host: string;
  port: number;
}

/** `host:port`, `[v6]:port`, `host`, or a bare IPv6 literal; throws DoctorError('usage') on bad input. */
export function parseHostPort(input: string, defaultPort = 443): HostPort {
  const text = input.trim();
  const bad = (why: string): DoctorError => new DoctorError('usage', `invalid host '${input}': ${why}`);
  if (!text) throw bad('empty');
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw bad('missing ]');
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest && !rest.startsWith(':')) throw bad('expected :PORT after ]');
    portText = rest ? rest.slice(1) : undefined;
    if (ipFamily(host) !== 6) throw bad('not an IPv6 address');
  } else if (ipFamily(text) === 6) {
    host = text;
  } else {
    const colon = text.lastIndexOf(':');
    if (colon >= 0 && text.indexOf(':') !== colon) throw bad('an IPv6 address needs brackets: [addr]:port');
    host = colon >= 0 ? text.slice(0, colon) : text;
    portText = colon >= 0 ? text.slice(colon + 1) : undefined;
    if (!/^[A-Za-z0-9._-]+$/.test(host)) throw bad('not a host name');
  }
  const port = portText === undefined ? defaultPort : /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad('port must be 1-65535');
  return { host, port };
}

/** `host:port` with brackets around IPv6, as in CONNECT lines and messages. */
export function formatHostPort(host: string, port: number): string {
  return `${ipFamily(host) === 6 ? `[${host}]` : host}:${port}`;
}
