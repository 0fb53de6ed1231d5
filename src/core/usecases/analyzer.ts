// The in-process analyser (the CLI's); the editor provides one over its worker thread instead.
import { probeEnvOf } from '../assess/serverEnv';
import type { Analyzer, AnalyzerOptions, ServerTarget } from '../model/server';

/** Host, port, and the environment whose proxy variables are the server's own when it has them. */
function where(target: ServerTarget, env: NodeJS.ProcessEnv | undefined): { host: string; port: number; env?: NodeJS.ProcessEnv } {
  return { host: target.host, port: target.port, env: target.proxyEnv ? probeEnvOf(target, env ?? process.env) : env };
}

export function inProcessAnalyzer(options: AnalyzerOptions): Analyzer {
  return {
    analyze: async (target, signal) => (await import('../chain/index')).analyzeHost({ ...options, ...where(target, options.env), signal }),
    verify: async (target, caPem, signal) => {
      const { proxy, servername, env, timeoutMs } = options;
      return (await import('../chain/index')).verifyTrust({ proxy, servername, timeoutMs, ...where(target, env), caPem, signal });
    },
  };
}
