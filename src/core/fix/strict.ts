// Python 3.13+ verifies with VERIFY_X509_STRICT: a CA without a critical Basic Constraints, or a
// non-root CA without an Authority Key Identifier, is rejected even when trusted. No variable turns
// that off, so the fix must not pretend a bundle helps. With --host the CLI uses the chain area's
// path-based `strictProblems`; this check covers a CA given alone (`--ca`), as the trust anchor.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { BundleCert } from './bundle';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface StrictProblem {
  sha256: string;
  subject: string;
  problem: string;
}

export function strictCaProblems(cas: BundleCert[]): StrictProblem[] {
  const problems: StrictProblem[] = [];
  for (const ca of cas) {
    const cert = new x509.X509Certificate(ca.pem);
    const add = (problem: string): void => {
      problems.push({ sha256: ca.sha256, subject: ca.subject, problem });
    };
    const basic = cert.getExtension(x509.BasicConstraintsExtension);
    if (!basic) add('Basic Constraints missing');
    else if (!basic.critical) add('Basic Constraints of CA cert not marked critical');
    if (!cert.getExtension(x509.KeyUsagesExtension)) add('CA cert does not include key usage extension');
    if (!cert.getExtension(x509.SubjectKeyIdentifierExtension)) add('Missing Subject Key Identifier');
    const selfIssued = cert.subject === cert.issuer;
    if (!selfIssued && !cert.getExtension(x509.AuthorityKeyIdentifierExtension)) add('Missing Authority Key Identifier');
  }
  return problems;
}
