// What is not a certificate finding but may hide one: a bare `fetch failed` (undici, an editor's MCP client)
// and protocol errors. `scan` reports nothing for them; the line-by-line path (the editor's log watcher)
// hands them to onSignal so the editor can probe the host.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { FindingScanner, scanText } from '../../src/core/logs/scan';
import type { ScanSignal } from '../../src/core/types';

const REALWORLD = path.join(__dirname, '..', 'fixtures', 'realworld');

function signalsOf(text: string): { findings: number; signals: ScanSignal[] } {
  const signals: ScanSignal[] = [];
  const scanner = new FindingScanner('s.log', undefined, { onSignal: (signal) => signals.push(signal) });
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const findings = [...scanner.push(lines), ...scanner.flush()].length;
  return { findings, signals };
}

test('fetch failed with no detail (real logs): no finding, a fetch-failed signal', () => {
  for (const file of ['109-neg-fetch-failed-no-detail.log', '111-neg-editor-streamable-fetch-failed.log', '141-neg-vscode-remote-mcp-fetch-failed.log']) {
    const text = readFileSync(path.join(REALWORLD, file), 'utf8');
    assert.deepEqual(scanText(text, file), [], file);
    const { findings, signals } = signalsOf(text);
    assert.equal(findings, 0, file);
    assert.ok(signals.some((s) => s.reason === 'fetch-failed'), `${file}: ${JSON.stringify(signals)}`);
  }
});

test('fetch failed with a certificate cause is a finding, not a signal', () => {
  const text = readFileSync(path.join(REALWORLD, '007-cap-js-mcp-undici-chain.log'), 'utf8');
  const { findings, signals } = signalsOf(text);
  assert.equal(findings, 1);
  assert.deepEqual(signals, []);
});

test('a wrong version number (real log): no finding, a tls-protocol signal on its line', () => {
  const text = readFileSync(path.join(REALWORLD, '103-neg-httpcore-wrong-version.log'), 'utf8');
  const { findings, signals } = signalsOf(text);
  assert.equal(findings, 0);
  assert.deepEqual(signals.map((s) => [s.reason, s.line, s.runtime]), [['tls-protocol', 1, 'python']]);
});

test('a signal carries the host the event talked to', () => {
  const { signals } = signalsOf('Connecting to remote server: https://mcp.corp.example/sse\nConnection error: TypeError: fetch failed\n');
  assert.deepEqual(signals.map((s) => [s.reason, s.line, s.host, s.port]), [['fetch-failed', 2, 'mcp.corp.example', 443]]);
});
