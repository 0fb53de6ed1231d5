// The environment a stdio server will get: what its MCP host passes on (the table in hostEnv.ts),
// then the entry's `env` (null removes a variable).
import * as path from 'node:path';
import { effectiveServerEnv } from '../hosts/env';
import type { McpServer, ServerTarget } from '../model/server';

export function effectiveEnvOf(
  server: Pick<McpServer, 'config' | 'env' | 'passEnv'>,
  hostProcessEnv: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
  hostSettingsEnv?: Record<string, string>,
): Record<string, string> {
  return effectiveServerEnv({ host: server.config.hostApp, platform, hostProcessEnv, entryEnv: server.env, hostSettingsEnv, passNames: server.passEnv });
}

/**
 * Claude Code passes its settings' `env` (`~/.claude/settings.json`) to every server it starts:
 * its string values, or {} when the file is missing or unreadable (a broken file is reported elsewhere).
 */
export async function claudeCodeSettingsEnv(home: string): Promise<Record<string, string>> {
  try {
    const { parseJsonc } = await import('../config/config');
    const { findMember, memberValue } = await import('../config/jsonc-text');
    const { readRegularFile } = await import('../files/atomic');
    const file = path.join(home, '.claude', 'settings.json');
    const root = parseJsonc(file, (await readRegularFile(file)).toString('utf8').replace(/^\uFEFF/, ''));
    const env = memberValue(findMember(root, 'env').property);
    const out: Record<string, string> = {};
    for (const property of env?.type === 'object' ? (env.children ?? []) : []) {
      const [key, value] = property.children ?? [];
      if (typeof key?.value === 'string' && typeof value?.value === 'string') out[key.value] = value.value;
    }
    return out;
  } catch {
    return {};
  }
}

/** The variables that choose a proxy (both spellings: Python, curl and Node's libraries read either). */
export const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'];

/** The proxy variables of an environment. */
export function proxyEnvOf(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => PROXY_VARIABLES.includes(name)));
}

/** The environment to probe a target in: the host's, with the server's own proxy variables in place of the host's. */
export function probeEnvOf(target: ServerTarget, hostEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!target.proxyEnv) return hostEnv;
  const base = Object.fromEntries(Object.entries(hostEnv).filter(([name]) => !PROXY_VARIABLES.includes(name)));
  return { ...base, ...target.proxyEnv };
}
