// What an "incomplete" verdict means: an issuer is missing, or the path was too long to follow
// (no CA is missing). One test, light enough for the editor's activation bundle; every front end
// words the two apart (cli/chain.ts, core/assess/policy.ts, extension/verdictText.ts).
import type { ChainReport } from '../types';

/** The warning code buildReport gives a path cut at MAX_DEPTH (path.ts). */
export const CHAIN_TOO_LONG = 'chain-too-long';

export function chainTooLong(report: Pick<ChainReport, 'verdict' | 'warnings'>): boolean {
  return report.verdict === 'incomplete' && report.warnings.some((warning) => warning.code === CHAIN_TOO_LONG);
}
