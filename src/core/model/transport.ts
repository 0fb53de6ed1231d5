// The one rule for which servers run as a child process (docs/ARCHITECTURE.md, "stdio vs remote").
import type { ServerEntry } from '../config/config';

/** stdio: a child process whose env can be set; remote: the host connects itself; invalid: neither. */
export type Transport = 'stdio' | 'remote' | 'invalid';

/** `type` values that name a remote transport (VS Code: http, sse; other hosts: streamable-http...). */
const REMOTE_TYPES = new Set(['http', 'sse', 'streamable-http', 'streamablehttp', 'streamable_http', 'ws', 'websocket']);

/**
 * A server is remote when it has a `url` or its `type` names a remote transport (the host follows
 * `type`, whatever else the entry holds); stdio when it has a command; else invalid.
 */
export function transportOf(entry: Pick<ServerEntry, 'url' | 'type' | 'command'>): Transport {
  if (entry.url !== undefined || (entry.type !== undefined && REMOTE_TYPES.has(entry.type.toLowerCase()))) return 'remote';
  if (entry.command) return 'stdio';
  return 'invalid';
}
