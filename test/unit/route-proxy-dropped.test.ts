// The route (issue 22, section 1): a session with a proxy, servers whose hosts drop it (the MCP SDK's
// allowlist: Cursor, Claude Desktop), a target that resolves only at the proxy. The assessment says
// the server goes directly and why, probes the session's route, and the fix hands the proxy on —
// never a password in clear.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { assess, type Assessment } from '../../src/core/assess/assess';
import { droppedProxyOf } from '../../src/core/assess/route';
import { effectiveServerEnv, envReference } from '../../src/core/hosts/env';
import { serverOf } from '../../src/core/config/inventory';
import type { ServerEntry } from '../../src/core/config/config';
import { planFix } from '../../src/core/fix/plan';
import { envChangeText, rootsText } from '../../src/cli/doctorText';
import { runDoctor, type ServerReport } from '../../src/core/usecases/doctor';
import { nodeReadsEnvProxy, serverNodeVersion } from '../../src/core/runtime/nodeProxy';
import type { ConfigRef, McpServer, ServerTarget } from '../../src/core/model/server';
import type { ChainReport } from '../../src/core/types';
import { createCa } from '../fixtures/pki';

const cursor: ConfigRef = { hostApp: 'cursor', path: '/home/u/.cursor/mcp.json', scope: 'user', resolvesVariables: true };
const claude: ConfigRef = { hostApp: 'claude-desktop', path: '/home/u/.config/Claude/claude_desktop_config.json', scope: 'user', resolvesVariables: false };
const vscode: ConfigRef = { hostApp: 'vscode', path: '/home/u/.config/Code/User/mcp.json', scope: 'user', resolvesVariables: true };
const entry = (fields: Partial<ServerEntry>): ServerEntry => ({ name: 'x', args: [], env: {}, node: { type: 'object', offset: 0, length: 0 }, ...fields }) as ServerEntry;
const server = (config: ConfigRef, name: string, fields: Partial<ServerEntry> = {}): McpServer =>
  serverOf(config, entry({ name, command: '/usr/bin/python3', args: ['server.py', 'https://intranet.example.test/'], ...fields }));

const PROXY = 'http://127.0.0.1:3128';
const SECRET_PROXY = 'http://alice:s3cret@127.0.0.1:3128';

function intercepted(proxy: string): ChainReport {
  return {
    host: 'intranet.example.test',
    port: 443,
    proxy,
    presented: [],
    path: [
      { subject: 'CN=intranet.example.test', issuer: 'CN=Corp Root', sha256: 'leaf', notBefore: '', notAfter: '', selfSigned: false, ca: false, source: 'presented' },
      { subject: 'CN=Corp Root', issuer: 'CN=Corp Root', sha256: 'sha-corp', notBefore: '', notAfter: '', selfSigned: true, ca: true, source: 'system', pem: 'PEM' },
    ],
    root: { subject: 'CN=Corp Root', sha256: 'sha-corp', source: 'system' },
    verdict: 'intercepted',
    trust: { public: false, system: true },
    warnings: [],
  };
}

/** The machine resolves nothing under intranet.example.test; the proxy does. */
async function run(servers: McpServer[], hostEnv: NodeJS.ProcessEnv): Promise<{ result: Assessment[]; calls: ServerTarget[] }> {
  const calls: ServerTarget[] = [];
  const result = await assess(servers, {
    hostEnv,
    contextOf: () => ({ home: '/nonexistent-home', env: hostEnv }),
    analyze: async (target) => {
      calls.push(target);
      const proxy = target.proxyEnv?.HTTPS_PROXY ?? target.proxyEnv?.https_proxy;
      if (!proxy) throw new Error(`cannot resolve ${target.host}:${target.port} (ENOTFOUND)`);
      return intercepted(proxy);
    },
  });
  return { result, calls };
}
const of = (result: Assessment[], name: string): Assessment => result.find((a) => a.server.name === name) as Assessment;

