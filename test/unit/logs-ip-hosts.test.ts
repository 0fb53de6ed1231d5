// An IP host in a log: a private address is an ordinary intranet MCP server and is kept (and offered for a
// probe); link-local and metadata addresses are named but never offered (core/assess/targets.ts probeableFromLog,
// the rule the editor's log watcher applies to each finding).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { probeableFromLog } from '../../src/core/assess/targets';
import { scanText } from '../../src/core/logs/scan';

const real = (name: string): string => readFileSync(path.join(__dirname, '..', 'fixtures', 'realworld', name), 'utf8');

test('a private and a public address from real logs: found with their port, and offered for a probe', () => {
  const [privateIp] = scanText(real('147-go-private-ip-unknown-authority.log'), 'x.log');
  assert.deepEqual([privateIp?.host, privateIp?.port], ['192.168.111.30', 18444]);
  assert.equal(probeableFromLog(privateIp?.host ?? '', privateIp?.port ?? 443), true);
  const [publicIp] = scanText(real('151-python-public-ip-self-signed.log'), 'x.log');
  assert.deepEqual([publicIp?.host, publicIp?.port], ['120.209.164.244', 18099]);
  assert.equal(probeableFromLog(publicIp?.host ?? '', publicIp?.port ?? 443), true);
});

test('a link-local (metadata) or IPv6 link-local address: named in the finding, never offered for a probe', () => {
  // The same Go wording with the address a compromised log could point the probe at.
  for (const [text, host] of [
    ['Get "https://169.254.169.254/latest/meta-data/": x509: certificate signed by unknown authority', '169.254.169.254'],
    ['Get "https://[fe80::1]:8443/mcp": x509: certificate signed by unknown authority', 'fe80::1'],
  ] as const) {
    const [finding] = scanText(`${text}\n`, 'x.log');
    assert.equal(finding?.kind, 'untrusted-ca');
    assert.equal(finding?.host, host);
    assert.equal(probeableFromLog(finding?.host ?? '', finding?.port ?? 443), false, host);
  }
});
