import { isIP } from 'node:net';
import { DoctorError } from '../types';

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
    if (isIP(host) !== 6) throw bad('not an IPv6 address');
  } else if (isIP(text) === 6) {
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
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}