describe('the route: a session proxy the host drops', () => {
  it('Cursor and Claude Desktop drop the session\'s proxy: the server goes directly, which fails; the session\'s route is probed, and the fix adds the proxy with the CA', async () => {
    const hostEnv = { PATH: '/usr/bin', HOME: '/home/u', HTTPS_PROXY: PROXY, NO_PROXY: 'localhost,127.0.0.1' };
    const { result, calls } = await run([server(cursor, 'c'), server(claude, 'd')], hostEnv);
    for (const name of ['c', 'd']) {
      const a = of(result, name);
      assert.deepEqual([a.state, a.reason, a.fix, a.root?.subject], ['will-fail', 'proxy-dropped', 'env', 'CN=Corp Root'], name);
      assert.match(a.droppedProxy?.directError ?? '', /ENOTFOUND/);
      assert.equal(a.droppedProxy?.url, PROXY);
      assert.deepEqual(a.droppedProxy?.env, { HTTPS_PROXY: PROXY, NO_PROXY: 'localhost,127.0.0.1' });
      assert.equal(a.target?.proxyEnv?.HTTPS_PROXY, PROXY, 'the route the fix gives it is the one verified');
    }
    assert.equal(calls.length, 2, 'one direct probe and one through the session\'s proxy, shared by both servers');
  });

  it('a proxy with a password: Cursor gets a ${env:NAME} reference, Claude Desktop (no interpolation) nothing written, said with the next step', async () => {
    const hostEnv = { PATH: '/usr/bin', HOME: '/home/u', https_proxy: SECRET_PROXY };
    const { result } = await run([server(cursor, 'c'), server(claude, 'd')], hostEnv);
    const c = of(result, 'c');
    assert.deepEqual([c.reason, c.fix], ['proxy-dropped', 'env']);
    assert.deepEqual(c.droppedProxy?.env, { HTTPS_PROXY: '${env:https_proxy}' });
    assert.equal(c.droppedProxy?.url, 'http://127.0.0.1:3128', 'no credentials in what is shown');
    assert.equal(c.droppedProxy?.credentials, true);
    const d = of(result, 'd');
    assert.deepEqual([d.state, d.reason, d.fix, d.droppedProxy?.env], ['will-fail', 'proxy-dropped', 'none', null]);
    // What front ends show and write (the probe targets keep the session's URL, in memory, to go through it).
    assert.doesNotMatch(JSON.stringify(result.map((a) => [a.droppedProxy?.url, a.droppedProxy?.env, a.droppedProxy?.directError])), /s3cret|alice/);
  });

  it('Kiro (the SDK allowlist, `${VAR}` in env) gets `${HTTPS_PROXY}`; the reference is resolved as Kiro resolves it on the next look', async () => {
    const kiro: ConfigRef = { hostApp: 'kiro', path: '/home/u/.kiro/settings/mcp.json', scope: 'user', resolvesVariables: false };
    const hostEnv = { PATH: '/usr/bin', HOME: '/home/u', HTTPS_PROXY: SECRET_PROXY };
    const { result } = await run([server(kiro, 'k')], hostEnv);
    assert.deepEqual([result[0]?.reason, result[0]?.fix, result[0]?.droppedProxy?.env], ['proxy-dropped', 'env', { HTTPS_PROXY: '${HTTPS_PROXY}' }]);
    const again = await run([server(kiro, 'k', { env: { HTTPS_PROXY: '${HTTPS_PROXY}' } })], hostEnv);
    assert.equal(again.calls[0]?.proxyEnv?.HTTPS_PROXY, SECRET_PROXY);
    assert.equal(again.result[0]?.droppedProxy, undefined);
  });

  it('each host\'s reference to its own environment (none where it expands nothing), resolved as the host resolves it', () => {
    assert.equal(envReference('cursor', 'linux', 'HTTPS_PROXY'), '${env:HTTPS_PROXY}');
    assert.equal(envReference('roo', 'linux', 'HTTPS_PROXY'), '${env:HTTPS_PROXY}');
    assert.equal(envReference('claude-code', 'win32', 'HTTPS_PROXY'), '${HTTPS_PROXY}');
    assert.equal(envReference('kiro', 'linux', 'HTTPS_PROXY'), '${HTTPS_PROXY}');
    assert.equal(envReference('claude-desktop', 'darwin', 'HTTPS_PROXY'), null);
    assert.equal(envReference('windsurf', 'linux', 'HTTPS_PROXY'), null);
    const passed = (host: Parameters<typeof envReference>[0], value: string): string | undefined =>
      effectiveServerEnv({ host, platform: 'linux', hostProcessEnv: { PATH: '/usr/bin', HTTPS_PROXY: SECRET_PROXY }, entryEnv: { HTTPS_PROXY: value } }).HTTPS_PROXY;
    assert.equal(passed('cursor', '${env:HTTPS_PROXY}'), SECRET_PROXY);
    assert.equal(passed('kiro', '${HTTPS_PROXY}'), SECRET_PROXY);
    assert.equal(passed('claude-desktop', '${HTTPS_PROXY}'), '${HTTPS_PROXY}', 'passed as written');
  });

  it('once the entry names the proxy (a reference Cursor expands) the route is the proxy\'s and nothing is dropped', async () => {
    const hostEnv = { PATH: '/usr/bin', HOME: '/home/u', HTTPS_PROXY: SECRET_PROXY };
    const fixed = server(cursor, 'c', { env: { HTTPS_PROXY: '${env:HTTPS_PROXY}' } });
    const { result, calls } = await run([fixed], hostEnv);
    assert.equal(calls[0]?.proxyEnv?.HTTPS_PROXY, SECRET_PROXY, 'probed through the proxy the reference names');
    assert.equal(result[0]?.droppedProxy, undefined);
    assert.deepEqual([result[0]?.reason, result[0]?.fix], ['root-not-trusted', 'env']);
  });

  it('no drop: a host that passes its environment on (VS Code), an entry that chose its route (HTTPS_PROXY: null), a session without a proxy, a target NO_PROXY covers', () => {
    const target = { host: 'intranet.example.test', port: 443 };
    const session = { HTTPS_PROXY: PROXY };
    assert.equal(droppedProxyOf(server(vscode, 'v'), { HTTPS_PROXY: PROXY }, session, target), null);
    assert.equal(droppedProxyOf(server(cursor, 'n', { env: { HTTPS_PROXY: null } }), {}, session, target), null);
    assert.equal(droppedProxyOf(server(cursor, 'c'), {}, {}, target), null);
    assert.equal(droppedProxyOf(server(cursor, 'c'), {}, { ...session, NO_PROXY: '.example.test' }, target), null);
    assert.notEqual(droppedProxyOf(server(cursor, 'c'), {}, session, target), null);
  });

  it('going directly works: the server is assessed on that route (no second probe, no proxy written)', async () => {
    const hostEnv = { PATH: '/usr/bin', HOME: '/home/u', HTTPS_PROXY: PROXY };
    const calls: ServerTarget[] = [];
    const result = await assess([server(cursor, 'c')], {
      hostEnv,
      contextOf: () => ({ home: '/nonexistent-home', env: hostEnv }),
      analyze: async (target) => {
        calls.push(target);
        return intercepted('');
      },
    });
    assert.equal(calls.length, 1);
    assert.deepEqual([result[0]?.reason, result[0]?.droppedProxy], ['root-not-trusted', undefined]);
  });

  it('the session\'s route fails too: unreachable, with both errors kept', async () => {
    const hostEnv = { PATH: '/usr/bin', HOME: '/home/u', HTTPS_PROXY: PROXY };
    const result = await assess([server(claude, 'd')], {
      hostEnv,
      contextOf: () => ({ home: '/nonexistent-home', env: hostEnv }),
      analyze: async (target) => {
        throw new Error(target.proxyEnv?.HTTPS_PROXY ? 'proxy refused CONNECT: 403' : 'ENOTFOUND');
      },
    });
    assert.deepEqual([result[0]?.state, result[0]?.reason], ['unreachable', 'probe-failed']);
    assert.match(result[0]?.droppedProxy?.sessionError ?? '', /403/);
  });
});

