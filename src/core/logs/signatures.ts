// The catalogue of TLS failure texts, as data: adding a runtime's wording is adding a row.
// Rows are tried in order; the first whose pattern matches a line classifies it. Patterns are
// plain alternations of literals and bounded classes (no nested quantifiers): a 1 MB line scans
// in linear time.
import type { FindingKind, Runtime } from '../types';

export interface Signature {
  kind: FindingKind;
  /** The runtime that prints it, when the text alone says so; null: infer from the event. */
  runtime: Runtime | null;
  pattern: RegExp;
}

export const SIGNATURES: Signature[] = [
  // Python 3.13+ / OpenSSL 3 strict mode: a trusted CA rejected for its extensions.
  { kind: 'strict-ca', runtime: 'rust', pattern: /invalid peer certificate: [^\n]{0,40}UnsupportedCriticalExtension/ },
  { kind: 'strict-ca', runtime: 'python', pattern: /Basic Constraints of CA cert not marked critical|Missing Authority Key Identifier|CA cert does not include key usage extension|Missing Subject Key Identifier|authority and subject key identifier mismatch|Authority Key Identifier marked critical|Subject Key Identifier marked critical/ },

  // Host name mismatch.
  { kind: 'hostname-mismatch', runtime: 'python', pattern: /Hostname mismatch, certificate is not valid for|IP address mismatch, certificate is not valid for|hostname '[^']{1,255}' doesn't match/ },
  { kind: 'hostname-mismatch', runtime: 'node', pattern: /ERR_TLS_CERT_ALTNAME_INVALID|Hostname\/IP does not match certificate's altnames/ },
  { kind: 'hostname-mismatch', runtime: 'rust', pattern: /invalid peer certificate: (?:NotValidForName|certificate not valid for name)|NotValidForNameContext/ },
  { kind: 'hostname-mismatch', runtime: 'go', pattern: /x509: certificate is valid for [^\n]{1,2000}, not |x509: certificate is not valid for any names|x509: cannot validate certificate for [^\s]{1,255} because it doesn't contain any IP SANs/ },
  { kind: 'hostname-mismatch', runtime: 'java', pattern: /No subject alternative (?:DNS )?names? matching|No name matching [^\s]{1,255} found|Certificate for <[^>]{1,255}> doesn't match any of the subject alternative names/ },
  { kind: 'hostname-mismatch', runtime: 'dotnet', pattern: /RemoteCertificateNameMismatch/ },
  { kind: 'hostname-mismatch', runtime: 'curl', pattern: /no alternative certificate subject name matches target host name|SSL: certificate subject name '[^']{1,255}' does not match/ },

  // Expired or not yet valid.
  { kind: 'expired', runtime: 'node', pattern: /CERT_HAS_EXPIRED|CERT_NOT_YET_VALID/ },
  { kind: 'expired', runtime: 'rust', pattern: /invalid peer certificate: (?:Expired|NotValidYet|certificate expired|certificate not valid yet)/ },
  { kind: 'expired', runtime: 'go', pattern: /x509: certificate has expired or is not yet valid/ },
  { kind: 'expired', runtime: 'java', pattern: /CertificateExpiredException|CertificateNotYetValidException|CertPathValidatorException: validity check failed/ },
  { kind: 'expired', runtime: 'dotnet', pattern: /NotTimeValid/ },
  { kind: 'expired', runtime: null, pattern: /certificate has expired|certificate is not yet valid/ },

  // Revoked.
  { kind: 'revoked', runtime: 'node', pattern: /CERT_REVOKED/ },
  { kind: 'revoked', runtime: 'rust', pattern: /invalid peer certificate: Revoked/ },
  { kind: 'revoked', runtime: 'dotnet', pattern: /RevocationStatusUnknown|errors in the certificate chain: [^\n]{0,200}?\bRevoked\b/ },
  // Windows Schannel (git, curl): the revocation check could not be made (corporate CAs often publish no reachable CRL).
  { kind: 'revoked', runtime: 'curl', pattern: /CRYPT_E_NO_REVOCATION_CHECK|CERT_TRUST_REVOCATION_STATUS_UNKNOWN|CRYPT_E_REVOKED/ },
  { kind: 'revoked', runtime: 'java', pattern: /CertPathValidatorException: Certificate has been revoked/ },
  { kind: 'revoked', runtime: null, pattern: /certificate revoked|certificate has been revoked/ },

  // A self-signed leaf: no CA at all.
  { kind: 'self-signed-leaf', runtime: 'node', pattern: /DEPTH_ZERO_SELF_SIGNED_CERT/ },
  { kind: 'self-signed-leaf', runtime: null, pattern: /self[- ]signed certificate(?! in certificate chain)(?:\s*\(|\s*$|'|"|\]|>|\)|,|;)/ },

  // The corporate case: a chain ending at a CA the runtime does not trust.
  { kind: 'untrusted-ca', runtime: 'node', pattern: /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_GET_ISSUER_CERT(?!_)|unable to verify the first certificate/ },
  { kind: 'untrusted-ca', runtime: 'rust', pattern: /invalid peer certificate: (?:UnknownIssuer|BadSignature)|UnknownIssuer|CaUsedAsEndEntity/ },
  { kind: 'untrusted-ca', runtime: 'go', pattern: /x509: certificate signed by unknown authority|tls: failed to verify certificate: x509|x509: \u201c[^\u201d\n]{1,255}\u201d certificate is not trusted/ },
  { kind: 'untrusted-ca', runtime: 'java', pattern: /PKIX path building failed|unable to find valid certification path to requested target|SunCertPathBuilderException/ },
  { kind: 'untrusted-ca', runtime: 'dotnet', pattern: /remote certificate is invalid because of errors in the certificate chain|UntrustedRoot|PartialChain|RemoteCertificateChainErrors/ },
  { kind: 'untrusted-ca', runtime: 'curl', pattern: /SSL certificate problem: (?:self[- ]signed certificate in certificate chain|unable to get local issuer certificate|unable to get issuer certificate)|server certificate verification failed\. CAfile|SEC_E_UNTRUSTED_ROOT|CERT_TRUST_IS_UNTRUSTED_ROOT|CERT_TRUST_IS_PARTIAL_CHAIN/ },
  { kind: 'untrusted-ca', runtime: 'python', pattern: /There was a problem confirming the ssl certificate|\[SSL: CERTIFICATE_VERIFY_FAILED\] certificate verify failed \(_ssl\.c:/ },
  { kind: 'untrusted-ca', runtime: null, pattern: /self[- ]signed certificate in certificate chain|unable to get local issuer certificate|unable to get issuer certificate|unable to verify the first certificate/ },

  // TLS failures that are not about the certificate.
  { kind: 'other-tls', runtime: 'python', pattern: /\[SSL: (?:WRONG_VERSION_NUMBER|SSLV3_ALERT_HANDSHAKE_FAILURE|TLSV1_ALERT_PROTOCOL_VERSION|UNEXPECTED_EOF_WHILE_READING|TLSV1_ALERT_INTERNAL_ERROR|UNSUPPORTED_PROTOCOL|TLSV1_UNRECOGNIZED_NAME)\]|EOF occurred in violation of protocol/ },
  { kind: 'other-tls', runtime: 'node', pattern: /\bEPROTO\b|ERR_SSL_WRONG_VERSION_NUMBER|ERR_SSL_[A-Z_]{3,60}|Client network socket disconnected before secure TLS connection was established/ },
  { kind: 'other-tls', runtime: 'go', pattern: /tls: first record does not look like a TLS handshake|remote error: tls: handshake failure/ },
  { kind: 'other-tls', runtime: 'java', pattern: /javax\.net\.ssl\.SSLHandshakeException: (?:Received fatal alert|Remote host terminated)/ },
  { kind: 'other-tls', runtime: null, pattern: /wrong version number|sslv3 alert handshake failure|unexpected eof while reading/ },
];

/**
 * A cheap prefilter: every line a signature classifies contains one of these literals (the tests
 * check it for every catalogued text). Few, and led by characters that are rare in ordinary log
 * text, so one regex pass over a chunk runs near memory speed. Also the alternation the bench
 * gives `grep -E`.
 */
export const ANCHORS: string[] = [
  'ficat', // certificate, Certificate, certification, RemoteCertificate…
  'CERT', // every Node/OpenSSL code, CERTIFICATE_VERIFY_FAILED
  'LEAF_SIGNATURE',
  'SSL', // [SSL: …], SSLError, SSL routines, javax.net.ssl.SSL…, The SSL connection…
  'TLS', // secure TLS connection, look like a TLS handshake
  'x509',
  'PKIX',
  'EPROTO',
];
// Not anchors on purpose: Go's bare `remote error: tls: handshake failure` (a frequent first
// letter makes 'tls: ' cost as much as all the others together; it is not a certificate failure); .NET's UntrustedRoot, PartialChain, NotTimeValid, Revoked come after
// "errors in the certificate chain:" (ficat); each extra alternative slows the one pass (V8's
// lookahead for the alternation weakens), measured 3-4x on a 200 MB log with four more.

function escape(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One regex of all anchors (global: scans a whole chunk in one pass). */
export const ANCHOR_PATTERN = new RegExp(ANCHORS.map(escape).join('|'), 'g');

/** Which runtime printed an event, from words around the error when the signature does not say. */
export const RUNTIME_HINTS: { runtime: Runtime; pattern: RegExp }[] = [
  { runtime: 'python', pattern: /\[SSL: |_ssl\.c:|ssl\.SSL|SSLCertVerificationError|urllib|requests\.exceptions|HTTPSConnectionPool|httpx|httpcore|aiohttp|Traceback \(most recent call last\)|File "[^"]{1,500}\.py"|pip\._|botocore|site-packages\/certifi|certifi\.where/ },
  { runtime: 'node', pattern: /code: '[A-Z_]{3,60}'|npm ERR!|npm error|node:internal|TLSSocket|FetchError|fetch failed|undici|at [\w.<>]{1,200} \(node:|ERR_TLS/ },
  { runtime: 'rust', pattern: /rustls|invalid peer certificate|error sending request for url|reqwest|hyper|deno|uv::|Caused by: / },
  { runtime: 'go', pattern: /x509: |tls: failed to verify|net\/http|Get "https?:/ },
  { runtime: 'java', pattern: /javax\.net\.ssl|sun\.security|java\.security|at java\./ },
  { runtime: 'dotnet', pattern: /System\.Net|AuthenticationException|System\.Security|HttpRequestException/ },
  { runtime: 'curl', pattern: /curl: \(\d{1,3}\)|^fatal: unable to access|git-remote-https/ },
];

/** Where the host (and port) is named, most specific first. Group 1 = host, group 2 = port. */
export const HOST_PATTERNS: RegExp[] = [
  /HTTPSConnectionPool\(host='([^']{1,255})', port=(\d{1,5})\)/,
  /Cannot connect to host ([^\s:]{1,255}):(\d{1,5}) ssl:/,
  /Host: ([^\s]{1,255}?)\. is not in the cert's altnames/,
  /certificate is not valid for '([^']{1,255})'()/,
  /hostname '([^']{1,255})' doesn't match/,
  /x509: certificate is valid for [^\n]{1,2000}?, not ([^\s,]{1,255})()/,
  /x509: certificate is not valid for any names, but wanted to match ([^\s,]{1,255})()/,
  /x509: cannot validate certificate for ([^\s]{1,255}) because()/,
  /certificate not valid for name "([^"]{1,255})"()/,
  /Certificate for <([^>]{1,255})> doesn't match()/,
  /target host name '([^']{1,255})'/,
  /No subject alternative DNS name matching ([^\s]{1,255}) found/,
  /IP: ([0-9a-fA-F:.]{2,45}) is not in the cert's list/,
  /No subject alternative names matching IP address ([0-9a-fA-F:.]{2,45}) found/,
  /\bhost(?:name)?: '([^'\s]{1,255})'()/,
  // A URL's user:password@ is skipped (never reported as the host).
  /(?:https|wss):\/\/(?:[^\s/?#@'"]{1,256}@)?(\[[0-9a-fA-F:.]{2,45}\]|[A-Za-z0-9.-]{1,253})(?::(\d{1,5}))?/,
  /(?:connect to|Connect to|connecting to) ([A-Za-z0-9.-]{1,253}):(\d{1,5})/,
];
