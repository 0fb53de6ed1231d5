// "Which servers need the fix for which root" (core/doctor/needs.ts), the one rule of the editor's
// preflight and its Fix picker, in plain Node: each server's target through its own proxy, distinct
// targets analysed once and concurrently, kept verdicts accepted in place of reports, the trust
// check per server, preselection only for a root the OS store trusts, grouping by root.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serverOf } from '../../src/core/doctor/inventory';
import { groupByRoot, probeEnvOf, serverTargetOf, serversNeedingFix, verdictOf, type TargetVerdict } from '../../src/core/doctor/needs';
import { effectiveEnvOf } from '../../src/core/doctor/serverEnv';
import type { ConfigRef, McpServer, ServerTarget } from '../../src/core/doctor/types';
import type { ServerEntry } from '../../src/core/fix/config';
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
const targetOf = (candidate: McpServer): ServerTarget | null => serverTargetOf(candidate, (s) => effectiveEnvOf(s, hostEnv));

describe('server targets through their own proxy', () => {
  it('the entry\'s HTTPS_PROXY wins over the editor\'s environment; without one the inherited proxy is the server\'s', () => {
    const own = server('a', { args: ['-m', 'docs', 'https://docs.example:8443/'], env: { HTTPS_PROXY: 'http://mitm:8080' } });
    assert.deepEqual(targetOf(own), { host: 'docs.example', port: 8443, proxyEnv: { HTTPS_PROXY: 'http://mitm:8080' } });
    const inherited = server('b', { args: ['https://docs.example:8443/'] });
    assert.deepEqual(targetOf(inherited), { host: 'docs.example', port: 8443, proxyEnv: { HTTPS_PROXY: 'http://editor-proxy:3128' } });
  });

  it('an untrusted workspace\'s config names neither the host nor the proxy; remote servers have no stdio target', () => {
    const own = server('a', { args: ['https://docs.example:8443/'], env: { HTTPS_PROXY: 'http://attacker:1' } });
    assert.deepEqual(serverTargetOf(own, (s) => effectiveEnvOf(s, hostEnv), { fromConfig: false }), { host: 'pypi.org', port: 443, proxyEnv: { HTTPS_PROXY: 'http://editor-proxy:3128' } });
    assert.equal(targetOf(serverOf(workspace, entry({ name: 'r', url: 'https://r.example/mcp' }))), null);
  });

  it('the probe environment replaces every proxy variable of the host\'s by the target\'s', () => {
    const env = probeEnvOf({ host: 'h', port: 443, proxyEnv: { HTTPS_PROXY: 'http://mitm:8080' } }, { PATH: '/bin', https_proxy: 'http://other:1', NO_PROXY: 'h' });
    assert.deepEqual(env, { PATH: '/bin', HTTPS_PROXY: 'http://mitm:8080' });
    assert.deepEqual(probeEnvOf({ host: 'h', port: 443 }, { PATH: '/bin', HTTPS_PROXY: 'x' }), { PATH: '/bin', HTTPS_PROXY: 'x' }, 'no proxyEnv: the host\'s environment as it is');
  });
});

