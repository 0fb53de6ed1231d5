// What the editor's doctor reads off the one assessment, in plain Node: a real config text parsed
// as the editor's diagnostics parse it, assessed with kept verdicts (no probe), and turned into
// findings on the entries' ranges (the server's name, the insecure setting); the view's grouping
// by host app and config; each server's route.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { assess, type TargetVerdict } from '../../src/core/assess/assess';
import { serverOf } from '../../src/core/config/inventory';
import type { ConfigRef, McpServer } from '../../src/core/model/server';
import { parseConfig } from '../../src/core/config/config';
import { pemFingerprints } from '../../src/core/pem';
import type { Finding } from '../../src/core/types';
import { entryFindings, groupForView, removalReady, routeOf, summaryOf } from '../../src/extension/doctorModel';
import { createCa } from '../fixtures/pki';

const ref = (hostApp: ConfigRef['hostApp'], file: string, extra: Partial<ConfigRef> = {}): ConfigRef => ({ hostApp, path: file, scope: 'user', resolvesVariables: true, ...extra });

async function setUp() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'doctor-model-'));
  const corp = await createCa('Test Corporate Inspection Root');
  const caFile = path.join(dir, 'corp.pem');
  await fs.writeFile(caFile, corp.pem);
  const sha256 = [...pemFingerprints(corp.pem)][0] as string;
  const kept: TargetVerdict = { verdict: 'intercepted', root: { subject: 'CN=Test Corporate Inspection Root', sha256 }, action: 'fix' };
  const file = path.join(dir, 'mcp.json');
  const text = `{
  // The team's servers
  "servers": {
    "docs": { "command": "/usr/bin/python3", "args": ["server.py", "https://docs.example:8443/"] },
    "trusting": { "command": "/usr/bin/python3", "args": ["server.py", "https://docs.example:8443/"], "env": { "SSL_CERT_FILE": ${JSON.stringify(caFile)} } },
    "lax": { "command": "node", "args": ["srv.js", "https://docs.example:8443/", "--insecure"], "env": { "NODE_TLS_REJECT_UNAUTHORIZED": "0", "NODE_EXTRA_CA_CERTS": ${JSON.stringify(caFile)} } },
    "remote": { "type": "http", "url": "https://mcp.example/mcp" }
  }
}`;
  const config = ref('vscode', file);
  const parsed = parseConfig(file, text);
  const servers = parsed.servers.map((entry) => serverOf(config, entry));
  const assessments = await assess(servers, {
    hostEnv: { PATH: '/usr/bin' },
    contextOf: () => ({ home: dir, env: {} }),
    // Kept verdicts only: every target is intercepted by the corporate root.
    analyze: async () => kept,
  });
  return { dir, text, parsed, assessments, servers };
}

