// Events: one finding per failure, however many lines repeat it; hosts from any line of the event;
// editor prefixes stripped; the same answer whether the text comes whole, in pushes, or from a file.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { FindingScanner, scanFile, scanText } from '../../src/core/logs/scan';
import type { Finding } from '../../src/core/types';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'logs');
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');
const tmp = mkdtempSync(path.join(tmpdir(), 'logs-scan-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function brief(findings: Finding[]): Array<Pick<Finding, 'line' | 'kind' | 'runtime' | 'host' | 'port' | 'fixable'>> {
  return findings.map(({ line, kind, runtime, host, port, fixable }) => ({ line, kind, runtime, host, port, fixable }));
}

/** The same text through every entry point: whole, line by line, in odd-sized pushes, from a file. */
function everyWay(text: string, file: string): Finding[] {
  const whole = scanText(text, file);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const one = new FindingScanner(file);
  const byLine = [...lines.flatMap((line) => one.push([line])), ...one.flush()];
  assert.deepEqual(byLine, whole, 'line by line');
  const odd = new FindingScanner(file);
  const pushed: Finding[] = [];
  for (let at = 0; at < lines.length; at += 3) pushed.push(...odd.push(lines.slice(at, at + 3)));
  pushed.push(...odd.flush());
  assert.deepEqual(pushed, whole, 'in pushes of 3');
  const onDisk = path.join(tmp, `${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(onDisk, text);
  assert.deepEqual(scanFile(onDisk).map((f) => ({ ...f, file })), whole, 'scanFile');
  // Chunks that cut lines (and multi-byte characters) anywhere, and lines longer than a chunk.
  for (const chunk of [16, 97, 4096]) assert.deepEqual(scanFile(onDisk, undefined, undefined, chunk).map((f) => ({ ...f, file })), whole, `scanFile, ${chunk}-byte chunks`);
  return whole;
}

test('VS Code log: a requests traceback chained four times is one finding, host from the MaxRetryError line', () => {
  const findings = everyWay(fixture('vscode-requests-chained.log'), 'a.log');
  assert.deepEqual(brief(findings), [{ line: 8, kind: 'untrusted-ca', runtime: 'python', host: 'docs.example.com', port: 8443, fixable: true }]);
  // The prefix is stripped from the message.
  assert.match(findings[0].message, /^ssl\.SSLCertVerificationError: \[SSL: CERTIFICATE_VERIFY_FAILED\]/);
});

test('uv: the Caused-by chain is one finding; host from an earlier line of the chain', () => {
  const findings = everyWay(fixture('uv-unknown-issuer.log'), 'uv.log');
  assert.deepEqual(brief(findings), [{ line: 6, kind: 'untrusted-ca', runtime: 'rust', host: 'pypi.org', port: 443, fixable: true }]);
});

test('Node undici: the error, its [cause] and its code line are one finding', () => {
  const findings = everyWay(fixture('node-undici-fetch.log'), 'n.log');
  assert.deepEqual(brief(findings), [{ line: 5, kind: 'untrusted-ca', runtime: 'node', host: null, port: null, fixable: true }]);
});

test('npm: code, errno and reason lines are one finding with the registry host', () => {
  assert.deepEqual(brief(everyWay(fixture('npm-self-signed.log'), 'npm.log')), [
    { line: 1, kind: 'untrusted-ca', runtime: 'node', host: 'registry.npmjs.org', port: 443, fixable: true },
  ]);
});

test('Python 3.13 strict CA inside an anyio ExceptionGroup: one strict-ca finding, host from the frame', () => {
  assert.deepEqual(brief(everyWay(fixture('exception-group-httpx.log'), 'eg.log')), [
    { line: 9, kind: 'strict-ca', runtime: 'python', host: 'api.corp.example', port: 9443, fixable: false },
  ]);
  assert.match(scanText(fixture('exception-group-httpx.log'), 'eg.log')[0].message, /^httpcore\.ConnectError: /);
});

test('Java: exception and Caused-by chain are one finding', () => {
  assert.deepEqual(brief(everyWay(fixture('java-pkix.log'), 'j.log')), [
    { line: 1, kind: 'untrusted-ca', runtime: 'java', host: null, port: null, fixable: true },
  ]);
});

test('.NET: HttpRequestException with its inner AuthenticationException is one finding', () => {
  assert.deepEqual(brief(everyWay(fixture('dotnet-untrusted.log'), 'd.log')), [
    { line: 2, kind: 'untrusted-ca', runtime: 'dotnet', host: null, port: null, fixable: true },
  ]);
});

test('Cursor per-server log ([error] lines): one finding with the host from the frame', () => {
  assert.deepEqual(brief(everyWay(fixture('cursor-mcp-server.log'), 'c.log')), [
    { line: 5, kind: 'untrusted-ca', runtime: 'python', host: 'intranet.corp.example', port: 443, fixable: true },
  ]);
});

test('negatives: certificate mentions, refused connections, timeouts give nothing', () => {
  assert.deepEqual(everyWay(fixture('negatives.log'), 'neg.log'), []);
});

test('two separate failures (a retry prints the traceback again) are two findings', () => {
  const one = fixture('vscode-requests-chained.log');
  const findings = everyWay(one + one, 'twice.log');
  const lines = one.split('\n').length - 1;
  assert.deepEqual(findings.map((f) => f.line), [8, 8 + lines]);
  assert.ok(findings.every((f) => f.host === 'docs.example.com'));
});

test('two different one-line failures on consecutive lines are two findings', () => {
  const text = [
    'curl: (60) SSL certificate problem: unable to get local issuer certificate',
    "Get \"https://api.example.com/x\": tls: failed to verify certificate: x509: certificate signed by unknown authority",
  ].join('\n');
  assert.deepEqual(brief(everyWay(`${text}\n`, 'two.log')).map((f) => [f.line, f.runtime]), [[1, 'curl'], [2, 'go']]);
});

test('a Python Cursor mcpprocess.log line: the [McpProcess stderr] prefix is stripped', () => {
  const text = "2026-07-02 02:46:24 [warning] [McpProcess stderr] httpx.ConnectError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)\n";
  const [f] = everyWay(text, 'mcpprocess.log');
  assert.equal(f.kind, 'untrusted-ca');
  assert.match(f.message, /^httpx\.ConnectError/);
});

test('VS Code entries continued by lines without the timestamp prefix stay one event', () => {
  const text = [
    '2026-11-24 20:33:55.106 [error] Connection state: Error Error: self-signed certificate in certificate chain',
    "    code: 'SELF_SIGNED_CERT_IN_CHAIN'",
    '2026-11-24 20:33:55.300 [info] Stopping server x',
  ].join('\n');
  assert.deepEqual(brief(everyWay(`${text}\n`, 'cont.log')), [{ line: 1, kind: 'untrusted-ca', runtime: 'node', host: null, port: null, fixable: true }]);
});

test('CRLF line endings are the same as LF', () => {
  const lf = fixture('vscode-requests-chained.log');
  const crlf = lf.replace(/\n/g, '\r\n');
  const a = scanText(lf, 'x');
  const b = scanText(crlf, 'x');
  assert.deepEqual(b, a);
  const onDisk = path.join(tmp, 'crlf.log');
  writeFileSync(onDisk, crlf);
  assert.deepEqual(scanFile(onDisk).map((f) => ({ ...f, file: 'x' })), a);
});

test('an event at the end of the input without a trailing newline is found, open events flush', () => {
  const scanner = new FindingScanner('live.log');
  assert.deepEqual(scanner.push(['Traceback (most recent call last):', '  File "s.py", line 1, in <module>']), []);
  const pending = scanner.push(["ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)"]);
  const flushed = scanner.flush();
  const all = [...pending, ...flushed];
  assert.equal(all.length, 1);
  assert.equal(all[0].line, 3);
  assert.deepEqual(scanner.flush(), []);
});

test('line numbers keep counting across pushes', () => {
  const scanner = new FindingScanner('n.log');
  scanner.push(Array.from({ length: 1000 }, (_, i) => `ordinary line ${i}`));
  const found = [...scanner.push(['curl: (60) SSL certificate problem: self signed certificate in certificate chain', 'next']), ...scanner.flush()];
  assert.equal(found.length, 1);
  assert.equal(found[0].line, 1001);
});

test('a hit far into a big file with many ordinary lines: scanFile agrees with scanText', () => {
  const ordinary = '2026-11-24 20:33:55.106 [warning] [server stderr] INFO:mcp.server.lowlevel.server:Processing request of type ListToolsRequest\n';
  const text = ordinary.repeat(50_000) + fixture('uv-unknown-issuer.log') + ordinary.repeat(20_000) + fixture('node-undici-fetch.log') + ordinary.repeat(10);
  const findings = everyWay(text, 'big.log');
  assert.deepEqual(findings.map((f) => [f.line, f.runtime, f.host]), [[50_006, 'rust', 'pypi.org'], [70_012, 'node', null]]);
});

test('UTF-8 text around a hit keeps its characters in the message', () => {
  const text = "2026-11-24 20:33:55.106 [warning] [server stderr] Fehler für Zugriff: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate — ünicode ✓\n";
  const [f] = everyWay(text, 'u.log');
  assert.match(f.message, /für .* ünicode ✓$/);
});
