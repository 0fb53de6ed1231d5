// The host a server will reach first: the one to probe for it.
import { parseHostPort } from '../chain/hostPort';
import { remoteTarget } from '../hostTrust/url';
import type { HostTarget, McpServer } from '../model/server';

/** The hosts `uvx` and `npx` download from: where a server without a URL connects first. */
export const DEFAULT_PROBE = { python: { host: 'pypi.org', port: 443 }, node: { host: 'registry.npmjs.org', port: 443 } } as const;

/** `host`, `host:port`, `[v6]:port`, a bare IPv6 → host and port; undefined when it is not one. */
export function tryParseHostPort(value: string): HostTarget | undefined {
  try {
    return parseHostPort(value);
  } catch {
    return undefined;
  }
}

/** An https (or wss) URL's host and port; null for anything else (one rule: hostTrust/remote.ts). */
export function httpsTarget(text: string): HostTarget | null {
  return remoteTarget(text);
}

/** The https hosts a server names in its args or env: where it will connect. */
export function hostsNamedBy(server: Pick<McpServer, 'args' | 'env'>): HostTarget[] {
  const hosts: HostTarget[] = [];
  const texts = [...server.args, ...Object.values(server.env).filter((value): value is string => typeof value === 'string')];
  for (const text of texts) {
    for (const match of text.matchAll(/https:\/\/[^\s"'<>]+/g)) {
      const target = httpsTarget(match[0]);
      if (target && !hosts.some((known) => known.host === target.host && known.port === target.port)) hosts.push(target);
    }
  }
  return hosts;
}

export type TargetSource = 'url' | 'config' | 'setting' | 'runtime-default';

export interface ProbeTarget extends HostTarget {
  source: TargetSource;
}

/**
 * Where to probe for a server: a remote server's own URL; else an https URL in its args or env
 * (only when `fromConfig` allows hosts named by that file: not for an untrusted workspace);
 * else the probe host setting; else the host its launcher downloads from.
 */
export function probeTargetOf(server: McpServer, options: { probeHost?: string; fromConfig?: boolean } = {}): ProbeTarget | null {
  if (server.transport === 'remote') {
    if (options.fromConfig === false || !server.url) return null;
    const target = httpsTarget(server.url);
    return target ? { ...target, source: 'url' } : null;
  }
  const named = options.fromConfig === false ? undefined : hostsNamedBy(server)[0];
  if (named) return { ...named, source: 'config' };
  const configured = options.probeHost ? tryParseHostPort(options.probeHost) : undefined;
  if (configured) return { ...configured, source: 'setting' };
  return { ...(server.runtime === 'node' || server.runtime === 'bun' ? DEFAULT_PROBE.node : DEFAULT_PROBE.python), source: 'runtime-default' };
}

/**
 * A host taken from a log may be offered for a one-click probe only when it parses like `chain`'s
 * argument and is not a link-local, unspecified or multicast address (a cloud metadata service).
 */
export function probeableFromLog(host: string, port: number): boolean {
  const parsed = tryParseHostPort(host);
  if (!parsed || !Number.isInteger(port) || port < 1 || port > 65535) return false;
  const name = parsed.host.toLowerCase();
  if (/^169\.254\.|^0\.|^22[4-9]\.|^23\d\.|^255\./.test(name)) return false;
  if (/^fe[89ab][0-9a-f]:|^ff[0-9a-f]{2}:|^::$/.test(name)) return false;
  return true;
}
