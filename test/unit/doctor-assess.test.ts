// The one assessment (core/assess/assess.ts) that doctor, `fix` and the editor's preflight and Fix
// picker all read, in plain Node: each server's target through its own route, distinct targets
// analysed once and concurrently, kept verdicts accepted in place of reports, the trust check per
// server (its CA files read), preselection only for a root the OS store trusts, grouping by root and
// by fix (config, root, target).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serverOf } from '../../src/core/config/inventory';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assess, groupByRoot, groupForFix, preselected, routeOf, verdictOf, type Assessment, type TargetVerdict } from '../../src/core/assess/assess';
import { effectiveEnvOf, probeEnvOf } from '../../src/core/assess/serverEnv';
import { createCa } from '../fixtures/pki';
import type { ConfigRef, McpServer, ServerTarget } from '../../src/core/model/server';
import type { ServerEntry } from '../../src/core/config/config';
import type { ChainReport } from '../../src/core/types';

const workspace: ConfigRef = { hostApp: 'vscode', path: '/ws/.vscode/mcp.json', scope: 'workspace', resolvesVariables: true };
const user: ConfigRef = { hostApp: 'vscode', path: '/home/u/.config/Code/User/mcp.json', scope: 'user', resolvesVariables: true };
const entry = (fields: Partial<ServerEntry>): ServerEntry => ({ name: 'x', args: [], env: {}, node: { type: 'object', offset: 0, length: 0 }, ...fields }) as ServerEntry;
const server = (name: string, fields: Partial<ServerEntry>, config = workspace): McpServer => serverOf(config, entry({ name, command: '/usr/bin/python3', ...fields }));

function report(host: string, port: number, verdict: ChainReport['verdict'], root: string | null, proxy: string | null = null): ChainReport {
  const rootCert = root ? [{ subject: `CN=${root}`, issuer: `CN=${root}`, sha256: `sha-${root}`, notBefore: '', notAfter: '', selfSigned: true, ca: true, source: 'system' as const, pem: `PEM ${root}` }] : [];
  return {
    host,
    port,
    proxy,
    presented: [],
    path: [{ subject: `CN=${host}`, issuer: `CN=${root ?? 'x'}`, sha256: 'leaf', notBefore: '', notAfter: '', selfSigned: false, ca: false, source: 'presented' }, ...rootCert],
    root: root ? { subject: `CN=${root}`, sha256: `sha-${root}`, source: 'system' } : null,
    verdict,
    trust: { public: verdict === 'trusted', system: verdict === 'intercepted' },
    warnings: [],
  };
}

const hostEnv = { PATH: '/usr/bin', HTTPS_PROXY: 'http://editor-proxy:3128' };
const targetOf = (candidate: McpServer, fromConfig = true): ServerTarget | null => routeOf(candidate, effectiveEnvOf(fromConfig ? candidate : { ...candidate, env: {} }, hostEnv), { fromConfig })?.target ?? null;

describe('server targets through their own proxy', () => {
  it('the entry\'s HTTPS_PROXY wins over the editor\'s environment; without one the inherited proxy is the server\'s', () => {
    const own = server('a', { args: ['-m', 'docs', 'https://docs.example:8443/'], env: { HTTPS_PROXY: 'http://mitm:8080' } });
    assert.deepEqual(targetOf(own), { host: 'docs.example', port: 8443, proxyEnv: { HTTPS_PROXY: 'http://mitm:8080' } });
    const inherited = server('b', { args: ['https://docs.example:8443/'] });
    assert.deepEqual(targetOf(inherited), { host: 'docs.example', port: 8443, proxyEnv: { HTTPS_PROXY: 'http://editor-proxy:3128' } });
  });

  it('an untrusted workspace\'s config names neither the host nor the proxy; a remote server is reached at its url', () => {
    const own = server('a', { args: ['https://docs.example:8443/'], env: { HTTPS_PROXY: 'http://attacker:1' } });
    assert.deepEqual(targetOf(own, false), { host: 'pypi.org', port: 443, proxyEnv: { HTTPS_PROXY: 'http://editor-proxy:3128' } });
    assert.deepEqual(targetOf(serverOf(workspace, entry({ name: 'r', url: 'https://r.example/mcp' }))), { host: 'r.example', port: 443 }, 'a remote server: its url, through the host\'s own proxy');
  });

  it('the probe environment replaces every proxy variable of the host\'s by the target\'s', () => {
    const env = probeEnvOf({ host: 'h', port: 443, proxyEnv: { HTTPS_PROXY: 'http://mitm:8080' } }, { PATH: '/bin', https_proxy: 'http://other:1', NO_PROXY: 'h' });
    assert.deepEqual(env, { PATH: '/bin', HTTPS_PROXY: 'http://mitm:8080' });
    assert.deepEqual(probeEnvOf({ host: 'h', port: 443 }, { PATH: '/bin', HTTPS_PROXY: 'x' }), { PATH: '/bin', HTTPS_PROXY: 'x' }, 'no proxyEnv: the host\'s environment as it is');
  });
});