describe('servers needing the fix', () => {
  const viaInterceptor = server('interceptor-docs', { args: ['https://localhost:9443/'], env: { HTTPS_PROXY: 'http://127.0.0.1:1001' } });
  const viaMitm = server('mitm-docs', { args: ['https://localhost:9443/'], env: { HTTPS_PROXY: 'http://127.0.0.1:1002' } });
  const alsoMitm = server('mitm-trusting', { args: ['https://localhost:9443/'], env: { HTTPS_PROXY: 'http://127.0.0.1:1002', SSL_CERT_FILE: '/corp.pem' } }, user);
  const direct = server('public', { args: ['https://pypi.org/'], env: { HTTPS_PROXY: null } });
  const unknown = server('unknown', { args: ['https://evil.example/'], env: { HTTPS_PROXY: null } });
  const down = server('down', { args: ['https://down.example/'], env: { HTTPS_PROXY: null } });

  const reports: Record<string, ChainReport> = {
    'localhost|http://127.0.0.1:1001': report('localhost', 9443, 'intercepted', 'Corporate Root', 'http://127.0.0.1:1001'),
    'localhost|http://127.0.0.1:1002': report('localhost', 9443, 'intercepted', 'mitmproxy', 'http://127.0.0.1:1002'),
    'pypi.org|': report('pypi.org', 443, 'trusted', null),
    'evil.example|': report('evil.example', 443, 'untrusted', 'Nobody Knows'),
  };

  async function run(servers: McpServer[], analyze?: (target: ServerTarget) => Promise<ChainReport | TargetVerdict>) {
    const calls: ServerTarget[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const result = await serversNeedingFix(servers, {
      targetOf,
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
      trusts: async (candidate, root) => candidate.env.SSL_CERT_FILE === '/corp.pem' && root.subject === 'CN=mitmproxy',
    });
    return { result, calls, maxInFlight };
  }

  it('preselects exactly the servers that do not trust a root the OS store trusts; never for a root no store knows, a public root or a failed probe', async () => {
    const { result, calls, maxInFlight } = await run([viaInterceptor, viaMitm, alsoMitm, direct, unknown, down]);
    assert.deepEqual(result.preselect.map((s) => s.name), ['interceptor-docs', 'mitm-docs']);
    assert.equal(calls.length, 5, 'one analysis per distinct (host, port, proxy): the two mitmproxy servers share one');
    assert.ok(maxInFlight > 1, 'the distinct targets are analysed concurrently');
    const byName = (name: string) => result.targets.find((group) => group.servers.some((s) => s.name === name));
    assert.deepEqual(byName('mitm-trusting')?.trusting.map((s) => s.name), ['mitm-trusting']);
    assert.deepEqual(byName('mitm-trusting')?.needing.map((s) => s.name), ['mitm-docs']);
    assert.deepEqual(byName('unknown')?.needing.map((s) => s.name), ['unknown'], 'a root no store knows still counts as needed (the user may confirm it), unselected');
    assert.equal(byName('unknown')?.found?.action, 'confirm');
    assert.deepEqual(byName('public')?.needing, []);
    assert.match(byName('down')?.error ?? '', /ECONNREFUSED/);
    assert.equal(byName('down')?.needing.length, 0);
  });

  it('groups the picked servers by the root they meet: one group per CA, each with its own report', async () => {
    const { result } = await run([viaInterceptor, viaMitm, alsoMitm, direct]);
    const groups = groupByRoot(result.targets, (s) => s !== alsoMitm);
    assert.deepEqual(
      groups.map((group) => [group.root.subject, group.targets.flatMap((t) => t.servers.map((s) => s.name)), group.targets[0]?.report?.proxy]),
      [
        ['CN=Corporate Root', ['interceptor-docs'], 'http://127.0.0.1:1001'],
        ['CN=mitmproxy', ['mitm-docs'], 'http://127.0.0.1:1002'],
      ],
    );
  });

  it('a kept verdict (a cache) stands in for a report: same answer, no report', async () => {
    const kept = verdictOf(reports['localhost|http://127.0.0.1:1001'] as ChainReport);
    assert.deepEqual(kept, { verdict: 'intercepted', root: { subject: 'CN=Corporate Root', sha256: 'sha-Corporate Root' }, action: 'fix' });
    assert.deepEqual(JSON.parse(JSON.stringify(kept)), kept, 'plain JSON: it can be kept in globalState');
    const { result } = await run([viaInterceptor], async () => kept);
    assert.deepEqual(result.preselect.map((s) => s.name), ['interceptor-docs']);
    assert.equal(result.targets[0]?.report, undefined);
    assert.deepEqual(verdictOf(report('h', 443, 'expired', 'X')).action, 'refuse');
  });
});