describe('config diagnostics: findings on the entries of a real config text', () => {
  it('a server that will fail gets a finding on its name; one that trusts the root gets none; a remote one gets the host-trust finding', async () => {
    const { text, parsed, assessments } = await setUp();
    const findings = entryFindings(parsed, assessments);
    const onServer = findings.filter((finding) => finding.kind !== 'insecure');
    assert.deepEqual(
      onServer.map((finding) => [finding.server, finding.kind, text.slice(finding.offset, finding.offset + finding.length)]),
      [
        ['docs', 'will-fail', '"docs"'],
        ['remote', 'remote-host-trust', '"remote"'],
      ],
    );
    assert.equal(onServer[0]?.assessment?.root?.subject, 'CN=Test Corporate Inspection Root');
  });

  it('each insecure setting gets a finding on its own property or argument', async () => {
    const { text, parsed, assessments } = await setUp();
    const insecure = entryFindings(parsed, assessments).filter((finding) => finding.kind === 'insecure');
    assert.deepEqual(
      insecure.map((finding) => [finding.server, finding.insecure?.where, text.slice(finding.offset, finding.offset + finding.length)]),
      [
        ['lax', 'env.NODE_TLS_REJECT_UNAUTHORIZED', '"NODE_TLS_REJECT_UNAUTHORIZED": "0"'],
        ['lax', 'args[2]', '"--insecure"'],
      ],
    );
    // lax trusts the root through NODE_EXTRA_CA_CERTS: the insecure settings may go now.
    assert.equal(removalReady(insecure[0]?.assessment), true);
  });

  it('once the server trusts the root its finding is gone (the diagnostic clears when it is fixed)', async () => {
    const { dir, text, assessments } = await setUp();
    const fixed = text.replace('"args": ["server.py", "https://docs.example:8443/"] },', `"args": ["server.py", "https://docs.example:8443/"], "env": { "SSL_CERT_FILE": ${JSON.stringify(path.join(dir, 'corp.pem'))} } },`);
    const parsed = parseConfig(path.join(dir, 'mcp.json'), fixed);
    const config = assessments[0]?.server.config as ConfigRef;
    const again = await assess(parsed.servers.map((entry) => serverOf(config, entry)), {
      hostEnv: {},
      contextOf: () => ({ home: dir, env: {} }),
      analyze: async () => assessments[0]?.found as TargetVerdict,
    });
    assert.deepEqual(entryFindings(parsed, again).filter((finding) => finding.server === 'docs'), []);
    assert.equal(removalReady(again.find((entry) => entry.server.name === 'docs')), true);
  });

  it('a server whose log shows the failure fails now; once it trusts the root, the failure in its log no longer counts', async () => {
    const { parsed, servers, dir, assessments } = await setUp();
    const failure: Finding = {
      file: '/logs/mcpServer.mcp.config.ws0.docs.log',
      line: 3,
      kind: 'untrusted-ca',
      runtime: 'python',
      host: 'docs.example',
      port: 8443,
      fixable: true,
      message: '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain (_ssl.c:1006)',
      server: 'docs',
    };
    const failures = new Map([['docs', failure], ['trusting', failure]]);
    const failing = await assess(servers, { hostEnv: {}, contextOf: () => ({ home: dir, env: {} }), analyze: async () => assessments[0]?.found as TargetVerdict, failures });
    const findings = entryFindings(parsed, failing).filter((finding) => finding.kind !== 'insecure');
    assert.deepEqual(findings.map((finding) => [finding.server, finding.kind]), [['docs', 'fails-now'], ['remote', 'remote-host-trust']]);
  });

  it('a root no store knows is its own finding (the user decides)', async () => {
    const { parsed, servers, dir } = await setUp();
    const unknown = await assess(servers, { hostEnv: {}, contextOf: () => ({ home: dir, env: {} }), analyze: async () => ({ verdict: 'untrusted', root: { subject: 'CN=Who', sha256: 'ab' }, action: 'confirm' }) });
    assert.equal(entryFindings(parsed, unknown).find((finding) => finding.server === 'docs')?.kind, 'unknown-root');
  });
});

describe('the view: grouped by host app and config', () => {
  it('host apps in a fixed order, configs with their servers in file order, an unreadable config kept with why', async () => {
    const { assessments } = await setUp();
    const cursor = ref('cursor', '/h/.cursor/mcp.json');
    const claude = ref('claude-desktop', '/h/.config/Claude/claude_desktop_config.json');
    const moved = assessments.map((entry, index) => (index === 1 ? { ...entry, server: { ...entry.server, config: cursor } as McpServer } : entry));
    const groups = groupForView(moved, [{ config: claude, message: 'not valid JSON' }]);
    assert.deepEqual(groups.map((group) => group.hostApp), ['vscode', 'cursor', 'claude-desktop']);
    assert.deepEqual(groups[0]?.configs[0]?.assessments.map((entry) => entry.server.name), ['docs', 'lax', 'remote']);
    assert.equal(groups[2]?.configs[0]?.unreadable, 'not valid JSON');
    assert.deepEqual(summaryOf(assessments), { total: 4, byState: { 'will-fail': 1, ok: 2, 'remote-host-trust': 1 }, fixable: 1 });
  });

  it('the route: the proxy the server\'s own environment names (credentials hidden), direct, or the host\'s for a remote server', () => {
    const server = serverOf(ref('vscode', '/x/mcp.json'), { name: 'a', command: 'node', args: [], env: {}, node: { type: 'object', offset: 0, length: 0 } });
    const target = { host: 'docs.example', port: 443 };
    assert.deepEqual(routeOf({ server, target: { ...target, proxyEnv: { HTTPS_PROXY: 'http://user:secret@proxy.corp:3128' } } }), { kind: 'proxy', display: 'http://proxy.corp:3128' });
    assert.deepEqual(routeOf({ server, target: { ...target, proxyEnv: { HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: '.example' } } }), { kind: 'direct' });
    assert.deepEqual(routeOf({ server, target: { ...target, proxyEnv: {} } }), { kind: 'direct' });
    assert.deepEqual(routeOf({ server: { ...server, transport: 'remote' }, target }), { kind: 'host' });
    assert.deepEqual(routeOf({ server, target: null }), { kind: 'none' });
  });
});
