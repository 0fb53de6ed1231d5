// Runtime verification of a planned fix: each changed server's own runtime, started with the
// environment the server will get after the change, makes one handshake to its target.
import type { ChangedServer } from '../fix/plan';
import { describeRuntimeCheck, runtimeCheck, type Route, type RuntimeCheckResult } from '../runtime/check';
import { effectiveEnvOf } from '../assess/serverEnv';
import { detectRuntime } from '../runtime/detect';
import { resolveConfigVariables, type VariableContext } from '../assess/trust';
import type { HostTarget, McpServer } from '../model/server';

export interface RuntimeVerification {
  by: string;
  ok: boolean;
  message: string;
  /** The way the handshake went: the proxy's URL (no credentials), or null for directly. */
  route?: string | null;
}

export interface RuntimeCheckOptions {
  /** The environment the MCP host passes on (the CLI's, the editor's). */
  hostEnv: NodeJS.ProcessEnv;
  target: HostTarget;
  context: VariableContext;
  verifyDocker?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The proxy to use when the server's environment names none (the CLI's --proxy). */
  defaultProxy?: string;
  /** What the host adds from its own settings (Claude Code's settings `env`): as in the assessment. */
  hostSettingsEnv?: Record<string, string>;
  /** The name to send and verify when the target is an address (the CLI's --servername). */
  servername?: string;
  /** The route the analysis that found the CA took: a failure on another route is said as such. */
  analysisRoute?: Route;
}

/** The verification in the contract's shape: null when no runtime could be run (said in message). */
export function verificationOf(result: RuntimeCheckResult): RuntimeVerification | null {
  if (result.by === null || result.ok === null) return null;
  const verification: RuntimeVerification = { by: result.by, ok: result.ok, message: describeRuntimeCheck(result) };
  return result.route ? { ...verification, route: result.route.proxy } : verification;
}

export async function checkChangesInRuntime(servers: McpServer[], changed: ChangedServer[], options: RuntimeCheckOptions): Promise<Map<string, RuntimeCheckResult>> {
  const results = new Map<string, RuntimeCheckResult>();
  await Promise.all(
    changed.map(async (change) => {
      const server = servers.find((candidate) => candidate.name === change.server);
      if (!server) return;
      if (process.platform === 'win32' && detectRuntime(server.command, server.args).viaWsl) {
        // Its runtime is the distribution's: a Windows interpreter proves nothing about it.
        results.set(change.server, { by: null, ok: null, message: 'not checked: it runs inside WSL (wsl), whose runtime only a check from inside WSL reaches' });
        return;
      }
      const env = effectiveEnvOf({ config: server.config, env: { ...server.env, ...change.env }, passEnv: server.passEnv }, options.hostEnv, process.platform, options.hostSettingsEnv);
      for (const variable of Object.keys(change.env)) if (env[variable]) env[variable] = resolveConfigVariables(env[variable] as string, options.context);
      if (options.defaultProxy && !env.HTTPS_PROXY && !env.https_proxy) env.HTTPS_PROXY = options.defaultProxy;
      results.set(
        change.server,
        await runtimeCheck({
          runtime: server.runtime,
          command: server.command,
          args: server.args,
          env,
          target: options.target,
          servername: options.servername,
          analysisRoute: options.analysisRoute,
          verifyDocker: options.verifyDocker,
          timeoutMs: options.timeoutMs,
          signal: options.signal,
        }),
      );
    }),
  );
  return results;
}
