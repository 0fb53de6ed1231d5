import * as vscode from 'vscode';
import * as os from 'node:os';
import type { Assessment, TargetVerdict } from '../core/assess/assess';
import type { ServerTarget } from '../core/model/server';
import type { ChainReport, Finding, Logger } from '../core/types';
import type { ChainAnalysis } from './analysis';
import { useCases } from './lazyUseCases';
import type { ServerEntry } from './servers';
import type { Settings } from './settings';
import type { VerdictCache } from './verdictCache';

/** The probe error of a target that has no kept verdict when only kept verdicts may be read. */
export const NOT_KEPT = 'no kept verdict';

/**
 * The editor's servers through the one assessment (core/assess/assess.ts), as doctor assesses them:
 * each stdio server's target through its own route (an untrusted workspace's config names neither
 * host, proxy nor CA file), the distinct targets analysed in the worker concurrently, each server's
 * effective environment checked against the root. With a cache, kept verdicts stand in for probes
 * (preflight); without, every target is analysed afresh (the Fix picker).
 */
export async function assessServers(
  servers: ServerEntry[],
  { analysis, settings, logger }: { analysis: ChainAnalysis; settings: Settings; logger: Logger },
  options: {
    cache?: VerdictCache;
    /** A host every server is known to reach (a log's or a notification's), each through its own proxy. */
    at?: { host: string; port: number };
    /** The analysis already made for `at` (the chain viewer's Fix): no probe. */
    report?: ChainReport;
    progress?: (done: number, total: number, target: ServerTarget) => void;
    signal?: AbortSignal;
    /** Kept verdicts only (the config file's diagnostics): a target without one is not probed (probeError NOT_KEPT). */
    keptOnly?: boolean;
    /** The latest TLS failure each server's own log shows, by name (doctor's `failures`): such a server fails now. */
    failures?: ReadonlyMap<string, Finding>;
  } = {},
): Promise<Assessment<ServerEntry>[]> {
  const { cache, at, report, progress, signal, keptOnly, failures } = options;
  const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
  const trusted = vscode.workspace.isTrusted;
  const assessments = await useCases().assess(servers, {
    hostEnv: process.env,
    contextOf: () => ({ home: os.homedir(), workspaceFolder: folders[0], env: process.env }),
    probeHost: settings.probeHost,
    fromConfig: (server) => trusted || server.config.scope !== 'workspace',
    at,
    analyze: async (target, abort): Promise<ChainReport | TargetVerdict> => {
      if (report) return report;
      const key = analysis.cacheKeyOf(target);
      const kept = cache?.get(key);
      if (kept && 'verdict' in kept) {
        // Diagnostics ask on every pause in typing: only the other callers' kept verdicts are logged.
        if (!keptOnly) logger.info(`preflight: ${target.host}:${target.port}: ${kept.verdict.verdict} (kept verdict${kept.verdict.root ? `, root "${kept.verdict.root.subject}"` : ''}; no probe)`);
        return kept.verdict;
      }
      if (kept) throw new Error(`${kept.error} (failed a moment ago; not probed again yet)`);
      if (keptOnly) throw new Error(NOT_KEPT);
      try {
        // The report reaches the cache through ChainAnalysis.onDidReport.
        return await analysis.analyzeTarget(target, abort);
      } catch (error) {
        await cache?.putFailure(key, error instanceof Error ? error.message : String(error));
        throw error;
      }
    },
    onProgress: progress,
    failures,
    signal,
  });
  for (const assessment of assessments) {
    for (const bad of assessment.unreadableCa) logger.warn(`${assessment.server.name} sets ${bad.variable}=${bad.value}, which cannot be read (${bad.message})`);
    if (assessment.reason === 'trusts-root' && !keptOnly) logger.info(`${assessment.server.name} already trusts ${assessment.root?.subject ?? '?'} through ${assessment.trustedVia ?? '?'}`);
  }
  return assessments;
}
