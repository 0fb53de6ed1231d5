// Public surface of chain analysis (owned by the chain work; other parts import only this file).
import type { ChainReport } from '../types';
import { analyzeHost as analyze } from './analyze';
import { verifyTrust as verify } from './verify';

export interface ProbeOptions {
  host: string;
  port: number;
  /** SNI; defaults to host when it is a name. */
  servername?: string;
  /** Explicit proxy URL (http://user:pass@host:port); null = direct; undefined = from env (HTTPS_PROXY, NO_PROXY...). */
  proxy?: string | null;
  /** Environment to read proxy variables from; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface AnalyzeOptions extends ProbeOptions {
  /** Replace the OS store with the certificates of this PEM file (tests, admins). Else MCP_SSL_DOCTOR_SYSTEM_CA from env. */
  systemCaFile?: string;
  /** Replace the public roots with the certificates of this PEM file (tests). */
  publicCaFile?: string;
}

export interface VerifyResult {
  ok: boolean;
  /** The TLS error when not ok (e.g. UNABLE_TO_GET_ISSUER_CERT_LOCALLY). */
  error?: string;
}

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
