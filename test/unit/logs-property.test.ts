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
  'EPROTO', 'ficat', '\r', '\n', '\n', '\n', ' ', '|', '+', '}', '\u00e9', '\u2713', '\ud83d\ude00', "'", '"', '(', ')', ':', '.',
];
const logText = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 })), { maxLength: 200 }).map((parts) => parts.join(''));

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
      const pushed = [...scanner.push(lines), ...scanner.flush()];
      wellFormed(pushed, text);
      // Every line that classifies on its own is inside some event.
      const hits = lines.filter((line) => classifyLine(line) !== null).length;
      if (hits > 0) assert.ok(whole.length > 0 && pushed.length > 0);
    }),
    { numRuns: 400 },
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
