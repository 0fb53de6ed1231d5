// Every runtime × kind the catalogue knows, on real texts (issue trackers, docs/research/tls-errors-and-peers.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FindingScanner, scanText } from '../../src/core/logs/scan';
import { classifyLine } from '../../src/core/logs/classify';
import { ANCHORS, ANCHOR_PATTERN, SIGNATURES } from '../../src/core/logs/signatures';
import type { FindingDetail, FindingKind, Runtime, ScanSignal } from '../../src/core/types';

interface Case {
  text: string;
  kind: FindingKind;
  runtime: Runtime;
  host?: string | null;
  port?: number | null;
  detail?: FindingDetail;
}

/** A TLS failure not about the certificate: classified, but a signal rather than a finding. */
const protocolOnly = (c: Case): boolean => c.kind === 'other-tls' && c.detail === undefined;

const cases: Case[] = [
  // Python ssl / requests / urllib / httpx / aiohttp / pip / botocore, OpenSSL 3 and 1.1 spellings.
  { text: "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain (_ssl.c:1010)", kind: 'untrusted-ca', runtime: 'python', host: null },
  { text: "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self signed certificate in certificate chain (_ssl.c:1131)", kind: 'untrusted-ca', runtime: 'python' },
  { text: "requests.exceptions.SSLError: HTTPSConnectionPool(host='docs.example.test', port=8443): Max retries exceeded with url: /x (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)')))", kind: 'untrusted-ca', runtime: 'python', host: 'docs.example.test', port: 8443 },
  { text: "aiohttp.client_exceptions.ClientConnectorCertificateError: Cannot connect to host api.example.com:443 ssl:True [SSLCertVerificationError: (1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:997)')]", kind: 'untrusted-ca', runtime: 'python', host: 'api.example.com', port: 443 },
  { text: "httpx.ConnectError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)", kind: 'untrusted-ca', runtime: 'python', host: null },
  { text: "urllib.error.URLError: <urlopen error [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1000)>", kind: 'untrusted-ca', runtime: 'python' },
  { text: "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1010)", kind: 'self-signed-leaf', runtime: 'python' },
  { text: "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self signed certificate (_ssl.c:1123)", kind: 'self-signed-leaf', runtime: 'python' },
  { text: "aiohttp.client_exceptions.ClientConnectorCertificateError: Cannot connect to host neotechnology.su:443 ssl:True [SSLCertVerificationError: (1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1000)')]", kind: 'expired', runtime: 'python', host: 'neotechnology.su', port: 443 },
  { text: "ssl.SSLCertVerificationError: (1, \"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for 'api.example.com'. (_ssl.c:1006)\")", kind: 'hostname-mismatch', runtime: 'python', host: 'api.example.com' },
  { text: "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: IP address mismatch, certificate is not valid for '10.1.2.3'. (_ssl.c:1006)", kind: 'hostname-mismatch', runtime: 'python', host: '10.1.2.3' },
  { text: "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate revoked (_ssl.c:1006)", kind: 'revoked', runtime: 'python' },
  { text: "requests.exceptions.SSLError: HTTPSConnectionPool(host='id.dev.fedoraproject.org', port=443): Max retries exceeded with url: /openidc/.well-known/openid-configuration (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Basic Constraints of CA cert not marked critical (_ssl.c:1028)')))", kind: 'strict-ca', runtime: 'python', host: 'id.dev.fedoraproject.org', port: 443 },
  { text: "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Missing Authority Key Identifier (_ssl.c:1028)", kind: 'strict-ca', runtime: 'python' },
  { text: "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: CA cert does not include key usage extension (_ssl.c:1028)", kind: 'strict-ca', runtime: 'python' },
  { text: "ssl.SSLError: [SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)", kind: 'other-tls', runtime: 'python' },
  { text: "ssl.SSLError: [SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] sslv3 alert handshake failure (_ssl.c:1006)", kind: 'other-tls', runtime: 'python' },
  { text: "ssl.SSLEOFError: [SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol (_ssl.c:1006)", kind: 'other-tls', runtime: 'python' },
  { text: "WARNING: Retrying (Retry(total=4)) after connection broken by 'SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)'))': /simple/mcp/", kind: 'untrusted-ca', runtime: 'python' },
  { text: "Could not fetch URL https://pypi.org/simple/mcp/: There was a problem confirming the ssl certificate: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: /simple/mcp/ - skipping", kind: 'untrusted-ca', runtime: 'python', host: 'pypi.org', port: 443 },
  { text: "botocore.exceptions.SSLError: SSL validation failed for https://sts.amazonaws.com/ [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)", kind: 'untrusted-ca', runtime: 'python', host: 'sts.amazonaws.com', port: 443 },
  // Node and npm.
  { text: "Error: self-signed certificate in certificate chain", kind: 'untrusted-ca', runtime: 'unknown' },
  { text: "FetchError: request to https://registry.npmjs.org/@scope%2fpkg failed, reason: self signed certificate in certificate chain", kind: 'untrusted-ca', runtime: 'node', host: 'registry.npmjs.org', port: 443 },
  { text: "npm ERR! code UNABLE_TO_GET_ISSUER_CERT_LOCALLY", kind: 'untrusted-ca', runtime: 'node' },
  { text: "npm error code UNABLE_TO_VERIFY_LEAF_SIGNATURE", kind: 'untrusted-ca', runtime: 'node' },
  { text: "Error: unable to verify the first certificate; if the root CA is installed locally, try running Node.js with --use-system-ca", kind: 'untrusted-ca', runtime: 'node' },
  { text: "  code: 'DEPTH_ZERO_SELF_SIGNED_CERT'", kind: 'self-signed-leaf', runtime: 'node' },
  { text: "Error: certificate has expired  code: 'CERT_HAS_EXPIRED'", kind: 'expired', runtime: 'node' },
  { text: "Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames: Host: mail.example.com. is not in the cert's altnames: DNS:s483.example.net", kind: 'hostname-mismatch', runtime: 'node', host: 'mail.example.com' },
  { text: "  code: 'CERT_REVOKED'", kind: 'revoked', runtime: 'node' },
  { text: "Error: write EPROTO 00A8B5E8F87F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:355:", kind: 'other-tls', runtime: 'node' },
  // Rust: uv, Deno, reqwest.
  { text: "  Caused by: invalid peer certificate: UnknownIssuer", kind: 'untrusted-ca', runtime: 'rust' },
  { text: "error: error sending request for url (https://packages.example.com/simple/upv-model/): error trying to connect: invalid peer certificate: UnknownIssuer", kind: 'untrusted-ca', runtime: 'rust', host: 'packages.example.com', port: 443 },
  { text: "error: Uncaught (in promise) TypeError: error sending request for url (https://foo.bar.com/health): client error (Connect): invalid peer certificate: UnknownIssuer", kind: 'untrusted-ca', runtime: 'rust', host: 'foo.bar.com', port: 443 },
  { text: "Uncaught TypeError: error sending request for url (https://svc.example.com/): error trying to connect: invalid peer certificate: NotValidForName", kind: 'hostname-mismatch', runtime: 'rust', host: 'svc.example.com', port: 443 },
  { text: "  Caused by: invalid peer certificate: Expired", kind: 'expired', runtime: 'rust' },
  { text: "  Caused by: invalid peer certificate: Revoked", kind: 'revoked', runtime: 'rust' },
  // rustls 0.23 wordings (uv 0.5+): names, times and webpki's critical-extension refusal of a proxy's CA.
  { text: 'invalid peer certificate: certificate not valid for name "files.pythonhosted.org"; certificate is only valid for DnsName("default.ssl.fastly.net"), DnsName("*.hosts.fastly.net") or DnsName("*.fastly.com")', kind: 'hostname-mismatch', runtime: 'rust', host: 'files.pythonhosted.org', port: null },
  { text: '  Caused by: invalid peer certificate: certificate expired: verification time 1764000000 (UNIX), but certificate is not valid after 1735689599 (28310401 seconds ago)', kind: 'expired', runtime: 'rust' },
  { text: '  Caused by: invalid peer certificate: Other(OtherError(UnsupportedCriticalExtension))', kind: 'strict-ca', runtime: 'rust' },
  // Deno.
  { text: 'error: Uncaught (in promise) TypeError: client error (Connect): invalid peer certificate: UnknownIssuer', kind: 'untrusted-ca', runtime: 'rust' },
  // Node >= 23.10 appends a hint to the message; the leaf case too.
  { text: 'Error: self-signed certificate; if the root CA is installed locally, try running Node.js with --use-system-ca', kind: 'self-signed-leaf', runtime: 'unknown' },
  { text: '  [cause]: Error: unable to verify the first certificate; if the root CA is installed locally, try running Node.js with --use-system-ca', kind: 'untrusted-ca', runtime: 'node' },
  { text: 'Error: Client network socket disconnected before secure TLS connection was established', kind: 'other-tls', runtime: 'node' },
  { text: "Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames: IP: 10.0.0.6 is not in the cert's list: 10.0.0.5", kind: 'hostname-mismatch', runtime: 'node', host: '10.0.0.6' },
  // Go.
  { text: 'tls: failed to verify certificate: x509: OSStatus -26276', kind: 'untrusted-ca', runtime: 'go' },
  { text: 'Get "https://proxy.golang.org/x/@v/list": x509: \u201cZscaler Intermediate Root CA\u201d certificate is not trusted', kind: 'untrusted-ca', runtime: 'go', host: 'proxy.golang.org', port: 443 },
  { text: 'Get "https://10.0.0.7:8443/api": x509: cannot validate certificate for 10.0.0.7 because it doesn\'t contain any IP SANs', kind: 'hostname-mismatch', runtime: 'go', host: '10.0.0.7', port: null },
  { text: 'x509: certificate is not valid for any names, but wanted to match api.corp.example', kind: 'hostname-mismatch', runtime: 'go', host: 'api.corp.example' },
  // Java: revoked, validity, Apache HttpClient's name check, a fatal alert.
  { text: 'Caused by: java.security.cert.CertPathValidatorException: Certificate has been revoked, reason: UNSPECIFIED, revocation date: Thu Jan 01 00:00:00 UTC 2026', kind: 'revoked', runtime: 'java' },
  { text: 'Caused by: sun.security.validator.ValidatorException: PKIX path validation failed: java.security.cert.CertPathValidatorException: validity check failed', kind: 'expired', runtime: 'java' },
  { text: 'javax.net.ssl.SSLPeerUnverifiedException: Certificate for <api.corp.example> doesn\'t match any of the subject alternative names: [proxy.corp.example]', kind: 'hostname-mismatch', runtime: 'java', host: 'api.corp.example' },
  { text: 'javax.net.ssl.SSLHandshakeException: Received fatal alert: handshake_failure', kind: 'other-tls', runtime: 'java' },
  // .NET: the chain status at the end of the line.
  { text: 'System.Security.Authentication.AuthenticationException: The remote certificate is invalid because of errors in the certificate chain: Revoked', kind: 'revoked', runtime: 'dotnet' },
  { text: ' ---> System.Security.Authentication.AuthenticationException: The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot', kind: 'untrusted-ca', runtime: 'dotnet' },
  // Windows Schannel (git for Windows, curl.exe).
  { text: "fatal: unable to access 'https://github.com/org/repo.git/': schannel: SEC_E_UNTRUSTED_ROOT (0x80090325) - The certificate chain was issued by an authority that is not trusted.", kind: 'untrusted-ca', runtime: 'curl', host: 'github.com', port: 443 },
  // A revocation check that could not run is not a revoked certificate (other-tls, detail revocation-unchecked).
  { text: "fatal: unable to access 'https://dev.azure.com/org/_git/repo/': schannel: next InitializeSecurityContext failed: CRYPT_E_NO_REVOCATION_CHECK (0x80092012) - The revocation function was unable to check revocation for the certificate.", kind: 'other-tls', runtime: 'curl', host: 'dev.azure.com', detail: 'revocation-unchecked' },
  { text: 'System.Security.Authentication.AuthenticationException: The remote certificate is invalid because of errors in the certificate chain: RevocationStatusUnknown, OfflineRevocation', kind: 'other-tls', runtime: 'dotnet', detail: 'revocation-unchecked' },
  { text: 'NPS error: The revocation function was unable to check revocation for the certificate.', kind: 'other-tls', runtime: 'unknown', detail: 'revocation-unchecked' },
  { text: 'curl: (35) schannel: next InitializeSecurityContext failed: CRYPT_E_REVOKED (0x80092010) - The certificate is revoked.', kind: 'revoked', runtime: 'curl' },
  // Wordings from public issue threads (test/fixtures/realworld): old npm and rustls names, NSS, wget, vague texts.
  { text: 'npm ERR! Error: SSL Error: CERT_UNTRUSTED', kind: 'untrusted-ca', runtime: 'node' },
  { text: 'Error = Tls(Io(Custom { kind: InvalidData, error: InvalidCertificateData("invalid peer certificate: CertNotValidForName") }))', kind: 'hostname-mismatch', runtime: 'rust' },
  { text: 'error: error sending request for url (https://deno.land/x/mod.ts): error trying to connect: invalid certificate: CertExpired', kind: 'expired', runtime: 'rust', host: 'deno.land' },
  { text: "curl: (60) Peer's Certificate issuer is not recognized.", kind: 'untrusted-ca', runtime: 'curl' },
  { text: "ERROR: Rackspace Cloud API: [curl] 60: Peer\u2019s Certificate issuer is not recognized. [url] https://identity.api.rackspacecloud.com/v2.0/tokens", kind: 'untrusted-ca', runtime: 'curl', host: 'identity.api.rackspacecloud.com' },
  { text: 'Exception in thread "main" javax.net.ssl.SSLHandshakeException: sun.security.validator.ValidatorException: PKIX path validation failed: java.security.cert.CertPathValidatorException: signature check failed', kind: 'untrusted-ca', runtime: 'java' },
  { text: "ERROR: no certificate subject alternative name matches requested host name 'yt-dl.org'.", kind: 'hostname-mismatch', runtime: 'unknown' },
  // wget in a UTF-8 locale (typographic quotes), GnuTLS under apt, a Go dialer naming host:port (test/fixtures/realworld 148, 149, 153).
  { text: 'ERROR: certificate common name \u201c*.wordpress.org\u201d doesn\u2019t match requested host name \u201cwordpress.org\u201d.', kind: 'hostname-mismatch', runtime: 'unknown' },
  { text: '  Certificate verification failed: The certificate is NOT trusted. The certificate issuer is unknown.  Could not handshake: Error in the certificate verification. [IP: 34.139.10.89 443]', kind: 'untrusted-ca', runtime: 'unknown', host: null },
  { text: 'TCP] dial PROXY (match RuleSet/proxy) to mtalk.google.com:5228 error: wconnect error: x509: certificate has expired or is not yet valid: current time 2024-03-03T19:26:48+8000:00 is after 2023-04-05T04:57:34Z', kind: 'expired', runtime: 'go', host: 'mtalk.google.com', port: 5228 },
  { text: '  Issued certificate not yet valid.', kind: 'expired', runtime: 'unknown' },
  { text: '  Self-signed certificate encountered.', kind: 'untrusted-ca', runtime: 'unknown' },
  { text: "ERROR: cannot verify github.com's certificate, issued by 'CN=DigiCert SHA2 High Assurance Server CA,O=DigiCert Inc,C=US':", kind: 'untrusted-ca', runtime: 'unknown', host: 'github.com', detail: 'reason-unspecified' },
  { text: 'Error: The remote certificate is invalid according to the validation procedure.', kind: 'untrusted-ca', runtime: 'dotnet', detail: 'reason-unspecified' },
  { text: 'ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed:', kind: 'untrusted-ca', runtime: 'python', detail: 'reason-unspecified' },
  { text: 'Unexpected recaptcha verification result: CURL Error: 60 - SSL certificate problem', kind: 'untrusted-ca', runtime: 'curl', detail: 'reason-unspecified' },
  { text: 'curl: (60) SSL certificate problem: self-signed certificate', kind: 'self-signed-leaf', runtime: 'curl' },
  // Python before 3.7 and some Windows builds: no reason given.
  { text: 'ssl.SSLError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed (_ssl.c:777)', kind: 'untrusted-ca', runtime: 'python' },
  // Hosts: user:password@ in a URL is not the host; a number that is no port names none.
  { text: 'FetchError: request to https://deploy:s3cret@registry.corp.example:4873/pkg failed, reason: self signed certificate in certificate chain', kind: 'untrusted-ca', runtime: 'node', host: 'registry.corp.example', port: 4873 },
  { text: "requests.exceptions.SSLError: HTTPSConnectionPool(host='odd.example', port=99999): Max retries exceeded with url: / (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)')))", kind: 'untrusted-ca', runtime: 'python', host: 'odd.example', port: null },
  { text: "ssl.SSLCertVerificationError: (1, \"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for '2001:db8::5'. (_ssl.c:1006)\")", kind: 'hostname-mismatch', runtime: 'python', host: '2001:db8::5' },
  { text: 'Error: unable to get local issuer certificate at https://[2001:db8::7]:8443/mcp', kind: 'untrusted-ca', runtime: 'unknown', host: '2001:db8::7', port: 8443 },
  // Go.
  { text: "Get \"https://www.googleapis.com/webfonts/v1/webfonts\": tls: failed to verify certificate: x509: certificate signed by unknown authority", kind: 'untrusted-ca', runtime: 'go', host: 'www.googleapis.com', port: 443 },
  { text: "x509: certificate has expired or is not yet valid: current time 2026-11-24T10:00:00Z is after 2026-01-01T00:00:00Z", kind: 'expired', runtime: 'go' },
  { text: "tls: failed to verify certificate: x509: certificate is valid for proxy.corp.example, www.corp.example, not api.github.com", kind: 'hostname-mismatch', runtime: 'go', host: 'api.github.com' },
  { text: "Get \"https://127.0.0.1:8443/\": tls: first record does not look like a TLS handshake", kind: 'other-tls', runtime: 'go' },
  // Java.
  { text: "javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target", kind: 'untrusted-ca', runtime: 'java' },
  { text: "javax.net.ssl.SSLHandshakeException: No subject alternative DNS name matching api.example.com found.", kind: 'hostname-mismatch', runtime: 'java', host: 'api.example.com' },
  { text: "Caused by: java.security.cert.CertificateExpiredException: NotAfter: Mon Jan 01 00:00:00 UTC 2024", kind: 'expired', runtime: 'java' },
  // .NET.
  { text: "System.Security.Authentication.AuthenticationException: The remote certificate is invalid because of errors in the certificate chain: PartialChain", kind: 'untrusted-ca', runtime: 'dotnet' },
  { text: "System.Security.Authentication.AuthenticationException: The remote certificate is invalid because of errors in the certificate chain: NotTimeValid", kind: 'expired', runtime: 'dotnet' },
  { text: "The remote certificate was rejected by the provided RemoteCertificateValidationCallback. RemoteCertificateNameMismatch", kind: 'hostname-mismatch', runtime: 'dotnet' },
  // curl and git.
  { text: "curl: (60) SSL certificate problem: self-signed certificate in certificate chain", kind: 'untrusted-ca', runtime: 'curl' },
  { text: "curl: (60) SSL certificate problem: unable to get local issuer certificate", kind: 'untrusted-ca', runtime: 'curl' },
  { text: "curl: (60) SSL: no alternative certificate subject name matches target host name 'api.example.com'", kind: 'hostname-mismatch', runtime: 'curl', host: 'api.example.com' },
  { text: "curl: (60) SSL certificate problem: certificate has expired", kind: 'expired', runtime: 'curl' },
  { text: "fatal: unable to access 'https://github.com/org/repo.git/': server certificate verification failed. CAfile: none CRLfile: none", kind: 'untrusted-ca', runtime: 'curl', host: 'github.com', port: 443 },
  { text: "fatal: unable to access 'https://github.com/org/repo.git/': SSL certificate problem: unable to get local issuer certificate", kind: 'untrusted-ca', runtime: 'curl', host: 'github.com', port: 443 },
];

