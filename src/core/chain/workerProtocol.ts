// Messages between the extension host and the chain worker (structured-clone safe: no signals, no classes).
import type { ChainReport, DoctorErrorKind } from '../types';
import type { AnalyzeOptions, ProbeOptions, VerifyResult } from './options';

export type WireAnalyzeOptions = Omit<AnalyzeOptions, 'signal'>;
export type WireVerifyOptions = Omit<ProbeOptions, 'signal'> & { caPem: string };

export type WorkerRequest =
  | { id: number; type: 'analyze'; options: WireAnalyzeOptions }
  | { id: number; type: 'verify'; options: WireVerifyOptions }
  | { id: number; type: 'cancel' };

export interface WireError {
  /** A DoctorError's kind, or null for an unexpected error. */
  kind: DoctorErrorKind | null;
  message: string;
  detail?: { file?: string; line?: number; column?: number };
}

export type WorkerResponse =
  | { id: number; ok: true; type: 'analyze'; result: ChainReport }
  | { id: number; ok: true; type: 'verify'; result: VerifyResult }
  | { id: number; ok: false; error: WireError };
