// Messages between the chain viewer webview (media/chainView.ts) and the extension.
import type { ChainReport } from '../core/types';

export interface ChainViewStrings {
  title: string;
  verdictLabel: Record<ChainReport['verdict'], string>;
  verdictText: string;
  subject: string;
  issuer: string;
  validity: string;
  expired: string;
  notYetValid: string;
  sha256: string;
  key: string;
  trust: string;
  source: Record<'presented' | 'system' | 'public' | 'none', string>;
  leaf: string;
  intermediate: string;
  root: string;
  notSent: string;
  sent: string;
  fix: string;
  savePem: string;
  copyPem: string;
  reanalyze: string;
  proxy: string;
  direct: string;
  warnings: string;
  empty: string;
  analyzing: string;
}

export interface ViewCert {
  role: 'leaf' | 'intermediate' | 'root';
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  expired: boolean;
  notYetValid: boolean;
  sha256: string;
  key: string;
  source: 'presented' | 'system' | 'public' | 'none';
  /** The server sent it (else it was found in a store). */
  sent: boolean;
}

export type ToView =
  | { type: 'show'; report: ChainReport; certs: ViewCert[]; strings: ChainViewStrings; canFix: boolean }
  | { type: 'busy'; host: string; strings: ChainViewStrings };

export type FromView =
  | { type: 'ready' }
  | { type: 'fix' }
  | { type: 'savePem'; sha256?: string }
  | { type: 'copyPem'; sha256?: string }
  | { type: 'reanalyze' };