for (const c of cases) {
  test(`${c.kind} / ${c.runtime}: ${c.text.slice(0, 90)}`, () => {
    if (protocolOnly(c)) {
      // Wrong version number, handshake failure, EOF: no finding; a signal for the editor on the line-by-line path.
      assert.equal(classifyLine(c.text)?.kind, 'other-tls');
      assert.deepEqual(scanText(`${c.text}\n`, 'f.log'), []);
      const signals: ScanSignal[] = [];
      const scanner = new FindingScanner('f.log', undefined, { onSignal: (signal) => signals.push(signal) });
      assert.deepEqual([...scanner.push([c.text]), ...scanner.flush()], []);
      assert.deepEqual(signals.map((s) => [s.reason, s.line, s.runtime]), [['tls-protocol', 1, c.runtime]]);
      return;
    }
    assert.ok(ANCHOR_PATTERN.test(c.text), 'the prefilter lets the line through');
    ANCHOR_PATTERN.lastIndex = 0;
    const findings = scanText(`${c.text}\n`, 'f.log');
    assert.equal(findings.length, 1, JSON.stringify(findings));
    const [f] = findings;
    assert.equal(f.kind, c.kind);
    assert.equal(f.runtime, c.runtime);
    assert.equal(f.fixable, c.kind === 'untrusted-ca');
    assert.equal(f.line, 1);
    assert.equal(f.file, 'f.log');
    if (c.host !== undefined) assert.equal(f.host, c.host);
    if (c.port !== undefined) assert.equal(f.port, c.port);
    assert.equal(f.detail, c.detail);
    assert.equal(f.message, c.text.trim());
  });
}

