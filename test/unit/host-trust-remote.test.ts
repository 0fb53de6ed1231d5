import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostTrustState, HostTrustInput, remoteTarget, remoteUrlProblem } from '../../src/core/hostTrust/remote';

describe('host trust: remote targets', () => {
  it('https URLs give host and port (443 by default; IPv6 without brackets; credentials and path ignored)', () => {
    assert.deepEqual(remoteTarget('https://api.githubcopilot.com/mcp/'), { host: 'api.githubcopilot.com', port: 443 });
    assert.deepEqual(remoteTarget('https://localhost:8243/pizzashackserver/1.0.0/mcp'), { host: 'localhost', port: 8243 });
    assert.deepEqual(remoteTarget('  https://user:pw@[::1]:9443/sse  '), { host: '::1', port: 9443 });
    assert.deepEqual(remoteTarget('HTTPS://Example.COM'), { host: 'example.com', port: 443 });
    assert.equal(remoteUrlProblem('https://example.com'), null);
  });

  it('anything else gives null and says why', () => {
    assert.equal(remoteTarget('http://localhost:3000/mcp'), null);
    assert.equal(remoteUrlProblem('http://localhost:3000/mcp'), 'plain-http');
    assert.equal(remoteUrlProblem('ws://host/mcp'), 'plain-http');
    assert.equal(remoteUrlProblem('file:///etc/passwd'), 'unsupported-scheme');
    assert.equal(remoteUrlProblem('${input:url}'), 'not-a-url');
    assert.equal(remoteUrlProblem(''), 'not-a-url');
  });
});

describe('host trust: state of a host', () => {
  const has = (files: string[]) => async (file: string) => files.includes(file);
  const input = (extra: Partial<HostTrustInput>): HostTrustInput => ({ rootInOsStore: true, editorSettings: {}, bundleHasRoot: has([]), ...extra });

  it('editors: trusted with the root in the OS store and system certificates on (the default)', async () => {
    assert.deepEqual(await hostTrustState('vscode', input({})), { state: 'trusted', reason: 'system-certificates-on', insecure: [] });
    assert.deepEqual(await hostTrustState('cursor', input({ editorSettings: { 'http.systemCertificates': true } })), { state: 'trusted', reason: 'system-certificates-on', insecure: [] });
  });

  it('editors: system certificates off → needs-setting (even with the root in the store); root missing → needs-os-store', async () => {
    assert.deepEqual(await hostTrustState('vscode', input({ editorSettings: { 'http.systemCertificates': false } })), {
      state: 'needs-setting',
      reason: 'system-certificates-off',
      insecure: [],
    });
    assert.deepEqual(await hostTrustState('kiro', input({ rootInOsStore: false })), { state: 'needs-os-store', reason: 'root-not-in-os-store', insecure: [] });
  });

  it('editors: http.proxyStrictSSL false is reported as verification switched off', async () => {
    const verdict = await hostTrustState('vscode', input({ editorSettings: { 'http.proxyStrictSSL': false } }));
    assert.deepEqual(verdict.insecure, ['http.proxyStrictSSL=false']);
  });

  it('Claude Code: its settings env decides, and the file it names must hold the root', async () => {
    assert.deepEqual(await hostTrustState('claude-code', input({})), { state: 'needs-setting', reason: 'claude-env-missing', insecure: [] });
    const env = { NODE_EXTRA_CA_CERTS: '/h/.mcp-ssl-doctor/b.pem' };
    assert.deepEqual(await hostTrustState('claude-code', input({ claudeSettingsEnv: env, bundleHasRoot: has(['/h/.mcp-ssl-doctor/b.pem']) })), {
      state: 'trusted',
      reason: 'claude-env-has-root',
      insecure: [],
    });
    assert.deepEqual(await hostTrustState('claude-code', input({ claudeSettingsEnv: env })), { state: 'needs-setting', reason: 'claude-env-without-root', insecure: [] });
    const insecure = await hostTrustState('claude-code', input({ claudeSettingsEnv: { NODE_TLS_REJECT_UNAUTHORIZED: '0' } }));
    assert.deepEqual(insecure.insecure, ['NODE_TLS_REJECT_UNAUTHORIZED=0']);
  });

  it('Claude Desktop: cloud, whatever the local state', async () => {
    assert.deepEqual(await hostTrustState('claude-desktop', input({ rootInOsStore: false })), { state: 'cloud', reason: 'cloud-connector', insecure: [] });
  });

  it('an unknown host id (from JSON input) is unknown, not a crash', async () => {
    const verdict = await hostTrustState('notepad' as unknown as 'vscode', input({}));
    assert.deepEqual(verdict, { state: 'unknown', reason: 'unknown-host', insecure: [] });
  });
});
