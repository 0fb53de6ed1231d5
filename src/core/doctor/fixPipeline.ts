// The fix pipeline, one for every front end: analyse → pick CAs (policy) → strict check → plan →
// verify → apply. `fix` (CLI), `doctor --fix` and the editor's Fix all run this.
import type { FixResult } from '../fix/apply';
import { applyFix, describePlan } from '../fix/apply';
import type { BundleMode } from '../fix/bundle';
import { planFix } from '../fix/plan';
import type { StrictProblem } from '../fix/strict';
import { strictPathProblems } from '../fix/strict';
import type { ChainReport } from '../types';
import { casForFix } from './policy';
import type { Analyzer, ServerTarget } from './types';

/** Where the CAs come from: given by hand, or a chain report (policy applies). */
export type CaSource = { kind: 'given'; pems: (string | Buffer)[] } | { kind: 'report'; report: ChainReport; trustUnknown: boolean };

export interface FixRequest {
  configPath: string;
  serversPath?: string[];
  /** Only these servers; default every stdio server of the file. */
  servers?: string[];
  cas: CaSource;
  /** Proof before writing: a handshake to this target trusting only the new bundle. */
  verify?: { target: ServerTarget; analyzer: Pick<Analyzer, 'verify'>; signal?: AbortSignal };
  mode?: BundleMode;
  bundleDir?: string;
  home?: string;
  platform?: NodeJS.Platform;
  publicPem?: string;
  replace?: boolean;
  removeInsecure?: boolean;
  dryRun?: boolean;
}

export interface CasToFix {
  pems: (string | Buffer)[];
  /** From the whole analysed path (the proxy's leaf too), so advice names the certificate that fails. */
  strictProblems?: StrictProblem[];
}

export function casOf(source: CaSource): CasToFix {
  if (source.kind === 'given') return { pems: source.pems };
  return { pems: casForFix(source.report, source.trustUnknown), strictProblems: strictPathProblems(source.report.path) };
}

export async function fixConfig(request: FixRequest): Promise<FixResult> {
  const cas = casOf(request.cas);
  const verify = request.verify;
  const plan = await planFix({
    configPath: request.configPath,
    serversPath: request.serversPath,
    servers: request.servers,
    caPems: cas.pems,
    strictProblems: cas.strictProblems,
    mode: request.mode,
    bundleDir: request.bundleDir,
    home: request.home,
    platform: request.platform,
    publicPem: request.publicPem,
    replace: request.replace,
    removeInsecure: request.removeInsecure,
    verify: verify && {
      host: verify.target.host,
      port: verify.target.port,
      verifyTrust: (options) => verify.analyzer.verify({ ...verify.target, host: options.host, port: options.port }, options.caPem, verify.signal),
    },
  });
  return request.dryRun ? describePlan(plan) : applyFix(plan);
}
