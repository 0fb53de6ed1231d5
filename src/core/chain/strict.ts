// Python 3.13+ verifies with VERIFY_X509_STRICT (OpenSSL's X509_V_FLAG_X509_STRICT): OpenSSL 3's
// check_chain() then rejects certificates a non-strict client accepts, even when the CA is trusted.
// The rules below follow that function, applied to every certificate of a path of two or more:
//  - a CA's Basic Constraints must be critical          (X509_V_ERR_CA_BCONS_NOT_CRITICAL)
//  - a CA must carry Key Usage                          (X509_V_ERR_CA_CERT_MISSING_KEY_USAGE)
//  - a CA must carry a Subject Key Identifier           (X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER)
//  - every certificate but the last (the trust anchor) needs an Authority Key Identifier with a
//    keyIdentifier                                      (X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER)
//  - AKI and SKI must not be critical; pathLen only on a CA; an empty SAN is an error; the inner
//    and outer signature algorithms must match; v1/v2 certificates carry no extensions.
import type { ChainWarning } from '../types';
import { pemToDers } from '../pem';
import { Cert } from './cert';
import { KEY_CERT_SIGN, OID, countGeneralNames, readBasicConstraints, readKeyUsage } from './der';

export interface StrictProblem {
  code: string;
  /** OpenSSL's error text, as Python prints it after `certificate verify failed:`. */
  opensslMessage: string;
  subject: string;
  sha256: string;
}

interface Rule {
  code: string;
  opensslMessage: string;
  fails: (cert: Cert, isLast: boolean) => boolean;
}

const isCa = (cert: Cert): boolean => {
  const bc = cert.skeleton.extensions.get(OID.basicConstraints);
  return bc ? readBasicConstraints(bc.value).ca : false;
};

const RULES: readonly Rule[] = [
  {
    code: 'python-strict-basic-constraints',
    opensslMessage: 'Basic Constraints of CA cert not marked critical',
    fails: (c) => isCa(c) && c.skeleton.extensions.get(OID.basicConstraints)?.critical === false,
  },
  {
    code: 'python-strict-key-usage',
    opensslMessage: 'CA cert does not include key usage extension',
    fails: (c) => isCa(c) && !c.skeleton.extensions.has(OID.keyUsage),
  },
  {
    code: 'python-strict-key-cert-sign',
    opensslMessage: 'Key usage keyCertSign invalid for non-CA cert',
    fails: (c) => {
      const ku = c.skeleton.extensions.get(OID.keyUsage);
      return !isCa(c) && ku !== undefined && (readKeyUsage(ku.value) & KEY_CERT_SIGN) !== 0;
    },
  },
  {
    code: 'python-strict-missing-ski',
    opensslMessage: 'Missing Subject Key Identifier',
    fails: (c) => c.skeleton.version >= 2 && isCa(c) && !c.skeleton.extensions.has(OID.subjectKeyIdentifier),
  },
  {
    code: 'python-strict-missing-aki',
    opensslMessage: 'Missing Authority Key Identifier',
    fails: (c, isLast) => c.skeleton.version >= 2 && !isLast && c.authorityKeyId === null,
  },
  {
    code: 'python-strict-aki-critical',
    opensslMessage: 'Authority Key Identifier marked critical',
    fails: (c) => c.skeleton.extensions.get(OID.authorityKeyIdentifier)?.critical === true,
  },
  {
    code: 'python-strict-ski-critical',
    opensslMessage: 'Subject Key Identifier marked critical',
    fails: (c) => c.skeleton.extensions.get(OID.subjectKeyIdentifier)?.critical === true,
  },
  {
    code: 'python-strict-pathlen-non-ca',
    opensslMessage: 'Path length invalid for non-CA cert',
    fails: (c) => {
      const bc = c.skeleton.extensions.get(OID.basicConstraints);
      if (!bc) return false;
      const { ca, pathLen } = readBasicConstraints(bc.value);
      return !ca && pathLen !== null;
    },
  },
  {
    code: 'python-strict-empty-san',
    opensslMessage: 'Empty Subject Alternative Name extension',
    fails: (c) => {
      const san = c.skeleton.extensions.get(OID.subjectAltName);
      return san !== undefined && countGeneralNames(san.value) === 0;
    },
  },
  {
    code: 'python-strict-empty-issuer',
    opensslMessage: 'Issuer name empty',
    fails: (c) => c.skeleton.issuerEmpty,
  },
  {
    code: 'python-strict-signature-algorithm',
    opensslMessage: 'Signature algorithm inconsistency',
    fails: (c) => !c.skeleton.signatureAlgorithmsMatch,
  },
  {
    code: 'python-strict-extensions-v1',
    opensslMessage: 'Extensions require version 3',
    fails: (c) => c.skeleton.version < 2 && c.skeleton.extensions.size > 0,
  },
];

/** Strict-mode problems of a path (leaf first, trust anchor last), as certificates or their PEM. */
export function strictProblems(path: ReadonlyArray<Cert | { pem?: string }>): StrictProblem[] {
  const certs = path.flatMap((entry) => {
    if (entry instanceof Cert) return [entry];
    const der = entry.pem ? pemToDers(entry.pem)[0] : undefined;
    const cert = der ? Cert.tryParse(der) : null;
    return cert ? [cert] : [];
  });
  if (certs.length < 2) return [];
  const problems: StrictProblem[] = [];
  certs.forEach((cert, index) => {
    for (const rule of RULES) {
      if (rule.fails(cert, index === certs.length - 1)) {
        problems.push({ code: rule.code, opensslMessage: rule.opensslMessage, subject: certName(cert), sha256: cert.sha256 });
      }
    }
  });
  return problems;
}

/** Strict-mode problems of CA certificates trusted on their own (a CA file): each as its path's trust anchor. */
export function strictAnchorProblems(anchors: ReadonlyArray<{ pem?: string }>): StrictProblem[] {
  return anchors.flatMap((entry) => {
    const der = entry.pem ? pemToDers(entry.pem)[0] : undefined;
    const cert = der ? Cert.tryParse(der) : null;
    if (!cert) return [];
    return RULES.filter((rule) => rule.fails(cert, true)).map((rule) => ({
      code: rule.code,
      opensslMessage: rule.opensslMessage,
      subject: certName(cert),
      sha256: cert.sha256,
    }));
  });
}

function certName(cert: Cert): string {
  try {
    return cert.info().subject;
  } catch {
    return cert.sha256;
  }
}

/** Problems as `chain` warnings: what breaks, and what works instead. */
export function strictWarnings(problems: StrictProblem[]): ChainWarning[] {
  return problems.map((p) => ({
    code: p.code,
    message:
      `Python 3.13+ rejects "${p.subject}" even when it is trusted ` +
      `(certificate verify failed: ${p.opensslMessage}); no environment variable turns this check off. ` +
      'What works: IT reissues the CA to meet RFC 5280 (critical Basic Constraints, Key Usage, key identifiers), ' +
      'or the server runs on Python 3.12 (e.g. `uvx --python 3.12 ...`).',
  }));
}