const negatives = [
  'INFO Loading CA certificates from SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt',
  'DEBUG certificate bundle has 146 certificates',
  'export NODE_EXTRA_CA_CERTS=/home/u/corp.pem',
  'httpx.ConnectError: [Errno 111] Connection refused',
  'Error: connect ECONNREFUSED 127.0.0.1:443',
  'httpx.ConnectTimeout: timed out',
  'Get "https://api.example.com/v1": net/http: TLS handshake timeout',
  'TimeoutError: _ssl.c:989: The handshake operation timed out',
  'tool get_certificate_info called with domain=example.com',
  'The certificate was renewed successfully and expires in 90 days',
  // Loading a bundle is not a handshake failing (rustls warns and goes on).
  'WARNING rustls failed to parse DER certificate UnsupportedCriticalExtension Certificate(b"0\\x82")',
  'DEBUG:httpcore.connection:start_tls.started ssl_context=<ssl.SSLContext object at 0x7f3b2c1d0> server_hostname=\'api.example.com\' timeout=5.0',
  'DEBUG:httpcore.connection:start_tls.complete return_value=<httpcore._backends.sync.SyncStream object at 0x7f3b2c1e0>',
  'Using SSL_CERT_FILE=/home/u/.local/share/mcp-ssl-doctor/bundle.pem and REQUESTS_CA_BUNDLE for certificates',
  'node: --use-system-ca is enabled; TLS certificates will come from the OS store',
  'Error: getaddrinfo ENOTFOUND registry.npmjs.org',
  'Get "https://api.example.com": dial tcp 10.0.0.1:443: i/o timeout',
  'x509: certificate request signed (CSR accepted)',
  'PKIX support enabled in the Java runtime',
  'requests.exceptions.ConnectionError: HTTPSConnectionPool(host=\'h\', port=443): Max retries exceeded with url: / (Caused by NewConnectionError(\'Failed to establish a new connection: [Errno 111] Connection refused\'))',
  '',
];

test('lines that only mention certificates, refused connections or timeouts yield nothing', () => {
  for (const line of negatives) {
    assert.equal(classifyLine(line), null, line);
    assert.deepEqual(scanText(`${line}\n`, 'n.log'), [], line);
  }
});

test('every anchor lets through some catalogued text, and every signature row classifies one of the texts', () => {
  for (const anchor of ANCHORS) assert.ok(cases.some((c) => !protocolOnly(c) && c.text.includes(anchor)), `anchor ${anchor} is used`);
  for (const row of SIGNATURES) assert.ok(cases.some((c) => row.pattern.test(c.text)), `row ${row.kind}/${row.runtime ?? 'any'} ${row.pattern.source.slice(0, 60)} is exercised`);
});
