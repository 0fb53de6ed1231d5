// Random and hostile input: the scanner never throws, its findings are well-formed, and the fast
// path answers the same whatever the chunking. (Speed on 1 MB lines is measured in bench/scan.ts.)
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { classifyLine } from '../../src/core/logs/classify';
import { FindingScanner, scanFile, scanText } from '../../src/core/logs/scan';
import type { Finding } from '../../src/core/types';

const dir = mkdtempSync(path.join(tmpdir(), 'logs-prop-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const KINDS = new Set(['untrusted-ca', 'self-signed-leaf', 'expired', 'hostname-mismatch', 'revoked', 'strict-ca', 'other-tls']);
const RUNTIMES = new Set(['python', 'node', 'rust', 'go', 'java', 'dotnet', 'curl', 'unknown']);

/** Pieces of real failure texts and log syntax, so random input often looks like a log. */
const PIECES = [
  '2026-11-24 20:33:55.106 [warning] [server stderr] ', '[info] ', 'Traceback (most recent call last):', '  File "x.py", line 1, in f',
  'During handling of the above exception, another exception occurred:', 'The above exception was the direct cause of the following exception:',
  '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ', 'self-signed certificate in certificate chain', 'self signed certificate',
  'unable to get local issuer certificate', "HTTPSConnectionPool(host='h.example', port=8443)", 'Cannot connect to host a.b:443 ssl:True',
  'x509: certificate is valid for a, b, not ', "Host: x. is not in the cert's altnames", 'https://', 'https://[::1]:99999/',
  'invalid peer certificate: UnknownIssuer', '  Caused by: ', '[cause]: ', "code: 'SELF_SIGNED_CERT_IN_CHAIN'", 'CERT', 'SSL', 'TLS', 'x509', 'PKIX',
  'EPROTO', 'ficat', 'npm ERR! ', 'npm error code ', 'Starting server x', '[info] Stopping server', '    at f (node:x)', '  + Exception Group Traceback (most recent call last):',
  '    | ', ' | ', 'Exception Group ', '--- End of inner exception stack trace ---', ' ---> ', '\u2502 ', '\u00d7 ', '2026-11-24 20:33:55.106 [error] ',
  '\r', '\n', '\n', '\n', '\n\n', '\n  ', '\n\t', ' ', '|', '+', '}', '\u00e9', '\u2713', '\ud83d\ude00', "'", '"', '(', ')', ':', '.',
];
const logText = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 })), { maxLength: 300 }).map((parts) => parts.join(''));

function wellFormed(findings: Finding[], text: string): void {
  const lines = text.split('\n').length;
  let last = 0;
  for (const f of findings) {
    assert.ok(KINDS.has(f.kind), f.kind);
    assert.ok(RUNTIMES.has(f.runtime), f.runtime);
    assert.equal(f.fixable, f.kind === 'untrusted-ca');
    assert.ok(Number.isInteger(f.line) && f.line >= 1 && f.line <= lines, `line ${f.line} of ${lines}`);
    assert.ok(f.line > last, 'findings in line order, one per event');
    last = f.line;
    assert.ok(f.host === null || (typeof f.host === 'string' && f.host.length > 0));
    assert.ok(f.port === null || Number.isInteger(f.port));
    assert.equal(typeof f.message, 'string');
  }
}

test('random log-like text: no throw, well-formed findings, same answer through scanText, pushes and scanFile', () => {
  let n = 0;
  fc.assert(
    fc.property(logText, fc.integer({ min: 1, max: 64 }), (text, chunk) => {
      const whole = scanText(text, 'p.log');
      wellFormed(whole, text);
      const file = path.join(dir, `p${n++ % 8}.log`);
      writeFileSync(file, text);
      assert.deepEqual(scanFile(file, undefined, undefined, chunk).map((f) => ({ ...f, file: 'p.log' })), whole);
      const scanner = new FindingScanner('p.log');
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      const pushed = [...scanner.push(lines), ...scanner.flush()];
      // The fast path skips only what cannot change the answer: the same findings as every line pushed.
      assert.deepEqual(whole, pushed);
      // Every line that names a certificate failure on its own is inside some event (protocol errors
      // such as a wrong version number are signals, not findings).
      const hits = lines.filter((line) => {
        const cls = classifyLine(line);
        return cls !== null && (cls.kind !== 'other-tls' || cls.detail !== undefined);
      }).length;
      if (hits > 0) assert.ok(whole.length > 0 && pushed.length > 0);
    }),
    { numRuns: Number(process.env.LOGS_PROPERTY_RUNS ?? 400) },
  );
});

