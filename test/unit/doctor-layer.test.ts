// The use-case layer in plain Node: one rule each for stdio vs remote, probe targets, log hosts,
// the verdict policy, "does this server trust that root", docker mounts and Claude Code's scopes.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseHostPort } from '../../src/core/chain/hostPort';
import { claudeJsonConfigs, readServers, serverOf } from '../../src/core/config/inventory';
import { casForFix, decideFix } from '../../src/core/assess/policy';
import { effectiveEnvOf } from '../../src/core/assess/serverEnv';
import { DEFAULT_PROBE, probeTargetOf } from '../../src/core/assess/targets';
import { serverTrustsRoot } from '../../src/core/assess/trust';
import type { ConfigRef } from '../../src/core/model/server';
import type { ServerEntry } from '../../src/core/config/config';
import { dockerMountSource, dockerMountValue } from '../../src/core/runtime/docker';
import { transportOf } from '../../src/core/model/transport';
import type { ChainReport } from '../../src/core/types';
import { DoctorError } from '../../src/core/types';
import { createCa } from '../fixtures/pki';

const dir = mkdtempSync(join(tmpdir(), 'doctor-layer-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const vscodeRef: ConfigRef = { hostApp: 'vscode', path: join(dir, 'mcp.json'), scope: 'workspace', resolvesVariables: true };
const entry = (fields: Partial<ServerEntry>): ServerEntry => ({ name: 'x', args: [], env: {}, node: { type: 'object', offset: 0, length: 0 }, ...fields }) as ServerEntry;

describe('stdio vs remote: one rule', () => {
  it('a url or a remote type is remote, whatever else the entry holds; a command alone is stdio', () => {
    assert.equal(transportOf({ type: 'sse', command: 'npx' }), 'remote');
    assert.equal(transportOf({ url: 'https://a.example/mcp' }), 'remote');
    assert.equal(transportOf({ type: 'http', url: 'https://a.example/mcp' }), 'remote');
    assert.equal(transportOf({ type: 'stdio', command: 'uvx' }), 'stdio');
    assert.equal(transportOf({ command: 'uvx' }), 'stdio');
    assert.equal(transportOf({ type: 'stdio' }), 'invalid');
  });
});

describe('probe targets', () => {
  it('a remote server probes its url; a stdio server the first https url it names, else the setting, else its launcher\'s index', () => {
    assert.deepEqual(probeTargetOf(serverOf(vscodeRef, entry({ url: 'https://mcp.example.com:8443/mcp' }))), { host: 'mcp.example.com', port: 8443, source: 'url' });
    const named = serverOf(vscodeRef, entry({ command: 'uvx', args: ['mcp-server-fetch', '--base', 'https://[::1]:9443/x'] }));
    assert.deepEqual(probeTargetOf(named), { host: '::1', port: 9443, source: 'config' });
    assert.deepEqual(probeTargetOf(named, { fromConfig: false }), { ...DEFAULT_PROBE.python, source: 'runtime-default' });
    assert.deepEqual(probeTargetOf(named, { fromConfig: false, probeHost: 'proxy-check.corp:443' }), { host: 'proxy-check.corp', port: 443, source: 'setting' });
    assert.deepEqual(probeTargetOf(serverOf(vscodeRef, entry({ command: 'npx', args: ['-y', 'x'] }))), { ...DEFAULT_PROBE.node, source: 'runtime-default' });
    assert.equal(probeTargetOf(serverOf(vscodeRef, entry({ url: 'https://internal:8080/' })), { fromConfig: false }), null, 'an untrusted workspace names no host');
  });

  it('one host:port parser: a bare IPv6 address, brackets, and garbage refused', () => {
    assert.deepEqual(parseHostPort('::1'), { host: '::1', port: 443 });
    assert.deepEqual(parseHostPort('[2001:db8::1]:8443'), { host: '2001:db8::1', port: 8443 });
    assert.throws(() => parseHostPort('<img>'), DoctorError);
    assert.throws(() => parseHostPort('a.example:99999'), DoctorError);
  });
});

describe('verdict policy', () => {
  const report = (verdict: ChainReport['verdict'], withCa = true): ChainReport => ({
    host: 'h',
    port: 443,
    proxy: null,
    presented: [],
    path: [
      { subject: 'CN=h', issuer: 'CN=Root', sha256: 'a', notBefore: '', notAfter: '', selfSigned: false, ca: false, source: 'presented' },
      ...(withCa ? [{ subject: 'CN=Root', issuer: 'CN=Root', sha256: 'b', notBefore: '', notAfter: '', selfSigned: true, ca: true, source: 'system' as const, pem: 'PEM' }] : []),
    ],
    root: withCa ? { subject: 'CN=Root', sha256: 'b', source: 'system' } : null,
    verdict,
    trust: { public: false, system: true },
    warnings: [],
  });

  it('intercepted is fixed; an unknown root needs the user\'s word; the rest is refused with a reason code', () => {
    assert.deepEqual(decideFix(report('intercepted')), { action: 'fix', reason: 'intercepted' });
    assert.deepEqual(decideFix(report('untrusted')), { action: 'confirm', reason: 'unknown-root' });
    assert.deepEqual(decideFix(report('trusted')), { action: 'refuse', reason: 'public-root' });
    assert.deepEqual(decideFix(report('expired')), { action: 'refuse', reason: 'expired' });
    assert.deepEqual(decideFix(report('intercepted', false)), { action: 'refuse', reason: 'no-ca' });
    assert.deepEqual(casForFix(report('untrusted'), true), ['PEM']);
    assert.throws(() => casForFix(report('untrusted'), false), (error: unknown) => error instanceof DoctorError && error.detail?.reason === 'unknown-root');
  });
});

describe('does this server trust that root', () => {
  it('reads the CA variables of the effective env (host env for VS Code, entry env, null removes) and a docker mount', async () => {
    const ca = await createCa('Layer Test Root');
    const bundle = join(dir, 'bundle,with comma.pem');
    writeFileSync(bundle, ca.pem);
    const sha = (await import('node:crypto')).createHash('sha256').update(Buffer.from(ca.pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')).digest('hex');
    const context = { home: dir, env: {} };
    const py = serverOf(vscodeRef, entry({ command: 'python3', args: ['s.py'] }));
    assert.equal((await serverTrustsRoot(py, sha, effectiveEnvOf(py, { SSL_CERT_FILE: bundle }), context)).trusted, true, 'VS Code passes its own env on');
    const desktop = serverOf({ ...vscodeRef, hostApp: 'claude-desktop' }, entry({ command: 'python3', args: ['s.py'] }));
    assert.equal((await serverTrustsRoot(desktop, sha, effectiveEnvOf(desktop, { SSL_CERT_FILE: bundle }), context)).trusted, false, 'Claude Desktop does not');
    const removed = serverOf(vscodeRef, entry({ command: 'python3', args: ['s.py'], env: { SSL_CERT_FILE: null } }));
    assert.equal((await serverTrustsRoot(removed, sha, effectiveEnvOf(removed, { SSL_CERT_FILE: bundle }), context)).trusted, false);
    const relative = serverOf(vscodeRef, entry({ command: 'npx', args: ['x'], env: { NODE_EXTRA_CA_CERTS: '${userHome}/bundle,with comma.pem' } }));
    assert.equal((await serverTrustsRoot(relative, sha, effectiveEnvOf(relative, {}), context)).via, 'NODE_EXTRA_CA_CERTS');
    const mount = dockerMountValue(bundle);
    assert.match(mount, /^type=bind,"source=.*bundle,with comma\.pem",target=/, 'a comma is quoted in docker\'s CSV');
    const docker = serverOf(vscodeRef, entry({ command: 'docker', args: ['run', '-i', '--rm', '--mount', mount, 'img'] }));
    assert.equal(docker.dockerMountSource, bundle);
    assert.equal(dockerMountSource(['--mount', 'type=bind,src=/a/b.pem,dst=/etc/ssl/certs/mcp-ssl-doctor.pem']), '/a/b.pem');
    assert.equal((await serverTrustsRoot(docker, sha, {}, context)).via, '--mount');
  });
});

describe('Claude Code scopes in ~/.claude.json', () => {
  it('user scope at the top and each project\'s local scope are configs of their own', async () => {
    const file = join(dir, '.claude.json');
    writeFileSync(file, JSON.stringify({ numStartups: 3, mcpServers: { u: { command: 'npx', args: ['u'] } }, projects: { '/p/a': { mcpServers: { l: { command: 'uvx', args: ['l'] } } }, '/p/b': { mcpServers: {} } } }));
    const refs = await claudeJsonConfigs(file);
    assert.deepEqual(refs.map((ref) => [ref.scope, ref.project ?? null, ref.serversPath]), [
      ['user', null, ['mcpServers']],
      ['local', '/p/a', ['projects', '/p/a', 'mcpServers']],
    ]);
    assert.deepEqual((await readServers(refs[1] as ConfigRef)).map((server) => [server.name, server.runtime]), [['l', 'python']]);
  });
});

describe('Claude Code settings env', () => {
  it('~/.claude/settings.json env reaches the servers Claude Code starts (comments allowed; missing file: nothing)', async () => {
    const { claudeCodeSettingsEnv } = await import('../../src/core/assess/serverEnv');
    const home = join(dir, 'claude-home');
    mkdirSync(join(home, '.claude'), { recursive: true });
    assert.deepEqual(await claudeCodeSettingsEnv(join(dir, 'nobody')), {});
    writeFileSync(join(home, '.claude', 'settings.json'), '{\n  // IT\n  "env": { "NODE_EXTRA_CA_CERTS": "/etc/corp.pem", "N": 1 },\n  "model": "x"\n}\n');
    const env = await claudeCodeSettingsEnv(home);
    assert.deepEqual(env, { NODE_EXTRA_CA_CERTS: '/etc/corp.pem' });
    const node = serverOf({ ...vscodeRef, hostApp: 'claude-code' }, entry({ command: 'npx', args: ['x'] }));
    assert.equal(effectiveEnvOf(node, {}, 'linux', env).NODE_EXTRA_CA_CERTS, '/etc/corp.pem');
  });
});
