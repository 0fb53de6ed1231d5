import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FindingScanner } from '../../src/core/logs/scan';
import { remoteFetchFailure, remoteUrlInText } from '../../src/core/hostTrust/fetchFailed';
import type { ScanSignal } from '../../src/core/types';

describe('a remote MCP server\'s `fetch failed` line: the URL to probe', () => {
  it('the scanner exposes the VS Code MCP log line as a fetch-failed signal (no finding), and its URL is found', () => {
    const signals: ScanSignal[] = [];
    const scanner = new FindingScanner('mcpServer.mcp.config.ws0.remote-docs.log', 'remote-docs', { onSignal: (signal) => signals.push(signal) });
    const findings = [
      ...scanner.push([
        '2026-12-01 22:00:00.000 [info] Connection state: Starting',
        '2026-12-01 22:00:01.123 [error] Error sending message to https://localhost:4321/mcp: TypeError: fetch failed',
      ]),
      ...scanner.flush(),
    ];
    assert.deepEqual(findings, [], 'no certificate finding: the line names no certificate');
    assert.equal(signals[0]?.reason, 'fetch-failed');
    assert.equal(signals[0]?.server, 'remote-docs');
    assert.deepEqual(remoteFetchFailure(signals[0] as ScanSignal), { url: 'https://localhost:4321/mcp', host: 'localhost', port: 4321 });
  });

  it('ECONNRESET, IPv6, default port, trailing punctuation; plain http and other reasons give null', () => {
    assert.deepEqual(remoteUrlInText('Error sending message to https://mcp.example.com/sse: TypeError: fetch failed (ECONNRESET)'), { url: 'https://mcp.example.com/sse', host: 'mcp.example.com', port: 443 });
    assert.deepEqual(remoteUrlInText("POST 'https://[::1]:8443/mcp'."), { url: 'https://[::1]:8443/mcp', host: '::1', port: 8443 });
    assert.equal(remoteUrlInText('Error sending message to http://localhost:3000/mcp: TypeError: fetch failed'), null);
    assert.equal(remoteFetchFailure({ reason: 'tls-protocol', message: 'https://x.example/ wrong version number' }), null);
  });
});
