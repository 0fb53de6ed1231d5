// verifyTrust: proof that a bundle fixes the path before anything is written. A handshake with
// normal verification (rejectUnauthorized, Node's default host check) that trusts only caPem.
import type { ProbeOptions, VerifyResult } from './options';
import { VerificationFailure, withTls } from './probe';

export async function verifyTrust(options: ProbeOptions & { caPem: string }): Promise<VerifyResult> {
  try {
    return await withTls(options, { ca: options.caPem, rejectUnauthorized: true }, () => ({ ok: true }));
  } catch (error) {
    if (error instanceof VerificationFailure) return { ok: false, error: error.code };
    throw error;
  }
}
