// The route a stdio server's host gives it, against the session's: most hosts start servers with the
// MCP SDK's allowlist (hosts/env.ts), so a proxy the user's session sets (HTTPS_PROXY in the shell,
// the editor's environment) never reaches the server, which then goes directly (kirodotdev/Kiro#10118,
// modelcontextprotocol#318). What the fix writes to hand the proxy on, and when it must not write it.
import { parseProxyUrl, resolveProxy } from '../chain/proxy';
import { envReference } from '../hosts/env';
import type { McpServer, ServerTarget } from '../model/server';
import { PROXY_VARIABLES } from './serverEnv';

/** The session's proxy, which a server's host does not pass on. */
export interface DroppedProxy {
  /** The server's target through the session's proxy (`proxyEnv`: the session's proxy variables). */
  target: ServerTarget;
  /** The session proxy's URL without credentials. */
  url: string;
  /** The proxy URL carries a user and password. */
  credentials: boolean;
  /**
   * What the fix adds to the entry's env: HTTPS_PROXY / HTTP_PROXY / NO_PROXY as the session has
   * them, a URL with credentials as a reference where the host expands one (`${env:NAME}` in VS Code,
   * Cursor and Roo, `${NAME}` in Claude Code, Kiro, Gemini and Copilot CLI: envReference in
   * hosts/env.ts); null where a password would be written in clear (the host expands nothing): the
   * front end says the next step.
   */
  env: Record<string, string> | null;
  /** Where a proxy the environment does not carry was read (`scutil --proxy`, the Windows Internet settings); absent: the session's environment. */
  from?: string;
  /** Why going directly failed (set once the direct route was probed). */
  directError?: string;
  /** Why the session's route failed too. */
  sessionError?: string;
}

/** The first set variable of these names, with its name (lower case first, as curl and Python read them). */
function first(env: Record<string, string>, names: string[]): { name: string; value: string } | null {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return null;
}

function hasCredentials(url: string): boolean {
  try {
    return parseProxyUrl(url).authorization !== undefined;
  } catch {
    return /\/\/[^/]*@/.test(url);
  }
}

function proxyFor(env: Record<string, string>, target: ServerTarget): string | null {
  try {
    return resolveProxy(target.host, target.port, undefined, env)?.display ?? null;
  } catch {
    // A proxy value no client can parse is a route of its own, not a dropped one.
    return 'invalid';
  }
}

/**
 * The session's proxy when the server's own environment names none for its target but the session
 * does (for that target: NO_PROXY counted) and the entry itself names no proxy variable; null otherwise. `env` is the server's effective env,
 * `session` the session's proxy variables.
 */
export function droppedProxyOf(server: Pick<McpServer, 'config' | 'env'>, env: Record<string, string>, session: Record<string, string>, target: ServerTarget, platform: NodeJS.Platform = process.platform): DroppedProxy | null {
  // An entry that names a proxy variable (a null removes one) chose its route: nothing was dropped.
  if (Object.keys(server.env).some((name) => PROXY_VARIABLES.includes(name) || /_proxy$/i.test(name))) return null;
  if (proxyFor(env, target) !== null) return null;
  const url = proxyFor(session, target);
  if (url === null || url === 'invalid') return null;
  const https = first(session, ['https_proxy', 'HTTPS_PROXY']) ?? first(session, ['all_proxy', 'ALL_PROXY']);
  if (!https) return null;
  const http = first(session, ['http_proxy', 'HTTP_PROXY']);
  const noProxy = first(session, ['no_proxy', 'NO_PROXY']);
  const credentials = hasCredentials(https.value) || (http !== null && hasCredentials(http.value));
  const value = (found: { name: string; value: string }): string | null => (!hasCredentials(found.value) ? found.value : envReference(server.config.hostApp, platform, found.name));
  const written: Record<string, string | null> = { HTTPS_PROXY: value(https), ...(http ? { HTTP_PROXY: value(http) } : {}), ...(noProxy ? { NO_PROXY: noProxy.value } : {}) };
  const complete = Object.values(written).every((v) => v !== null);
  return {
    target: { host: target.host, port: target.port, proxyEnv: { ...session } },
    url,
    credentials,
    env: complete ? (written as Record<string, string>) : null,
  };
}