describe('the route alone', () => {
  it('a server that already trusts the root but whose host drops the proxy: the fix writes the route only (no CA variable)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'route-trusted-'));
    const ca = await createCa('Corp Root');
    const caFile = join(dir, 'corp.pem');
    writeFileSync(caFile, ca.pem);
    const sha = new X509Certificate(ca.pem).fingerprint256.replace(/:/g, '').toLowerCase();
    const report = intercepted(PROXY);
    report.root = { subject: 'CN=Corp Root', sha256: sha, source: 'system' };
    const hostEnv = { PATH: '/usr/bin', HOME: dir, HTTPS_PROXY: PROXY };
    const trusting = server(claude, 'd', { env: { SSL_CERT_FILE: caFile } });
    const [a] = await assess([trusting], {
      hostEnv,
      contextOf: () => ({ home: dir, env: hostEnv }),
      analyze: async (target) => {
        if (!target.proxyEnv?.HTTPS_PROXY) throw new Error('ENOTFOUND');
        return report;
      },
    });
    assert.deepEqual([a?.state, a?.reason, a?.fix, a?.trustedVia], ['will-fail', 'proxy-dropped', 'env', 'SSL_CERT_FILE']);

    const config = join(dir, 'claude_desktop_config.json');
    writeFileSync(config, JSON.stringify({ mcpServers: { d: { command: '/usr/bin/python3', args: ['s.py'], env: { SSL_CERT_FILE: caFile } } } }, null, 2));
    const plan = await planFix({ configPath: config, caPems: [ca.pem], home: dir, bundleDir: join(dir, 'b'), mode: 'ca-only', addEnv: { d: { HTTPS_PROXY: PROXY } }, routeOnly: ['d'] });
    assert.deepEqual(plan.changed.map((c) => [c.server, c.env]), [['d', { HTTPS_PROXY: PROXY }]]);
    assert.deepEqual(plan.skipped, [], 'its own SSL_CERT_FILE is not a conflict: it stays');
  });
});

