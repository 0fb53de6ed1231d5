// Public surface of chain analysis: other layers import only this file (types: ./options).
import type { ChainReport } from '../types';
import { analyzeHost as analyze } from './analyze';
import type { AnalyzeOptions, ProbeOptions, VerifyResult } from './options';
import { verifyTrust as verify } from './verify';

export type { AnalyzeOptions, ProbeOptions, VerifyResult } from './options';

/** Probe host:port (direct or through a proxy), build the path, and give the verdict. */
export function analyzeHost(options: AnalyzeOptions): Promise<ChainReport> {
  return analyze(options);
}

/** A handshake to the host that trusts only caPem: proof that a bundle fixes the path. */
export function verifyTrust(options: ProbeOptions & { caPem: string }): Promise<VerifyResult> {
  return verify(options);
}

export { parseHostPort, formatHostPort } from './hostPort';
export { strictProblems, strictAnchorProblems, type StrictProblem } from './strict';
export { SYSTEM_CA_ENV } from '../trust/systemStore';
export { caTrustSource } from './caTrust';
export { chainTooLong } from './verdict';
