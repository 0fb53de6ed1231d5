// Node's built-in `fetch` (undici) and `https.request` ignore HTTPS_PROXY unless NODE_USE_ENV_PROXY=1
// (or --use-env-proxy) is set, which Node reads for both from v24.5.0 (release notes, 2025-07-31:
// "Built-in proxy support in request() and Agent ... When NODE_USE_ENV_PROXY is set to 1") and
// v22.21.0 (2025-10-20: "http: support http proxy for fetch under NODE_USE_ENV_PROXY" #57165,
// "http,https: add built-in proxy support in http/https.request and Agent" #58980); doc/api/cli.md
// `NODE_USE_ENV_PROXY=1`. An older Node ignores the variable: it is written only for a server whose
// own node, found as the runtime check finds it, reads it.
import { execFileSync } from 'node:child_process';
import { resolveJavaScript } from './resolve';

export const NODE_USE_ENV_PROXY = 'NODE_USE_ENV_PROXY';

/** Whether a Node version (`22.21.0`, `v24.5.0`) reads NODE_USE_ENV_PROXY: 22.21+ on 22, 24.5+ on 24, and 25 on. */
export function nodeReadsEnvProxy(version: string): boolean {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  if (!match) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major === 22) return minor >= 21;
  if (major === 24) return minor >= 5;
  // 23 is end-of-life without the feature; 25 and later carry it from the start.
  return major >= 25;
}

/**
 * The version of the node a server's command runs (`node`, `npx`, `tsx` ... through the PATH of
 * the server's own environment), asked of that node itself; null when none is found or it does
 * not answer. Only node: Bun and Deno read HTTPS_PROXY without a switch.
 */
export function serverNodeVersion(command: string, args: string[], env: Record<string, string>, platform: NodeJS.Platform = process.platform, timeoutMs = 5000): string | null {
  const resolution = resolveJavaScript(command, args, env, platform, undefined, 'node');
  if ('missing' in resolution || resolution.kind !== 'node') return null;
  try {
    const out = execFileSync(resolution.executable, ['-p', 'process.versions.node'], { env, timeout: timeoutMs, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true });
    return /^\d+\.\d+\.\d+/.exec(out.trim())?.[0] ?? null;
  } catch {
    return null;
  }
}