describe('doctor: the route alone, through the use case', () => {
  it('a Claude Desktop server that already trusts the root through its own SSL_CERT_FILE: --fix writes HTTPS_PROXY only, its CA file kept, nothing skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'route-doctor-'));
    const ca = await createCa('Corp Root');
    const caFile = join(dir, 'corp.pem');
    writeFileSync(caFile, ca.pem);
    const sha = new X509Certificate(ca.pem).fingerprint256.replace(/:/g, '').toLowerCase();
    const config = join(dir, '.config', 'Claude', 'claude_desktop_config.json');
    mkdirSync(dirname(config), { recursive: true });
    writeFileSync(config, JSON.stringify({ mcpServers: { d: { command: '/usr/bin/python3', args: ['s.py', 'https://intranet.example.test/'], env: { SSL_CERT_FILE: caFile } } } }, null, 2));
    const report = intercepted(PROXY);
    report.root = { subject: 'CN=Corp Root', sha256: sha, source: 'system' };
    report.path[1] = { ...(report.path[1] as ChainReport['path'][number]), sha256: sha, pem: ca.pem };
    const run = await runDoctor({
      scopes: [{ home: dir, workspaceFolders: [], platform: 'linux', env: {} }],
      hostEnv: { HOME: dir, PATH: '/usr/bin:/bin', HTTPS_PROXY: PROXY },
      analyzer: {
        analyze: async (target) => {
          if (!target.proxyEnv?.HTTPS_PROXY) throw new Error('cannot resolve intranet.example.test:443 (ENOTFOUND)');
          return report;
        },
        verify: async () => ({ ok: true }),
      },
      readLogs: false,
      noRuntimeCheck: true,
    });
    const d = run.result.servers.find((s) => s.server === 'd');
    assert.deepEqual([d?.reason, d?.fix.kind, d?.trustedVia], ['proxy-dropped', 'env', 'SSL_CERT_FILE']);
    assert.match(d?.fix.detail ?? '', /^set HTTPS_PROXY \(the session's proxy, which claude-desktop does not pass on\): it already trusts CN=Corp Root through SSL_CERT_FILE$/);
    await run.applyFixes();
    assert.deepEqual(run.result.skipped, []);
    assert.deepEqual(run.result.changed.map((c) => [c.server, c.env]), [['d', { HTTPS_PROXY: PROXY }]]);
    const written = JSON.parse(readFileSync(config, 'utf8')) as { mcpServers: { d: { env: Record<string, string> } } };
    assert.deepEqual(written.mcpServers.d.env, { SSL_CERT_FILE: caFile, HTTPS_PROXY: PROXY });
  });
});

describe('the route in the plan and in Node', () => {
  it('planFix adds the route variables beside the CA variable; one the entry already sets is kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'route-plan-'));
    const config = join(dir, 'claude_desktop_config.json');
    writeFileSync(config, JSON.stringify({ mcpServers: { d: { command: '/usr/bin/python3', args: ['s.py'], env: { NO_PROXY: 'corp.example' } } } }, null, 2));
    const ca = await createCa('Corp Root');
    const plan = await planFix({ configPath: config, caPems: [ca.pem], home: dir, bundleDir: join(dir, 'b'), mode: 'ca-only', addEnv: { d: { HTTPS_PROXY: PROXY, NO_PROXY: 'localhost' } } });
    assert.equal(plan.changed[0]?.env.HTTPS_PROXY, PROXY);
    assert.equal(plan.changed[0]?.env.NO_PROXY, undefined, 'the entry\'s own NO_PROXY stays');
    assert.ok(plan.changed[0]?.env.SSL_CERT_FILE);
    assert.match(plan.newContent, /"HTTPS_PROXY": "http:\/\/127\.0\.0\.1:3128"/);
  });

  it('docker run: the route goes into the entry\'s env (the docker CLI\'s) and `-e NAME` hands it on, never a value on the command line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'route-docker-'));
    const config = join(dir, 'claude_desktop_config.json');
    writeFileSync(config, JSON.stringify({ mcpServers: {
      fetch: { command: 'docker', args: ['run', '-i', '--rm', 'mcp/fetch'] },
      passes: { command: 'docker', args: ['run', '-i', '--rm', '-e', 'HTTPS_PROXY', 'mcp/fetch'] },
    } }, null, 2));
    const ca = await createCa('Corp Root');
    const addEnv = { fetch: { HTTPS_PROXY: PROXY, NO_PROXY: 'localhost' }, passes: { HTTPS_PROXY: PROXY } };
    const plan = await planFix({ configPath: config, caPems: [ca.pem], home: dir, bundleDir: join(dir, 'b'), mode: 'ca-only', addEnv });
    const fetch = plan.changed.find((c) => c.server === 'fetch');
    assert.deepEqual(fetch?.args?.slice(-4), ['-e', 'HTTPS_PROXY', '-e', 'NO_PROXY']);
    assert.equal(fetch?.env.HTTPS_PROXY, PROXY);
    const written = JSON.parse(plan.newContent) as { mcpServers: Record<string, { args: string[]; env?: Record<string, string> }> };
    assert.equal(written.mcpServers.fetch?.env?.HTTPS_PROXY, PROXY, 'in the env the docker CLI gets');
    assert.ok(!written.mcpServers.fetch?.args.some((arg) => arg.includes('127.0.0.1')), 'no proxy value in args');
    assert.equal(written.mcpServers.passes?.args.filter((arg) => arg === 'HTTPS_PROXY').length, 1, 'an -e it already has is not repeated');
    // Already mounted (or trusting): the route alone.
    const again = await planFix({ configPath: config, caPems: [ca.pem], home: dir, bundleDir: join(dir, 'b'), mode: 'ca-only', addEnv, routeOnly: ['fetch'] });
    assert.deepEqual(again.changed.find((c) => c.server === 'fetch')?.args, ['-e', 'HTTPS_PROXY', '-e', 'NO_PROXY']);
    assert.deepEqual(again.warnings.filter((w) => w.code === 'docker-existing-mount'), []);
  });

  it('NODE_USE_ENV_PROXY: read from Node 22.21 and 24.5 on, not by 20, 22.20, 23, 24.4', () => {
    for (const yes of ['22.21.0', 'v22.21.1', '24.5.0', '24.11.1', '25.0.0', '26.1.0']) assert.equal(nodeReadsEnvProxy(yes), true, yes);
    for (const no of ['20.20.2', '22.20.0', '23.11.0', '24.4.1', 'garbage']) assert.equal(nodeReadsEnvProxy(no), false, no);
  });

  it('the version is asked of the node the server\'s own PATH resolves (npx → node)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'route-node-'));
    const fake = join(dir, 'node');
    writeFileSync(fake, '#!/bin/sh\necho 24.5.0\n');
    chmodSync(fake, 0o755);
    assert.equal(serverNodeVersion('npx', ['-y', 'pkg'], { PATH: dir }), '24.5.0');
    assert.equal(serverNodeVersion('npx', ['-y', 'pkg'], { PATH: join(dir, 'none') }), null);
  });
});

