// The verdict policy: which chain verdicts a fix may act on, which need the user's explicit word
// (a root no store knows), which get an explanation. Reason codes, worded by each front end.
import type { ChainReport } from '../types';
import { DoctorError } from '../types';
import { casToTrust } from '../fix/cas';
import { chainTooLong } from '../chain/verdict';

export type FixReason =
  | 'intercepted' // the corporate case: a root the OS trusts
  | 'unknown-root' // a root no store trusts: possibly an attack
  | 'local-store' // a remote window (dev container, SSH, WSL): no store here knows the root, the local (UI-side) machine's OS store holds this exact fingerprint
  | 'public-root' // nothing intercepts: the failure has another cause
  | 'expired'
  | 'hostname-mismatch'
  | 'incomplete'
  | 'no-ca';

export interface FixDecision {
  action: 'fix' | 'confirm' | 'refuse';
  reason: FixReason;
}

/** What is known beyond this machine's stores: the SHA-256 of roots the local (UI-side) machine's OS store holds. */
export interface FixContext {
  localStoreRoots?: readonly string[];
}

export function decideFix(report: ChainReport, context: FixContext = {}): FixDecision {
  switch (report.verdict) {
    case 'intercepted':
      return casToTrust(report).length > 0 ? { action: 'fix', reason: 'intercepted' } : { action: 'refuse', reason: 'no-ca' };
    case 'untrusted':
      if (casToTrust(report).length === 0) return { action: 'refuse', reason: 'no-ca' };
      // The same exact root (by SHA-256) is one the local machine's OS store trusts: the corporate case seen from a remote window.
      if (report.root && context.localStoreRoots?.includes(report.root.sha256.toLowerCase())) return { action: 'fix', reason: 'local-store' };
      return { action: 'confirm', reason: 'unknown-root' };
    case 'trusted':
      return { action: 'refuse', reason: 'public-root' };
    case 'expired':
    case 'hostname-mismatch':
    case 'incomplete':
      return { action: 'refuse', reason: report.verdict };
  }
}

/** English wording of a refusal (the CLI's; the editor words the codes through l10n). */
export function refusalText(reason: FixReason, report: Pick<ChainReport, 'host' | 'port' | 'root'> & Partial<Pick<ChainReport, 'verdict' | 'warnings'>>): string {
  const where = `${report.host}:${report.port}`;
  switch (reason) {
    case 'unknown-root':
      return (
        `${where} ends at a root that neither the OS store nor the public roots trust (${report.root?.subject ?? 'unknown'}, sha256 ${report.root?.sha256 ?? '?'}). ` +
        "This may be an attack rather than your company's proxy. If IT confirms this CA, run again with --trust-unknown-ca."
      );
    case 'public-root':
      return `${where} already verifies to a public root: there is nothing to fix with a CA bundle.`;
    case 'expired':
      return `${where} presents an expired certificate: trusting a CA will not fix that; the server's owner must renew it.`;
    case 'hostname-mismatch':
      return `${where} presents a certificate for another name: trusting a CA will not fix that (check the host name, or --servername).`;
    case 'incomplete':
      if (report.verdict && report.warnings && chainTooLong({ verdict: report.verdict, warnings: report.warnings })) {
        return `${where} sends a certificate path too long to follow ("mcp-ssl-doctor chain" shows how long): no CA is missing, and no bundle will make it verify; the server or proxy is misconfigured (or hostile).`;
      }
      return `${where}: no certificate path could be built (a missing intermediate or root), so there is no CA to trust.`;
    case 'no-ca':
      return `${where}: the chain has no CA certificate to trust.`;
    case 'intercepted':
      return `${where} is intercepted by a root the OS trusts.`;
    case 'local-store':
      return `${where} is intercepted by a root the local machine's OS store trusts (sha256 ${report.root?.sha256 ?? '?'}); no store on this side holds it.`;
  }
}

/**
 * The CAs to trust for a report, or a DoctorError('refused') carrying the reason code. A root no
 * store knows passes only with `trustUnknown` (the CLI's flag, the editor's modal warning).
 */
export function casForFix(report: ChainReport, trustUnknown: boolean, context: FixContext = {}): string[] {
  const decision = decideFix(report, context);
  if (decision.action === 'fix' || (decision.action === 'confirm' && trustUnknown)) return casToTrust(report);
  throw new DoctorError('refused', `${refusalText(decision.reason, report)} Nothing was written.`, { reason: decision.reason });
}

/** The same rule for a CA given by hand: known to a store, or explicitly trusted. */
export function checkGivenCa(source: 'system' | 'public' | null, trustUnknown: boolean, what: string): void {
  if (source !== null || trustUnknown) return;
  throw new DoctorError(
    'refused',
    `${what}: neither the OS store nor the public roots hold this CA or its issuer. This may be an attack rather than your company's proxy. ` +
      'If IT confirms its fingerprint, run again with --trust-unknown-ca. Nothing was written.',
    { reason: 'unknown-root' },
  );
}

/**
 * The root a fix would have the servers trust: that of a chain the policy does not refuse
 * (intercepted, or untrusted with the user's word); null for every other verdict.
 */
export function interceptionRoot(report: { verdict: ChainReport['verdict']; root: { subject: string; sha256: string } | null }): { subject: string; sha256: string } | null {
  if (!report.root || (report.verdict !== 'intercepted' && report.verdict !== 'untrusted')) return null;
  return { subject: report.root.subject, sha256: report.root.sha256 };
}
