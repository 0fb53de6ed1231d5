// The environment a stdio server will get: what its MCP host passes on, then the entry's `env`
// (null removes a variable). Which hosts pass their own environment on: see hostEnv.
import type { McpServer } from './types';

/** Hosts that start stdio servers with their own process environment (VS Code: measured in 1.139). */
const INHERITING_HOSTS = new Set(['vscode', 'vscode-insiders', 'vscodium', 'cursor', 'windsurf', 'kiro', 'claude-code']);

export function effectiveEnvOf(server: Pick<McpServer, 'config' | 'env'>, hostProcessEnv: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  if (INHERITING_HOSTS.has(server.config.hostApp)) {
    for (const [key, value] of Object.entries(hostProcessEnv)) if (value !== undefined) env[key] = value;
  }
  for (const [key, value] of Object.entries(server.env)) {
    if (value === null) delete env[key];
    else env[key] = String(value);
  }
  return env;
}

/** The variables that choose a proxy (both spellings: Python, curl and Node's libraries read either). */
export const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'];

/** The proxy variables of an environment. */
export function proxyEnvOf(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => PROXY_VARIABLES.includes(name)));
}
