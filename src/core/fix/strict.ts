// Python 3.13+ verifies with VERIFY_X509_STRICT: OpenSSL then rejects certificates a non-strict
// client accepts, even when the CA is trusted, and no variable turns that off. Which certificate
// fails matters for what works: a CA (root or intermediate) is IT's to reissue; a leaf is minted by
// the TLS-inspecting proxy itself, so only the proxy (a newer version, another setting) can fix it.
// The rules are the chain area's (one rule set for `chain`, `fix --host` and `fix --ca`): with
// --host on the whole built path, with --ca on each given CA as its path's trust anchor.
import { X509Certificate } from 'node:crypto';
import { strictAnchorProblems, strictProblems } from '../chain/strict';
import type { PathCert } from '../types';

/** Which certificate of the path has the problem. */
export type StrictCertRole = 'root' | 'intermediate' | 'leaf';

export interface StrictProblem {
  sha256: string;
  subject: string;
  /** OpenSSL's text, as Python prints it after `certificate verify failed:`. */
  problem: string;
  certificate: StrictCertRole;
  /** Who issued it: for a leaf, the proxy's CA (names the vendor, e.g. `CN=mitmproxy`). */
  issuer?: string;
}

function isSelfIssued(pem: string): boolean {
  try {
    const cert = new X509Certificate(pem);
    return cert.subject === cert.issuer;
  } catch {
    return false;
  }
}

/** A CA given alone (`--ca`, the extension's chosen root): checked as the trust anchor it becomes. */
export function strictCaProblems(cas: { pem: string }[]): StrictProblem[] {
  return cas.flatMap((ca) => {
    const certificate: StrictCertRole = isSelfIssued(ca.pem) ? 'root' : 'intermediate';
    return strictAnchorProblems([ca]).map((p) => ({ sha256: p.sha256, subject: p.subject, problem: p.opensslMessage, certificate }));
  });
}

/** A built path (leaf first, trust anchor last), as `chain` reports it (`fix --host`). */
export function strictPathProblems(path: PathCert[]): StrictProblem[] {
  const last = path.length - 1;
  return strictProblems(path).map((p) => {
    const index = path.findIndex((cert) => cert.sha256 === p.sha256);
    const certificate: StrictCertRole = index === 0 ? 'leaf' : index === last && path[last]?.selfSigned !== false ? 'root' : 'intermediate';
    const issuer = path[index]?.issuer;
    return { sha256: p.sha256, subject: p.subject, problem: p.opensslMessage, certificate, ...(issuer ? { issuer } : {}) };
  });
}