/** Whole lines of the shapes the grouping cares about, with and without the editor prefix. */
const LINES = [
  'Traceback (most recent call last):', '  File "/srv/a.py", line 3, in f', '    r = get("https://h1.example:8443/x")', 'ValueError: plain',
  'During handling of the above exception, another exception occurred:', 'The above exception was the direct cause of the following exception:',
  'ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)',
  "requests.exceptions.SSLError: HTTPSConnectionPool(host='h2.example', port=443): Max retries exceeded",
  '  + Exception Group Traceback (most recent call last):', '  | ExceptionGroup: errors (1 sub-exception)', '    | httpx.ConnectError: [SSL: WRONG_VERSION_NUMBER] wrong version number', '    |',
  'Error: self-signed certificate in certificate chain', '    at TLSSocket.onConnectSecure (node:_tls_wrap:1699:34) {', "  code: 'SELF_SIGNED_CERT_IN_CHAIN'", '}', '  [cause]: Error: unable to verify the first certificate',
  'npm ERR! code UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'npm ERR! request to https://registry.npmjs.org/x failed', 'npm error code CERT_HAS_EXPIRED',
  'error: Request failed after 3 retries', '  Caused by: error sending request for url (https://pypi.org/simple/x/)', '  Caused by: invalid peer certificate: UnknownIssuer',
  'Caused by: java.security.cert.CertificateExpiredException: NotAfter', ' ---> System.Security.Authentication.AuthenticationException: The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot',
  '   --- End of inner exception stack trace ---', '\u2502 tls handshake', '  \u00d7 invalid peer certificate: UnknownIssuer',
  'INFO ordinary line', 'DEBUG:httpcore.connection:start_tls.started ssl_context=<ssl.SSLContext object at 0x7f> server_hostname=\'h3.example\'', 'Starting server docs', 'Connection state: Running',
  '', '', ' ', '\t', '|', 'x509: certificate signed by unknown authority', 'curl: (60) SSL certificate problem: unable to get local issuer certificate',
  // Hard wraps, reasons on the next line, vague lines, printed objects, context lines, signals (issue #15).
  'httpx.ConnectError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certifica', 'te chain (_ssl.c:1000)',
  'Closing connection 0 curl: (60) SSL certificate problem: unable to get', 'local issuer certificate', '  l issuer certificate',
  'ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed:', ' Basic Constraints of CA cert not marked critical (_ssl.c:1032)',
  "ERROR: cannot verify h4.example's certificate, issued by 'CN=DigiCert SHA2 H", "igh Assurance Server CA':", "  Unable to locally verify the issuer's authority.",
  'Error: The remote certificate is invalid according to the validation procedure.', '    at x (node:internal/y:1:2) {', '  code: undefined,',
  '$ curl https://ctx.example/x', 'Downloading https://ctx2.example/x', 'TypeError: fetch failed', "Peer's Certificate issuer is not recognized.",
  'ssl.SSLError: [SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)', 'Failed to connect to api.h5.example: UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
];
const PREFIXES = ['', '', '2026-11-24 20:33:55.106 [warning] [server stderr] ', '2026-11-24 20:33:55.106 [info] ', '2026-11-24 20:33:55.106 [error] '];
const structured = fc.array(fc.tuple(fc.constantFrom(...PREFIXES), fc.constantFrom(...LINES), fc.constantFrom('\n', '\n', '\r\n')), { maxLength: 120 }).map((rows) =>
  rows.map(([prefix, line, eol]) => prefix + line + eol).join(''),
);

test('structured logs (tracebacks, chains, npm blocks, prefixes in any order): the fast path equals pushing every line, whatever the chunking', () => {
  let n = 0;
  fc.assert(
    fc.property(structured, fc.integer({ min: 16, max: 400 }), (text, chunk) => {
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      const scanner = new FindingScanner('s.log');
      const pushed = [...scanner.push(lines), ...scanner.flush()];
      wellFormed(pushed, text);
      assert.deepEqual(scanText(text, 's.log'), pushed);
      const file = path.join(dir, `s${n++ % 8}.log`);
      writeFileSync(file, text);
      assert.deepEqual(scanFile(file, undefined, undefined, chunk).map((f) => ({ ...f, file: 's.log' })), pushed);
    }),
    { numRuns: Number(process.env.LOGS_PROPERTY_RUNS ?? 400) },
  );
});

test('hostile input: huge lines, many anchors, deep nesting, control bytes: no throw', () => {
  const hostile = [
    'CERTIFICATE_VERIFY_FAILED '.repeat(40_000),
    `x509: certificate is valid for ${'a, '.repeat(100_000)}`,
    `Traceback (most recent call last):\n${'  File "x.py"\n'.repeat(20_000)}ssl.SSLError: [SSL: WRONG_VERSION_NUMBER] wrong version number`,
    `HTTPSConnectionPool(host='${'h'.repeat(100_000)}', port=${'9'.repeat(1000)})  [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate`,
    `https://${'a.'.repeat(200_000)} invalid peer certificate: UnknownIssuer`,
    '\u0000\u0001\u0002 SSL \uffff\ud800 CERT \n'.repeat(10_000),
    `${'|'.repeat(50_000)} Traceback (most recent call last):`,
    '\n'.repeat(100_000),
  ];
  for (const text of hostile) {
    const findings = scanText(text, 'h.log');
    wellFormed(findings, text);
    const scanner = new FindingScanner('h.log');
    wellFormed([...scanner.push(text.split('\n')), ...scanner.flush()], text);
  }
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (text) => {
      wellFormed(scanText(text, 'u.log'), text);
    }),
    { numRuns: 300 },
  );
});
