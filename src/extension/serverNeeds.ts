import * as vscode from 'vscode';
import * as os from 'node:os';
import type { NeedsResult, TargetVerdict } from '../core/doctor/needs';
import type { ServerTarget } from '../core/doctor/types';
import type { ChainReport, Logger } from '../core/types';
import type { ChainAnalysis } from './analysis';
import { useCases } from './lazyUseCases';
import type { ServerEntry } from './servers';
import type { Settings } from './settings';
import type { VerdictCache } from './verdictCache';

/**
 * Which servers need the fix for which root (core/doctor/needs.ts, the one rule): each stdio
 * server's target through its own proxy (an untrusted workspace's config names neither host nor
 * proxy), the distinct targets analysed in the worker concurrently, and each server's effective
 * environment checked against the root. With a cache, kept verdicts stand in for probes (preflight);
 * without, every target is analysed afresh (the Fix picker).
 */
export async function serverNeeds(
  servers: ServerEntry[],
  { analysis, settings, logger }: { analysis: ChainAnalysis; settings: Settings; logger: Logger },
  options: {
    cache?: VerdictCache;
    /** A host every server is known to reach (a log's or a notification's), each through its own proxy. */
    at?: { host: string; port: number };
    progress?: (done: number, total: number, target: ServerTarget) => void;
    signal?: AbortSignal;
  } = {},
): Promise<NeedsResult<ServerEntry>> {
  const { cache, at, progress, signal } = options;
  const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
  const trusted = vscode.workspace.isTrusted;
  const core = useCases();
  const fromConfig = (server: ServerEntry): boolean => trusted || server.config.scope !== 'workspace';
  return core.serversNeedingFix(servers, {
    targetOf: (server) => {
      const target = core.serverTargetOf(server, (entry) => core.effectiveEnvOf(entry, process.env), { probeHost: settings.probeHost, fromConfig: fromConfig(server) });
      return target && at ? { ...target, host: at.host, port: at.port } : target;
    },
    analyze: async (target, abort): Promise<ChainReport | TargetVerdict> => {
      const key = analysis.cacheKeyOf(target);
      const kept = cache?.get(key);
      if (kept && 'verdict' in kept) {
        logger.info(`preflight: ${target.host}:${target.port}: ${kept.verdict.verdict} (kept verdict${kept.verdict.root ? `, root "${kept.verdict.root.subject}"` : ''}; no probe)`);
        return kept.verdict;
      }
      if (kept) throw new Error(`${kept.error} (failed a moment ago; not probed again yet)`);
      try {
        // The report reaches the cache through ChainAnalysis.onDidReport.
        return await analysis.analyzeTarget(target, abort);
      } catch (error) {
        await cache?.putFailure(key, error instanceof Error ? error.message : String(error));
        throw error;
      }
    },
    trusts: async (server, root) => {
      // An untrusted workspace's config names no file to read: its servers count as not trusting.
      if (!fromConfig(server)) return false;
      const env = core.effectiveEnvOf(server, process.env);
      const check = await core.serverTrustsRoot(server, root.sha256, env, { home: os.homedir(), workspaceFolder: folders[0], env: process.env });
      for (const bad of check.unreadable) logger.warn(`${server.name} sets ${bad.variable}=${bad.value}, which cannot be read (${bad.message})`);
      if (check.trusted) logger.info(`${server.name} already trusts ${root.subject} through ${check.via ?? '?'}`);
      return check.trusted;
    },
    onProgress: progress,
    signal,
  });
}
