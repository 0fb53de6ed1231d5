// Runtime verification of a planned fix: each changed server's own runtime, started with the
// environment the server will get after the change, makes one handshake to its target.
import type { ChangedServer } from '../fix/plan';
import { describeRuntimeCheck, runtimeCheck, type RuntimeCheckResult } from './runtimeCheck';
import { effectiveEnvOf } from './serverEnv';
import { resolveConfigVariables, type VariableContext } from './trust';
import type { HostTarget, McpServer } from './types';

export interface RuntimeVerification {
  by: string;
  ok: boolean;
  message: string;
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
}

/** The verification in the contract's shape: null when no runtime could be run (said in message). */
export function verificationOf(result: RuntimeCheckResult): RuntimeVerification | null {
  return result.by !== null && result.ok !== null ? { by: result.by, ok: result.ok, message: describeRuntimeCheck(result) } : null;
}

export async function checkChangesInRuntime(servers: McpServer[], changed: ChangedServer[], options: RuntimeCheckOptions): Promise<Map<string, RuntimeCheckResult>> {
  const results = new Map<string, RuntimeCheckResult>();
  await Promise.all(
    changed.map(async (change) => {
      const server = servers.find((candidate) => candidate.name === change.server);
      if (!server) return;
      const env = effectiveEnvOf({ config: server.config, env: { ...server.env, ...change.env }, passEnv: server.passEnv }, options.hostEnv);
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
          verifyDocker: options.verifyDocker,
          timeoutMs: options.timeoutMs,
          signal: options.signal,
        }),
      );
    }),
  );
  return results;
}
