// The TLS endpoint of a remote MCP server's url: the one URL rule (core/assess/targets.ts uses it
// too). Light on purpose: the extension entry imports it.
import { HostPort, parseHostPort } from '../chain/hostPort';

export type RemoteTarget = HostPort;

export type RemoteUrlProblem =
  /** `http://` (or `ws://`): no TLS, nothing to trust (and the token travels in the clear). */
  | 'plain-http'
  | 'not-a-url'
  | 'unsupported-scheme';

function parse(url: string): { target: RemoteTarget } | { problem: RemoteUrlProblem } {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return { problem: 'not-a-url' };
  }
  if (parsed.protocol === 'http:' || parsed.protocol === 'ws:') return { problem: 'plain-http' };
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'wss:') return { problem: 'unsupported-scheme' };
  try {
    // URL.host is `name[:port]` or `[v6][:port]`: the project's one host:port parser reads it.
    return { target: parseHostPort(parsed.host, 443) };
  } catch {
    return { problem: 'not-a-url' };
  }
}

/** The TLS endpoint of a remote server's `url` (https/wss), or null. */
export function remoteTarget(url: string): RemoteTarget | null {
  const result = parse(url);
  return 'target' in result ? result.target : null;
}

/** Why remoteTarget gave null for this url (null when it gave a target). */
export function remoteUrlProblem(url: string): RemoteUrlProblem | null {
  const result = parse(url);
  return 'problem' in result ? result.problem : null;
}
