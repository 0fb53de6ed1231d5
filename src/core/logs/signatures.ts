// The catalogue of TLS failure texts, as data: adding a runtime's wording is adding a row.
// Rows are tried in order; the first whose pattern matches a line classifies it. Patterns are
// plain alternations of literals and bounded classes (no nested quantifiers): a 1 MB line scans
// in linear time.
import type { FindingDetail, FindingKind, Runtime } from '../types';

export interface Signature {
  kind: FindingKind;
  /** The runtime that prints it, when the text alone says so; null: infer from the event. */
  runtime: Runtime | null;
  pattern: RegExp;
  /**
   * The text says that verification failed but not why (.NET's generic message, wget's first line, Python's
   * `certificate verify failed:` with the reason on the next line): another line of the same event that
   * names a reason decides the kind; alone, the row's kind stands.
   */
  vague?: true;
  /** What the finding says beyond its kind (Finding.detail). */
  detail?: FindingDetail;
}

export const SIGNATURES: Signature[] = [
  // Python 3.13+ / OpenSSL 3 strict mode: a trusted CA rejected for its extensions.
  { kind: 'strict-ca', runtime: 'rust', pattern: /invalid peer certificate: [^\n]{0,40}UnsupportedCriticalExtension/ },
  { kind: 'strict-ca', runtime: 'python', pattern: /Basic Constraints of CA cert not marked critical|Missing Authority Key Identifier|CA cert does not include key usage extension|Missing Subject Key Identifier|authority and subject key identifier mismatch|Authority Key Identifier marked critical|Subject Key Identifier marked critical/ },

  // Host name mismatch.
  { kind: 'hostname-mismatch', runtime: 'python', pattern: /Hostname mismatch, certificate is not valid for|IP address mismatch, certificate is not valid for|hostname '[^']{1,255}' doesn't match/ },
  { kind: 'hostname-mismatch', runtime: 'node', pattern: /ERR_TLS_CERT_ALTNAME_INVALID|Hostname\/IP does not match certificate's altnames/ },
  // rustls: NotValidForName (0.21+), certificate not valid for name (0.23), CertNotValidForName (webpki before 0.21, old Deno).
  { kind: 'hostname-mismatch', runtime: 'rust', pattern: /invalid peer certificate: (?:NotValidForName|certificate not valid for name)|NotValidForNameContext|CertNotValidForName/ },
  { kind: 'hostname-mismatch', runtime: 'go', pattern: /x509: certificate is valid for [^\n]{1,2000}, not |x509: certificate is not valid for any names|x509: cannot validate certificate for [^\s]{1,255} because it doesn't contain any IP SANs/ },
  { kind: 'hostname-mismatch', runtime: 'java', pattern: /No subject alternative (?:DNS )?names? matching|No name matching [^\s]{1,255} found|Certificate for <[^>]{1,255}> doesn't match any of the subject alternative names/ },
  { kind: 'hostname-mismatch', runtime: 'dotnet', pattern: /RemoteCertificateNameMismatch/ },
  { kind: 'hostname-mismatch', runtime: 'curl', pattern: /no alternative certificate subject name matches target host name|SSL: certificate subject name '[^']{1,255}' does not match/ },
  // wget (its quotes and apostrophe are typographic where the locale allows: `doesn’t match … “host”`).
  { kind: 'hostname-mismatch', runtime: null, pattern: /no certificate subject alternative name matches|certificate common name [^\n]{1,300} doesn['\u2019]t match requested host name/ },

  // Expired or not yet valid.
  { kind: 'expired', runtime: 'node', pattern: /CERT_HAS_EXPIRED|CERT_NOT_YET_VALID/ },
  { kind: 'expired', runtime: 'rust', pattern: /invalid peer certificate: (?:Expired|NotValidYet|certificate expired|certificate not valid yet)|invalid certificate: Cert(?:Expired|NotValidYet)|WebPKIError\(Cert(?:Expired|NotValidYet)\)/ },
  { kind: 'expired', runtime: 'go', pattern: /x509: certificate has expired or is not yet valid/ },
  { kind: 'expired', runtime: 'java', pattern: /CertificateExpiredException|CertificateNotYetValidException|CertPathValidatorException: validity check failed/ },
  { kind: 'expired', runtime: 'dotnet', pattern: /NotTimeValid/ },
  { kind: 'expired', runtime: null, pattern: /certificate has expired|certificate is not yet valid|Issued certificate not yet valid/ },

  // A revocation check that could not run (the proxy blocks CRL/OCSP, or a corporate CA publishes none):
  // not a revoked certificate. Before the revoked rows.
  { kind: 'other-tls', runtime: 'curl', detail: 'revocation-unchecked', pattern: /CRYPT_E_NO_REVOCATION_CHECK|CRYPT_E_REVOCATION_OFFLINE|CERT_TRUST_REVOCATION_STATUS_UNKNOWN|CERT_TRUST_IS_OFFLINE_REVOCATION/ },
  { kind: 'other-tls', runtime: 'dotnet', detail: 'revocation-unchecked', pattern: /RevocationStatusUnknown|OfflineRevocation/ },
  { kind: 'other-tls', runtime: null, detail: 'revocation-unchecked', pattern: /unable to check revocation for the certificate|The revocation function was unable to check revocation|revocation server was offline/ },

  // Revoked.
  { kind: 'revoked', runtime: 'node', pattern: /CERT_REVOKED/ },
  { kind: 'revoked', runtime: 'rust', pattern: /invalid peer certificate: Revoked/ },
  { kind: 'revoked', runtime: 'dotnet', pattern: /errors in the certificate chain: [^\n]{0,200}?\bRevoked\b/ },
  { kind: 'revoked', runtime: 'curl', pattern: /CRYPT_E_REVOKED/ },
  { kind: 'revoked', runtime: 'java', pattern: /CertPathValidatorException: Certificate has been revoked/ },
  { kind: 'revoked', runtime: null, pattern: /certificate revoked|certificate has been revoked/ },

  // A self-signed leaf: no CA at all.
  { kind: 'self-signed-leaf', runtime: 'node', pattern: /DEPTH_ZERO_SELF_SIGNED_CERT/ },
  { kind: 'self-signed-leaf', runtime: null, pattern: /self[- ]signed certificate(?! in certificate chain)(?:\s*\(|\s*$|'|"|\]|>|\)|,|;)/ },

  // The corporate case: a chain ending at a CA the runtime does not trust.
  { kind: 'untrusted-ca', runtime: 'node', pattern: /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_GET_ISSUER_CERT(?!_)|unable to verify the first certificate|CERT_UNTRUSTED/ },
  { kind: 'untrusted-ca', runtime: 'rust', pattern: /invalid peer certificate: (?:UnknownIssuer|BadSignature)|UnknownIssuer|CaUsedAsEndEntity/ },
  { kind: 'untrusted-ca', runtime: 'go', pattern: /x509: certificate signed by unknown authority|tls: failed to verify certificate: x509|x509: \u201c[^\u201d\n]{1,255}\u201d certificate is not trusted/ },
  { kind: 'untrusted-ca', runtime: 'java', pattern: /PKIX path building failed|unable to find valid certification path to requested target|SunCertPathBuilderException|PKIX path validation failed: java\.security\.cert\.CertPathValidatorException: signature check failed/ },
  { kind: 'untrusted-ca', runtime: 'dotnet', pattern: /remote certificate is invalid because of errors in the certificate chain|UntrustedRoot|PartialChain|RemoteCertificateChainErrors/ },
  // curl with OpenSSL, with NSS (RHEL/CentOS 7, `Peer's Certificate issuer is not recognized`), Schannel; git over them.
  { kind: 'untrusted-ca', runtime: 'curl', pattern: /SSL certificate problem: (?:self[- ]signed certificate in certificate chain|unable to get local issuer certificate|unable to get issuer certificate)|server certificate verification failed\. CAfile|SEC_E_UNTRUSTED_ROOT|CERT_TRUST_IS_UNTRUSTED_ROOT|CERT_TRUST_IS_PARTIAL_CHAIN|Peer['\u2019]s [Cc]ertificate issuer (?:is not recognized|has been marked as not trusted)|SEC_ERROR_UNKNOWN_ISSUER|SEC_ERROR_UNTRUSTED_ISSUER/ },
  { kind: 'untrusted-ca', runtime: 'python', pattern: /There was a problem confirming the ssl certificate|\[SSL: CERTIFICATE_VERIFY_FAILED\] certificate verify failed \(_ssl\.c:/ },
  // GnuTLS (apt, wget and git built on it): `Certificate verification failed: The certificate is NOT trusted. The certificate issuer is unknown.`
  { kind: 'untrusted-ca', runtime: null, pattern: /The certificate is NOT trusted\. The certificate issuer is unknown/ },
  { kind: 'untrusted-ca', runtime: null, pattern: /self[- ]signed certificate in certificate chain|unable to get local issuer certificate|unable to get issuer certificate|unable to verify the first certificate|Self-signed certificate encountered|Unable to locally verify the issuer's authority/ },

  // Verification failed, reason not given (vague): the event's other lines may say more.
  { kind: 'untrusted-ca', runtime: 'dotnet', vague: true, detail: 'reason-unspecified', pattern: /The remote certificate is invalid according to the validation procedure|Could not establish trust relationship for the SSL\/TLS secure channel/ },
  { kind: 'untrusted-ca', runtime: 'python', vague: true, pattern: /\[SSL: CERTIFICATE_VERIFY_FAILED\] certificate verify failed:?[ \t]*$/ },
  { kind: 'untrusted-ca', runtime: null, vague: true, detail: 'reason-unspecified', pattern: /ERROR: cannot verify [^\s']{1,255}'s certificate/ },
  // curl's exit 60: the peer's certificate could not be authenticated (the reason is on the line before, or wrapped after).
  { kind: 'untrusted-ca', runtime: 'curl', vague: true, detail: 'reason-unspecified', pattern: /curl: \(60\)|cURL error 60\b|CURL Error: 60\b|\[curl\] \(?#?60\)?:/ },

  // TLS failures that are not about the certificate: signals, not findings (ScanSignal).
  { kind: 'other-tls', runtime: 'python', pattern: /\[SSL: (?:WRONG_VERSION_NUMBER|SSLV3_ALERT_HANDSHAKE_FAILURE|TLSV1_ALERT_PROTOCOL_VERSION|UNEXPECTED_EOF_WHILE_READING|TLSV1_ALERT_INTERNAL_ERROR|UNSUPPORTED_PROTOCOL|TLSV1_UNRECOGNIZED_NAME)\]|EOF occurred in violation of protocol/ },
  { kind: 'other-tls', runtime: 'node', pattern: /\bEPROTO\b|ERR_SSL_WRONG_VERSION_NUMBER|ERR_SSL_[A-Z_]{3,60}|Client network socket disconnected before secure TLS connection was established/ },
  { kind: 'other-tls', runtime: 'go', pattern: /tls: first record does not look like a TLS handshake|remote error: tls: handshake failure/ },
  { kind: 'other-tls', runtime: 'java', pattern: /javax\.net\.ssl\.SSLHandshakeException: (?:Received fatal alert|Remote host terminated)/ },
  { kind: 'other-tls', runtime: null, pattern: /wrong version number|sslv3 alert handshake failure|unexpected eof while reading/ },
];

/**
 * Texts that say the event is not a certificate failure whatever else it says (pip without an ssl module
 * prints "There was a problem confirming the ssl certificate" too; wget with `--no-check-certificate` prints
 * its check as a `WARNING:` and goes on). Tested on every line of an event.
 */
export const NOT_CERTIFICATE: RegExp =
  /SSL module is not available|Can't connect to HTTPS URL because the SSL module|^\s*WARNING: (?:certificate common name|cannot verify [^\s']{1,255}'s certificate|no certificate subject alternative name)/;

/**
 * A cheap prefilter: every line a certificate signature classifies contains one of these literals (the tests
 * check it for every catalogued text). Few and short with an uncommon first character: scanning searches
 * the bytes for each with memchr-driven `Buffer.indexOf`, so each costs one fast pass. Also the
 * alternation the bench gives `grep -E`.
 */
export const ANCHORS: string[] = [
  'ficat', // certificate, Certificate, certification, CertificateException…
  'CERT', // every Node/OpenSSL code, CERTIFICATE_VERIFY_FAILED
  'LEAF_S', // UNABLE_TO_VERIFY_LEAF_SIGNATURE (six characters: needles of seven and more take a slower search)
  'SSL', // [SSL: …], SSLError, SSL routines, javax.net.ssl.SSL…, SSLHandshakeException: No subject alternative…
  'KIX', // PKIX (its K is rarer than P in logs: fewer stops for the memchr-driven search)
];
// Not anchors on purpose: `TLS`, `x509`, `EPROTO` (each costs a pass; x509 and Go's tls: lines always say
// "certificate", and protocol errors are signals, not findings); .NET's UntrustedRoot, PartialChain,
// NotTimeValid, Revoked come after "errors in the certificate chain:" (ficat); wget's "Unable to locally
// verify the issuer's authority" follows its "cannot verify …'s certificate" line.

function escape(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One regex of all anchors (global: scans a whole chunk in one pass). */
export const ANCHOR_PATTERN = new RegExp(ANCHORS.map(escape).join('|'), 'g');

/** Which runtime printed an event, from words around the error when the signature does not say. */
export const RUNTIME_HINTS: { runtime: Runtime; pattern: RegExp }[] = [
  { runtime: 'python', pattern: /\[SSL: |_ssl\.c:|ssl\.SSL|SSLCertVerificationError|urllib|requests\.exceptions|HTTPSConnectionPool|httpx|httpcore|aiohttp|Traceback \(most recent call last\)|File "[^"]{1,500}\.py"|pip\._|botocore|site-packages\/certifi|certifi\.where/ },
  { runtime: 'node', pattern: /code: '[A-Z_]{3,60}'|npm ERR!|npm error|node:internal|TLSSocket|FetchError|fetch failed|undici|at [\w.<>]{1,200} \(node:|ERR_TLS|ERR_PNPM|registry\.yarnpkg\.com|\bbun\b/ },
  { runtime: 'rust', pattern: /rustls|invalid peer certificate|error sending request for url|reqwest|hyper|deno|uv::|Caused by: / },
  { runtime: 'go', pattern: /x509: |tls: failed to verify|net\/http|Get "https?:/ },
  { runtime: 'java', pattern: /javax\.net\.ssl|sun\.security|java\.security|at java\./ },
  { runtime: 'dotnet', pattern: /System\.Net|AuthenticationException|System\.Security|HttpRequestException/ },
  { runtime: 'curl', pattern: /curl: \(\d{1,3}\)|^fatal: unable to access|git-remote-https|cURL error|\[curl\]/ },
];

/** Where the host (and port) is named, most specific first. Group 1 = host, group 2 = port. */
export const HOST_PATTERNS: RegExp[] = [
  /HTTPSConnectionPool\(host='([^']{1,255})', port=(\d{1,5})\)/,
  /Cannot connect to host ([^\s:]{1,255})(?::(\d{1,5}))? ssl:/,
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
  // wget.
  /cannot verify ([A-Za-z0-9.-]{1,253})'s certificate()/,
  // A URL's user:password@ is skipped (never reported as the host); documentation links are skipped (URL_HOST).
  /(?:https|wss):\/\/(?:[^\s/?#@'"]{1,256}@)?(\[[0-9a-fA-F:.]{2,45}\]|[A-Za-z0-9.-]{1,253})(?::(\d{1,5}))?/g,
  // Go: `dial tcp 10.0.0.5:443`, `dial tcp [2001:db8::5]:443`.
  /dial tcp (\[[0-9a-fA-F:.]{2,45}\]|[A-Za-z0-9.-]{1,253}):(\d{1,5})/,
  // Go proxies and dialers: `dial PROXY (…) to mtalk.google.com:5228 error: … x509: …` (a name with a port, then `error`).
  /\b(?:to|[Dd]ial(?:ing)?) ((?:[A-Za-z0-9-]{1,63}\.){1,10}[A-Za-z]{2,63}):(\d{1,5})(?= error\b|: )/,
  /(?:connect to|Connect to|connecting to) ([A-Za-z0-9.-]{1,253}):(\d{1,5})/,
  // Claude Code: `Failed to connect to api.anthropic.com: UNABLE_TO_GET_ISSUER_CERT_LOCALLY`.
  /[Cc]onnect to ((?:[A-Za-z0-9-]{1,63}\.){1,10}[A-Za-z]{2,63})()(?=[:\s,;]|$)/,
];

/**
 * Lines just before an event that name the host it was talking to: a command line (`curl https://…`,
 * `wget …`), a download announcement (Gradle's `Downloading https://…`, Deno's `Download https://…`),
 * npm's `http GET https://…`, a `curl -v` trace's `Connected to host (ip) port 443`, wget's `Connecting to
 * host|ip|:443`, pip's `Starting new HTTPS connection (1): host:443`. The nearest one wins.
 */
export const CONTEXT_HOST_PATTERNS: RegExp[] = [
  /\b(?:curl|wget|irm|iwr|Invoke-WebRequest)\b[^\n]{0,400}?\bhttps:\/\/(?:[^\s/?#@'"]{1,256}@)?([A-Za-z0-9.-]{1,253})(?::(\d{1,5}))?/,
  /^(?:[A-Za-z ]{0,40}: )?(?:Downloading|Download|Fetching|Installing from|Resolving|Requesting) `?https:\/\/([A-Za-z0-9.-]{1,253})(?::(\d{1,5}))?/,
  /^(?:npm )?(?:http )?(?:fetch )?GET (?!2\d\d )(?:\d{3} )?https:\/\/([A-Za-z0-9.-]{1,253})(?::(\d{1,5}))?/,
  /^--\d{4}-\d\d-\d\d \d\d:\d\d:\d\d-- {1,4}https:\/\/([A-Za-z0-9.-]{1,253})(?::(\d{1,5}))?/,
  /Connected to ([A-Za-z0-9.-]{1,253}) \([0-9a-fA-F.:]{2,45}\) port (\d{1,5})/,
  /Connecting to ([A-Za-z0-9.-]{1,253})(?: \([A-Za-z0-9.-]{1,253}\))?\|[0-9a-fA-F.:]{2,45}\|:(\d{1,5})/,
  /Starting new HTTPS connection \(\d{1,6}\): ([A-Za-z0-9.-]{1,253})(?::(\d{1,5}))?/,
  /Failed to fetch:? `?https:\/\/([A-Za-z0-9.-]{1,253})(?::(\d{1,5}))?/,
  // mcp-remote and MCP clients: `Connecting to remote server: https://mcp.example.com/sse`.
  /\b[Cc]onnecting to\b[^\n]{0,60}?`?https:\/\/([A-Za-z0-9.-]{1,253})(?::(\d{1,5}))?/,
  // NuGet: `Unable to load the service index for source https://api.nuget.org/v3/index.json.`
  /for source '?https:\/\/([A-Za-z0-9.-]{1,253})(?::(\d{1,5}))?/,
];

/** Text right before a URL that makes it a pointer to documentation, not the host the event talks to. */
export const DOC_LINK_BEFORE = /(?:\b[Ss]ee|\bvisit|\bVisit|[Dd]etails(?: here)?:?|[Dd]ocumentation:?|\bdocs?:?|[Mm]ore information(?: at| here)?:?|[Ll]earn more(?: at)?:?|\bread|\bRead|countries at|\bhelp:?)[ \t(<`'"]{0,4}$/;
/** Hosts whose URLs in an error message are documentation. */
export const DOC_HOSTS = /(?:^|\.)(?:curl\.haxx\.se|curl\.se|readthedocs\.io|docs\.python-requests\.org|docs\.python\.org|stackoverflow\.com|nodejs\.org|aka\.ms|learn\.microsoft\.com|docs\.microsoft\.com|go\.microsoft\.com|docs\.astral\.sh|openssl\.org|developer\.mozilla\.org|docs\.npmjs\.com|help\.github\.com|docs\.github\.com|code\.claude\.com|docs\.anthropic\.com)$/i;
