// What each MCP host passes to a stdio server: the table, the merge rules, and — with a real proxy
// and a real runtime — that a machine-wide CA variable reaches the server under VS Code and not
// under an SDK-based host, so the fix belongs in the entry's env.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HOST_ENV, SDK_DEFAULT_POSIX, SDK_DEFAULT_WIN32, effectiveServerEnv, hostPassing } from '../../src/core/hosts/env';
import { runtimeCheck } from '../../src/core/runtime/check';
import type { HostId } from '../../src/core/hosts/locations';
import { TestNetwork, startNetwork } from '../fixtures/network';

const HOSTS = Object.keys(HOST_ENV) as HostId[];
const PLATFORMS: NodeJS.Platform[] = ['linux', 'darwin', 'win32'];

describe('hostPassing: the table', () => {
  test('every host has a row with a source on every platform', () => {
    assert.deepEqual(
      [...HOSTS].sort(),
      [
        'amazon-q', 'claude-code', 'claude-desktop', 'cline', 'codex', 'copilot-cli', 'cursor', 'gemini-cli', 'goose', 'junie', 'kiro',
        'lm-studio', 'opencode', 'roo', 'vscode', 'vscode-insiders', 'vscodium', 'windsurf', 'zed',
      ],
    );
    for (const host of HOSTS) {
      for (const platform of PLATFORMS) {
        const { passing, source } = hostPassing(host, platform);
        assert.ok(source.length > 20, `${host}/${platform} has no source`);
        assert.match(source, /\[(SRC|DOC|3P|MEASURED|UNCONFIRMED)\]/, `${host}/${platform}: source not tagged`);
        if (passing.kind === 'allowlist') assert.ok(passing.names.includes('PATH'));
      }
    }
  });

  test('VS Code family inherits; SDK hosts use the SDK allowlist per platform; Claude Desktop on Windows passes only env', () => {
    for (const host of ['vscode', 'vscode-insiders', 'vscodium'] as const) assert.deepEqual(hostPassing(host, 'linux').passing, { kind: 'inherit' });
    for (const host of ['cline', 'roo'] as const) {
      assert.deepEqual(hostPassing(host, 'darwin').passing, { kind: 'allowlist', names: SDK_DEFAULT_POSIX });
      assert.deepEqual(hostPassing(host, 'win32').passing, { kind: 'allowlist', names: SDK_DEFAULT_WIN32 });
    }
    assert.deepEqual(SDK_DEFAULT_POSIX, ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER']);
    assert.deepEqual(hostPassing('claude-desktop', 'win32').passing, { kind: 'env-only' });
    assert.match(hostPassing('claude-desktop', 'win32').source, /anthropics\/claude-code#1254/);
    assert.deepEqual(hostPassing('claude-desktop', 'darwin').passing, { kind: 'allowlist', names: SDK_DEFAULT_POSIX });
    assert.deepEqual(hostPassing('claude-code', 'linux').passing, { kind: 'inherit' });
    assert.equal(hostPassing('claude-code', 'win32').passing.kind, 'allowlist');
  });
});

describe('effectiveServerEnv: the merge', () => {
  const machine = {
    HOME: '/home/u',
    PATH: '/usr/bin:/bin',
    USER: 'u',
    SSL_CERT_FILE: '/etc/ssl/certs/ca-certificates.crt',
    HTTPS_PROXY: 'http://proxy:3128',
    GH_TOKEN: 'secret',
    SHELL: '() { :; }; echo pwned',
  };

  test('inherit (VS Code): the whole environment, entry env on top, null removes, numbers stringified, PATH appended', () => {
    const env = effectiveServerEnv({
      host: 'vscode',
      platform: 'linux',
      hostProcessEnv: machine,
      entryEnv: { NODE_EXTRA_CA_CERTS: '/b.pem', SSL_CERT_FILE: null, PORT: 8080, PATH: '/opt/tool/bin' },
    });
    assert.equal(env.HTTPS_PROXY, 'http://proxy:3128');
    assert.equal(env.GH_TOKEN, 'secret');
    assert.equal(env.SSL_CERT_FILE, undefined);
    assert.equal(env.NODE_EXTRA_CA_CERTS, '/b.pem');
    assert.equal(env.PORT, '8080');
    assert.equal(env.PATH, '/usr/bin:/bin:/opt/tool/bin');
  });

  test('allowlist (Cline, Roo, Cursor, Kiro, Windsurf, Claude Desktop macOS): only the listed names reach the server, plus the entry env', () => {
    for (const host of ['cline', 'roo', 'cursor', 'kiro', 'windsurf', 'claude-desktop'] as const) {
      const env = effectiveServerEnv({ host, platform: 'darwin', hostProcessEnv: machine, entryEnv: { REQUESTS_CA_BUNDLE: '/b.pem' } });
      // The machine-wide CA and proxy variables do not reach it; exported shell functions are dropped.
      assert.deepEqual(env, { HOME: '/home/u', PATH: '/usr/bin:/bin', USER: 'u', REQUESTS_CA_BUNDLE: '/b.pem' }, host);
    }
  });

  test('win32: allowlist names and entry overrides are case-insensitive', () => {
    const env = effectiveServerEnv({
      host: 'cline',
      platform: 'win32',
      hostProcessEnv: { Path: 'C:\\Windows', SystemRoot: 'C:\\Windows', UserProfile: 'C:\\Users\\u', SSL_CERT_FILE: 'C:\\x.pem' },
      entryEnv: { PATH: 'C:\\tools', ssl_cert_file: 'C:\\b.pem' },
    });
    assert.deepEqual(env, { SystemRoot: 'C:\\Windows', UserProfile: 'C:\\Users\\u', PATH: 'C:\\tools', ssl_cert_file: 'C:\\b.pem' });
  });

  test('env-only (Claude Desktop, Windows): with an env block the server gets that block alone; without one, everything', () => {
    const hostProcessEnv = { Path: 'C:\\Windows', APPDATA: 'C:\\Users\\u\\AppData\\Roaming' };
    assert.deepEqual(
      effectiveServerEnv({ host: 'claude-desktop', platform: 'win32', hostProcessEnv, entryEnv: { SSL_CERT_FILE: 'C:\\b.pem' } }),
      { SSL_CERT_FILE: 'C:\\b.pem' },
    );
    assert.deepEqual(effectiveServerEnv({ host: 'claude-desktop', platform: 'win32', hostProcessEnv, entryEnv: {} }), hostProcessEnv);
  });

  test('Claude Code: its process env, then settings.json env, then the entry env', () => {
    const env = effectiveServerEnv({
      host: 'claude-code',
      platform: 'linux',
      hostProcessEnv: machine,
      hostSettingsEnv: { NODE_EXTRA_CA_CERTS: '/settings.pem', SSL_CERT_FILE: '/settings.pem' },
      entryEnv: { SSL_CERT_FILE: '/entry.pem' },
    });
    assert.equal(env.NODE_EXTRA_CA_CERTS, '/settings.pem');
    assert.equal(env.SSL_CERT_FILE, '/entry.pem');
    assert.equal(env.GH_TOKEN, 'secret');
  });
});

describe('effectiveServerEnv + runtimeCheck through mitmproxy (real Node)', () => {
  let net: TestNetwork;
  let dir: string;
  let bundle: string;
  before(async () => {
    net = await startNetwork();
    dir = await mkdtemp(join(tmpdir(), 'host-env-'));
    bundle = join(dir, 'bundle.pem');
    if (net.mitmproxy) await writeFile(bundle, net.publicRoot.pem + (await readFile(net.mitmproxy.caFile, 'utf8')));
  });
  after(async () => {
    await net?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('a machine-wide NODE_EXTRA_CA_CERTS and HTTPS_PROXY reach the server under VS Code, not under Cline: there only the entry env works', async (t) => {
    if (!net.mitmproxy) return t.skip(net.mitmproxySkip ?? '');
    const editorProcessEnv = { HOME: net.home, PATH: `/usr/bin:/bin:${dirname(process.execPath)}`, HTTPS_PROXY: net.mitmproxy.url, NODE_EXTRA_CA_CERTS: bundle };
    const target = { host: net.origin.host, port: net.origin.port };
    const check = (host: HostId, entryEnv: Record<string, string | number | null>) =>
      runtimeCheck({
        runtime: 'node',
        command: 'npx',
        args: ['-y', 'some-mcp-server'],
        env: effectiveServerEnv({ host, platform: 'linux', hostProcessEnv: editorProcessEnv, entryEnv }),
        target,
      });

    const vscode = await check('vscode', {});
    assert.equal(vscode.ok, true, vscode.message);
    // Under Cline the editor's NODE_EXTRA_CA_CERTS does not arrive: with only the proxy in the entry it fails,
    // with the CA variable in the entry too it verifies.
    const clineProxyOnly = await check('cline', { HTTPS_PROXY: net.mitmproxy.url });
    assert.equal(clineProxyOnly.ok, false);
    assert.equal(clineProxyOnly.finding?.kind, 'untrusted-ca');
    const clineFixed = await check('cline', { HTTPS_PROXY: net.mitmproxy.url, NODE_EXTRA_CA_CERTS: bundle });
    assert.equal(clineFixed.ok, true, clineFixed.message);
    // VS Code with the entry removing the inherited variable (env: null) fails again: the merge is what runs.
    const vscodeRemoved = await check('vscode', { NODE_EXTRA_CA_CERTS: null });
    assert.equal(vscodeRemoved.ok, false);
  });
});