describe('the route in the words', () => {
  it('before anything is written, the proxy a server is handed is shown with the root (its URL without credentials)', () => {
    const report: ServerReport = {
      hostApp: 'cursor', config: '/home/u/.cursor/mcp.json', server: 'docs', transport: 'stdio', runtime: 'python', target: { host: 'intranet.example.test', port: 443 },
      state: 'will-fail', reason: 'proxy-dropped', root: { subject: 'CN=Corp Root', sha256: 'ab'.repeat(32) }, fix: { kind: 'env', detail: '' }, verdict: 'intercepted', targetSource: 'config',
      verified: null, droppedProxy: { url: 'http://127.0.0.1:3128', credentials: true, adds: ['HTTPS_PROXY'] },
    };
    const text = rootsText([{ subject: 'CN=Corp Root', sha256: 'ab'.repeat(32), store: 'os-store', servers: [report] }], '/home/u');
    assert.match(text, /for 1 server\(s\): docs \(~\/\.cursor\/mcp\.json\), with the proxy http:\/\/127\.0\.0\.1:3128 in its env/);
  });

  it('what a change set: CA variables → the bundle, then the route with its values (a proxy URL never with its password)', () => {
    assert.equal(
      envChangeText({ HTTPS_PROXY: 'http://127.0.0.1:3128', NO_PROXY: 'localhost', SSL_CERT_FILE: '${userHome}/b.pem', REQUESTS_CA_BUNDLE: '${userHome}/b.pem' }, '/home/u/b.pem'),
      'SSL_CERT_FILE, REQUESTS_CA_BUNDLE → /home/u/b.pem; HTTPS_PROXY=http://127.0.0.1:3128, NO_PROXY=localhost',
    );
    assert.equal(envChangeText({ HTTPS_PROXY: 'http://alice:s3cret@proxy:8080' }, '/b.pem'), 'HTTPS_PROXY=http://***@proxy:8080');
    assert.equal(envChangeText({ NODE_EXTRA_CA_CERTS: '/b.pem' }, '/b.pem'), 'NODE_EXTRA_CA_CERTS → /b.pem');
  });
});