describe('assess: one state per server', () => {
  const viaInterceptor = server('interceptor-docs', { args: ['https://localhost:9443/'], env: { HTTPS_PROXY: 'http://127.0.0.1:1001' } });
  const viaMitm = server('mitm-docs', { args: ['https://localhost:9443/'], env: { HTTPS_PROXY: 'http://127.0.0.1:1002' } });
  const direct = server('public', { args: ['https://pypi.org/'], env: { HTTPS_PROXY: null } });
  const unknown = server('unknown', { args: ['https://evil.example/'], env: { HTTPS_PROXY: null } });
  const down = server('down', { args: ['https://down.example/'], env: { HTTPS_PROXY: null } });

  async function setUp() {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'assess-'));
    const mitm = await createCa('mitmproxy');
    const caFile = path.join(dir, 'corp.pem');
    await fs.writeFile(caFile, mitm.pem);
    const mitmReport = report('localhost', 9443, 'intercepted', 'mitmproxy', 'http://127.0.0.1:1002');
    const sha = (mitmReport.root as { sha256: string }).sha256;
    const realSha = [...(await import('../../src/core/pem')).pemFingerprints(mitm.pem)][0] as string;
    mitmReport.root = { ...(mitmReport.root as NonNullable<ChainReport['root']>), sha256: realSha };
    for (const cert of mitmReport.path) if (cert.sha256 === sha) cert.sha256 = realSha;
    const alsoMitm = server('mitm-trusting', { args: ['https://localhost:9443/'], env: { HTTPS_PROXY: 'http://127.0.0.1:1002', SSL_CERT_FILE: caFile } }, user);
    const reports: Record<string, ChainReport> = {
      'localhost|http://127.0.0.1:1001': report('localhost', 9443, 'intercepted', 'Corporate Root', 'http://127.0.0.1:1001'),
      'localhost|http://127.0.0.1:1002': mitmReport,
      'pypi.org|': report('pypi.org', 443, 'trusted', null),
      'evil.example|': report('evil.example', 443, 'untrusted', 'Nobody Knows'),
    };
    return { dir, alsoMitm, reports, realSha };
  }

  async function run(servers: McpServer[], reports: Record<string, ChainReport>, analyze?: (target: ServerTarget) => Promise<ChainReport | TargetVerdict>) {
    const calls: ServerTarget[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const result = await assess(servers, {
      hostEnv,
      contextOf: () => ({ home: '/nonexistent-home', env: hostEnv }),
      analyze:
        analyze ??
        (async (target) => {
          calls.push(target);
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 20));
          inFlight -= 1;
          const found = reports[`${target.host}|${target.proxyEnv?.HTTPS_PROXY ?? ''}`];
          if (!found) throw new Error(`connect ECONNREFUSED ${target.host}`);
          return found;
        }),
    });
    return { result, calls, maxInFlight };
  }
  const of = (result: Assessment[], name: string): Assessment => result.find((entry) => entry.server.name === name) as Assessment;

  it('a state for each server; preselected exactly those that do not trust a root the OS store trusts (never a root no store knows, a public root or a failed probe)', async () => {
    const { alsoMitm, reports, realSha } = await setUp();
    const { result, calls, maxInFlight } = await run([viaInterceptor, viaMitm, alsoMitm, direct, unknown, down], reports);
    assert.deepEqual(result.filter(preselected).map((entry) => entry.server.name), ['interceptor-docs', 'mitm-docs']);
    assert.equal(calls.length, 5, 'one analysis per distinct (host, port, proxy): the two mitmproxy servers share one');
    assert.ok(maxInFlight > 1, 'the distinct targets are analysed concurrently');
    assert.deepEqual(
      result.map((entry) => [entry.server.name, entry.state, entry.reason, entry.fix]),
      [
        ['interceptor-docs', 'will-fail', 'root-not-trusted', 'env'],
        ['mitm-docs', 'will-fail', 'root-not-trusted', 'env'],
        ['mitm-trusting', 'ok', 'trusts-root', 'none'],
        ['public', 'ok', 'public-root', 'none'],
        ['unknown', 'will-fail', 'unknown-root', 'none'],
        ['down', 'unreachable', 'probe-failed', 'none'],
      ],
    );
    assert.equal(of(result, 'mitm-trusting').trustedVia, 'SSL_CERT_FILE', 'trust read from the CA file the server\'s env names');
    assert.equal(of(result, 'mitm-trusting').root?.sha256, realSha);
    assert.equal(of(result, 'unknown').found?.action, 'confirm');
    assert.match(of(result, 'down').probeError ?? '', /ECONNREFUSED/);
  });

  it('a root no store knows is fixable only with the user\'s word (trustUnknown)', async () => {
    const { reports } = await setUp();
    const result = await assess([unknown], { hostEnv, contextOf: () => ({ home: '/nonexistent-home', env: hostEnv }), trustUnknown: true, analyze: async () => reports['evil.example|'] as ChainReport });
    assert.deepEqual([result[0]?.state, result[0]?.reason, result[0]?.fix], ['will-fail', 'root-not-trusted', 'env']);
  });

  it('groups by the root they meet (one confirmation per CA) and by fix: config, root and target', async () => {
    const { alsoMitm, reports } = await setUp();
    const other = server('mitm-other-host', { args: ['https://docs.example/'], env: { HTTPS_PROXY: 'http://127.0.0.1:1002' } });
    const otherReport = { ...(reports['localhost|http://127.0.0.1:1002'] as ChainReport), host: 'docs.example', port: 443 };
    const { result } = await run([viaInterceptor, viaMitm, alsoMitm, direct, other], { ...reports, 'docs.example|http://127.0.0.1:1002': otherReport });
    const groups = groupByRoot(result);
    assert.deepEqual(
      groups.map((group) => [group.root.subject, group.assessments.map((entry) => entry.server.name), group.assessments[0]?.report?.proxy]),
      [
        ['CN=Corporate Root', ['interceptor-docs'], 'http://127.0.0.1:1001'],
        ['CN=mitmproxy', ['mitm-docs', 'mitm-other-host'], 'http://127.0.0.1:1002'],
      ],
    );
    const fixes = groupForFix(groups.flatMap((group) => group.assessments));
    assert.deepEqual(
      fixes.map((group) => group.map((entry) => `${entry.server.name}@${entry.target?.host}`)),
      [['interceptor-docs@localhost'], ['mitm-docs@localhost'], ['mitm-other-host@docs.example']],
      'one config, one root, two targets: two fixes, each server proved against its own host',
    );
  });

  it('a kept verdict (a cache) stands in for a report: same answer, no report', async () => {
    const { reports } = await setUp();
    const kept = verdictOf(reports['localhost|http://127.0.0.1:1001'] as ChainReport);
    assert.deepEqual(kept, { verdict: 'intercepted', root: { subject: 'CN=Corporate Root', sha256: 'sha-Corporate Root' }, action: 'fix' });
    assert.deepEqual(JSON.parse(JSON.stringify(kept)), kept, 'plain JSON: it can be kept in globalState');
    const { result } = await run([viaInterceptor], reports, async () => kept);
    assert.deepEqual(result.filter(preselected).map((entry) => entry.server.name), ['interceptor-docs']);
    assert.equal(result[0]?.report, undefined);
    assert.deepEqual(verdictOf(report('h', 443, 'expired', 'X')).action, 'refuse');
  });

  it('Claude Code\'s settings env is part of every server\'s environment: its proxy is the route, its CA variable the trust', async () => {
    const { reports, realSha } = await setUp();
    const home = await fs.mkdtemp(path.join(os.tmpdir(), 'assess-home-'));
    const mitm = reports['localhost|http://127.0.0.1:1002'] as ChainReport;
    const caFile = path.join(home, 'ca.pem');
    const ca = await createCa('mitmproxy');
    await fs.writeFile(caFile, ca.pem);
    mitm.root = { ...(mitm.root as NonNullable<ChainReport['root']>), sha256: [...(await import('../../src/core/pem')).pemFingerprints(ca.pem)][0] as string };
    for (const cert of mitm.path) if (cert.sha256 === realSha) cert.sha256 = mitm.root.sha256;
    await fs.mkdir(path.join(home, '.claude'));
    await fs.writeFile(path.join(home, '.claude', 'settings.json'), JSON.stringify({ env: { HTTPS_PROXY: 'http://127.0.0.1:1002', NODE_EXTRA_CA_CERTS: caFile } }));
    const claude: ConfigRef = { hostApp: 'claude-code', path: path.join(home, '.claude.json'), scope: 'user', resolvesVariables: false, serversPath: ['mcpServers'] };
    const node = serverOf(claude, entry({ name: 'n', command: 'npx', args: ['-y', 'x', 'https://localhost:9443/'] }));
    const result = await assess([node], { hostEnv: { PATH: '/usr/bin' }, contextOf: () => ({ home, env: {} }), analyze: async (target) => reports[`${target.host}|${target.proxyEnv?.HTTPS_PROXY ?? ''}`] as ChainReport });
    assert.deepEqual(result[0]?.target?.proxyEnv, { HTTPS_PROXY: 'http://127.0.0.1:1002' }, 'the route the settings env gives');
    assert.deepEqual([result[0]?.state, result[0]?.trustedVia], ['ok', 'NODE_EXTRA_CA_CERTS']);
  });

  it('a remote server of a config that may not be read is not called ok: its url is not probed', async () => {
    const remote = serverOf(workspace, entry({ name: 'r', url: 'https://r.example/mcp' }));
    let probed = 0;
    const result = await assess([remote], { hostEnv, contextOf: () => ({ home: '/nonexistent-home', env: hostEnv }), fromConfig: () => false, analyze: async () => { probed += 1; throw new Error('not expected'); } });
    assert.deepEqual([result[0]?.state, result[0]?.reason, probed], ['unknown', 'config-not-read', 0]);
  });
});
