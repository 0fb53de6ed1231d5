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

// The fast path skips lines without anchors only up to a line that surely starts a group; these
// are the cases where a shortcut would lose the event's head (and with it the host).

test('a traceback of 600 frames: one finding with the host from its first frame, on every path', () => {
  const frames = Array.from({ length: 600 }, (_, i) => `  File "/srv/.venv/lib/python3.12/site-packages/lib${i}.py", line ${i + 1}, in call\n    return inner()`);
  const text = [
    'INFO:mcp.server:ready',
    'Traceback (most recent call last):',
    '  File "/srv/server.py", line 10, in fetch',
    '    r = client.get("https://deep.corp.example:9443/v1")',
    ...frames,
    'httpx.ConnectError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)',
    'INFO:mcp.server:next',
  ].join('\n');
  assert.deepEqual(brief(everyWay(`${text}\n`, 'deep.log')), [{ line: 1205, kind: 'untrusted-ca', runtime: 'python', host: 'deep.corp.example', port: 9443, fixable: true }]);
});

test('a chain marker and a blank line right after frames keep the next two column-0 lines in the group', () => {
  const text = [
    'INFO one',
    'INFO two',
    'Traceback (most recent call last):',
    '  File "/srv/a.py", line 3, in f  # https://marker.corp.example/',
    'During handling of the above exception, another exception occurred:',
    '',
    'RuntimeError: wrapped',
    'curl: (60) SSL certificate problem: unable to get local issuer certificate',
  ].join('\n');
  assert.deepEqual(brief(everyWay(`${text}\n`, 'marker.log')), [{ line: 8, kind: 'untrusted-ca', runtime: 'curl', host: 'marker.corp.example', port: 443, fixable: true }]);
});

test('a log whose editor prefix first shows up in skipped lines: later lines without it continue their entry', () => {
  const text = [
    'plain first line',
    '2026-11-24 11:00:00.000 [info] Starting server github',
    '2026-11-24 11:00:01.100 [warning] [server stderr] TypeError: fetch failed for https://api.github.example/repos',
    'continued without a prefix',
    'continued again',
    '[cause]: Error: unable to verify the first certificate',
  ].join('\n');
  assert.deepEqual(brief(everyWay(`${text}\n`, 'late-prefix.log')), [{ line: 6, kind: 'untrusted-ca', runtime: 'node', host: 'api.github.example', port: 443, fixable: true }]);
});

test('events across the 8 MB chunk boundary of scanFile (default chunk) are found once, whole', () => {
  const ordinary = '2026-11-24 20:33:55.106 [warning] [server stderr] INFO:mcp.server.lowlevel.server:Processing request of type CallToolRequest\n';
  const event = fixture('vscode-requests-chained.log');
  const chunk = 8 * 1024 * 1024;
  // Place the event so that the boundary falls inside it, then a second one a few lines later.
  const before = Math.floor((chunk - event.length / 2) / ordinary.length);
  const text = ordinary.repeat(before) + event + ordinary.repeat(3) + fixture('node-undici-fetch.log') + ordinary.repeat(1000);
  assert.ok(before * ordinary.length < chunk && before * ordinary.length + event.length > chunk, 'the event straddles the boundary');
  const onDisk = path.join(tmp, 'boundary.log');
  writeFileSync(onDisk, text);
  const whole = scanText(text, 'b.log');
  assert.deepEqual(scanFile(onDisk).map((f) => ({ ...f, file: 'b.log' })), whole);
  const eventLines = event.split('\n').length - 1;
  assert.deepEqual(brief(whole).map((f) => [f.line, f.host]), [[before + 8, 'docs.example.com'], [before + eventLines + 3 + 5, null]]);
  const scanner = new FindingScanner('b.log');
  const lines = text.split('\n');
  lines.pop();
  assert.deepEqual([...scanner.push(lines), ...scanner.flush()], whole);
});

// Real stderr of the test MCP servers (test/fixtures/mcp-servers) behind the root-sending
// interceptor and behind mitmproxy (which sends only its leaf), as written, and as VS Code logs it.
function asVsCode(raw: string): string {
  return raw
    .split('\n')
    .filter((line, i, all) => i < all.length - 1 || line !== '')
    .map((line) => `2026-11-24 20:33:55.106 [warning] [server stderr] ${line}`)
    .join('\n');
}

for (const [name, kind, runtime, line] of [
  ['stderr-node-interceptor.log', 'untrusted-ca', 'node', 1],
  ['stderr-node-mitmproxy.log', 'untrusted-ca', 'node', 1],
  ['stderr-python-interceptor.log', 'untrusted-ca', 'python', 24],
  ['stderr-python-mitmproxy.log', 'untrusted-ca', 'python', 24],
] as const) {
  test(`real stderr ${name}: one finding, raw and VS Code-prefixed`, () => {
    const raw = fixture(name);
    const expected = [{ line, kind, runtime, host: null, port: null, fixable: true }];
    assert.deepEqual(brief(everyWay(raw, name)), expected);
    const prefixed = `2026-11-24 20:33:54.001 [info] Starting server docs\n${asVsCode(raw)}\n2026-11-24 20:33:56.000 [info] Connection state: Error Process exited with code 1\n`;
    assert.deepEqual(brief(everyWay(prefixed, name)), [{ ...expected[0], line: line + 1 }]);
  });
}
