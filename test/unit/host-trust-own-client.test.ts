// Remote servers of the hosts that connect with their own client (Codex, Gemini CLI, Copilot CLI, Zed):
// the trust each honours (core/hostTrust/hosts.ts, sources there), what the host-level plan does for
// them, their state, and doctor's report for a real remote server behind an interceptor.
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HOST_TRUST } from '../../src/core/hostTrust/hosts';
import { HostTrustOptions, planHostTrust } from '../../src/core/hostTrust/plan';
import { hostTrustState } from '../../src/core/hostTrust/remote';
import type { HostTrustStep } from '../../src/core/hostTrust/types';
import { inProcessAnalyzer } from '../../src/core/usecases/analyzer';
import { runDoctor } from '../../src/core/usecases/doctor';
import { describeHostTrustStep } from '../../src/core/usecases/hostLevel';
import { cleanup, runCli, tempDir } from '../fixtures/configs/harness';
import { startInterceptor, Interceptor } from '../fixtures/interceptor';
import { startOrigin, Origin } from '../fixtures/origin';
import { createCa, createLeaf, TestCert } from '../fixtures/pki';

let root: HostTrustOptions['root'];
before(async () => {
  const ca = await createCa('Own Client Inspection Root');
  root = { pem: ca.pem, subject: ca.subject, sha256: createHash('sha256').update(new X509Certificate(ca.pem).raw).digest('hex') };
});

const BUNDLE = '/home/ann/.mcp-ssl-doctor/ca-bundle-0123456789ab.pem';

function plan(extra: Partial<HostTrustOptions>): ReturnType<typeof planHostTrust> {
  return planHostTrust({ hostApp: 'codex', platform: 'linux', home: '/home/ann', root, rootInOsStore: true, bundlePath: BUNDLE, ...extra });
}

/** The steps without the OS store step's generated details (its command is osStoreStep's, tested elsewhere). */
function kinds(steps: HostTrustStep[]): unknown[] {
  return steps.map((step) => (step.kind === 'os-store' ? { kind: 'os-store', runsHere: step.runsHere } : step));
}

describe('host trust of the hosts with their own client', () => {
  it('every such host has a row with its source; the ones not confirmed stay unknown', () => {
    for (const host of ['codex', 'gemini-cli', 'copilot-cli', 'zed'] as const) {
      const row = HOST_TRUST[host];
      assert.equal(row?.hostClass, 'own-client', host);
      assert.ok((row?.ownClient?.source.length ?? 0) > 10, `${host} cites its source`);
      assert.equal(row?.measured, false, `${host}: read from source, not measured here`);
    }
    for (const host of ['opencode', 'goose', 'amazon-q', 'lm-studio', 'junie'] as const) assert.equal(HOST_TRUST[host], undefined, host);
  });

  it('Codex: the root in the OS store → nothing to change but a restart', () => {
    const p = plan({ hostApp: 'codex' });
    assert.deepEqual(p.steps, [{ kind: 'explain', code: 'host-reads-os-store' }]);
    assert.deepEqual(p.reasons, ['not-measured-in-this-host', 'own-client-host', 'root-in-os-store']);
    assert.equal(p.hostClass, 'own-client');
  });

  it('Codex on Linux, root not in the store: the administrator\'s store command, or CODEX_CA_CERTIFICATE in its environment', () => {
    const p = plan({ hostApp: 'codex', rootInOsStore: false });
    assert.deepEqual(kinds(p.steps), [
      { kind: 'os-store', runsHere: false },
      { kind: 'host-process-env', variable: 'CODEX_CA_CERTIFICATE', value: BUNDLE, note: 'adds-bundle', alternative: true },
      { kind: 'explain', code: 'host-env-not-written' },
    ]);
    assert.ok(p.reasons.includes('no-per-user-store'));
    assert.equal(describeHostTrustStep(p.steps[1]), `or start the host with CODEX_CA_CERTIFICATE=${BUNDLE} in its environment (it adds this bundle to the roots it trusts)`);
  });

  it('Copilot CLI on macOS and Windows: the per-user store step runs here; NODE_EXTRA_CA_CERTS the alternative, with a Windows path', () => {
    const mac = plan({ hostApp: 'copilot-cli', platform: 'darwin', home: '/Users/ann', bundlePath: '/Users/ann/.mcp-ssl-doctor/b.pem', rootInOsStore: false });
    assert.deepEqual(kinds(mac.steps), [
      { kind: 'os-store', runsHere: true },
      { kind: 'host-process-env', variable: 'NODE_EXTRA_CA_CERTS', value: '/Users/ann/.mcp-ssl-doctor/b.pem', note: 'adds-bundle', alternative: true },
      { kind: 'explain', code: 'host-env-not-written' },
    ]);
    const win = plan({ hostApp: 'copilot-cli', platform: 'win32', home: 'C:\\Users\\ann', bundlePath: 'C:\\Users\\ann\\.mcp-ssl-doctor\\b.pem', rootInOsStore: false });
    const env = win.steps.find((step) => step.kind === 'host-process-env');
    assert.equal(env?.kind === 'host-process-env' ? env.value : '', 'C:\\Users\\ann\\.mcp-ssl-doctor\\b.pem');
  });

  it("Gemini CLI (Node's roots only): NODE_USE_SYSTEM_CA=1 when the store holds the root, NODE_EXTRA_CA_CERTS either way", () => {
    assert.deepEqual(plan({ hostApp: 'gemini-cli' }).steps, [
      { kind: 'host-process-env', variable: 'NODE_USE_SYSTEM_CA', value: '1', note: 'reads-os-store', alternative: false },
      { kind: 'host-process-env', variable: 'NODE_EXTRA_CA_CERTS', value: BUNDLE, note: 'adds-bundle', alternative: true },
      { kind: 'explain', code: 'host-env-not-written' },
    ]);
    assert.deepEqual(plan({ hostApp: 'gemini-cli', rootInOsStore: false }).steps, [
      { kind: 'host-process-env', variable: 'NODE_EXTRA_CA_CERTS', value: BUNDLE, note: 'adds-bundle', alternative: false },
      { kind: 'explain', code: 'host-env-not-written' },
    ]);
    const texts = plan({ hostApp: 'gemini-cli' }).steps.map(describeHostTrustStep);
    assert.match(texts[0], /^start the host with NODE_USE_SYSTEM_CA=1 in its environment/);
    assert.match(texts[2], /edits no shell profile/);
  });

  it('Zed (the platform verifier, no variable): the store or nothing', () => {
    assert.deepEqual(plan({ hostApp: 'zed' }).steps, [{ kind: 'explain', code: 'host-reads-os-store' }]);
    assert.deepEqual(kinds(plan({ hostApp: 'zed', rootInOsStore: false }).steps), [{ kind: 'os-store', runsHere: false }]);
  });

  it('state: the OS store where the client reads it, else the variable in the environment the host runs with', async () => {
    const has = (file: string): Promise<boolean> => Promise.resolve(file === BUNDLE);
    const input = { editorSettings: {}, bundleHasRoot: has };
    assert.deepEqual(await hostTrustState('codex', { ...input, rootInOsStore: true }), { state: 'trusted', reason: 'host-reads-os-store', insecure: [] });
    assert.deepEqual(await hostTrustState('codex', { ...input, rootInOsStore: false }), { state: 'needs-os-store', reason: 'root-not-in-os-store', insecure: [] });
    assert.deepEqual(await hostTrustState('codex', { ...input, rootInOsStore: false, hostEnv: { CODEX_CA_CERTIFICATE: BUNDLE } }), { state: 'trusted', reason: 'host-env-has-root', insecure: [] });
    assert.deepEqual(await hostTrustState('gemini-cli', { ...input, rootInOsStore: true }), { state: 'needs-setting', reason: 'host-env-missing', insecure: [] });
    assert.deepEqual(await hostTrustState('gemini-cli', { ...input, rootInOsStore: true, hostEnv: { NODE_USE_SYSTEM_CA: '1' } }), { state: 'trusted', reason: 'host-env-reads-os-store', insecure: [] });
    const insecure = await hostTrustState('gemini-cli', { ...input, rootInOsStore: false, hostEnv: { NODE_TLS_REJECT_UNAUTHORIZED: '0' } });
    assert.equal(insecure.state, 'needs-setting');
    assert.deepEqual(insecure.insecure, ['NODE_TLS_REJECT_UNAUTHORIZED=0']);
  });
});

describe('doctor: a remote server of Codex and of Gemini CLI behind an interceptor', () => {
  let dir: string;
  let corporate: TestCert;
  let origin: Origin;
  let proxy: Interceptor;
  let publicFile: string;
  let systemFile: string;

  before(async () => {
    dir = tempDir('mcp-own-client-');
    const publicRoot = await createCa('Own Client Public Root');
    corporate = await createCa('Own Client Corporate Root');
    origin = await startOrigin(await createLeaf(['localhost', '127.0.0.1'], publicRoot));
    proxy = await startInterceptor({ issuer: corporate, sendChain: [corporate], upstreamCa: publicRoot.pem });
    publicFile = path.join(dir, 'public.pem');
    systemFile = path.join(dir, 'system.pem');
    writeFileSync(publicFile, publicRoot.pem);
    writeFileSync(systemFile, corporate.pem + publicRoot.pem);
  });
  after(async () => {
    await proxy.close();
    await origin.close();
    await cleanup(dir);
  });

  it('a host-level fix that says where each host reads its trust, and no file written', async () => {
    const home = path.join(dir, 'home');
    const url = `https://localhost:${origin.port}/mcp`;
    mkdirSync(path.join(home, '.codex'), { recursive: true });
    const toml = `# mine\n[mcp_servers.docs]\nurl = "${url}"\n`;
    writeFileSync(path.join(home, '.codex', 'config.toml'), toml);
    mkdirSync(path.join(home, '.gemini'), { recursive: true });
    const gemini = `{\n  // mine\n  "mcpServers": { "wiki": { "httpUrl": "${url}" } }\n}\n`;
    writeFileSync(path.join(home, '.gemini', 'settings.json'), gemini);
    const run = await runDoctor({
      scopes: [{ home, workspaceFolders: [], platform: 'linux' as const, env: {} }],
      hostEnv: {},
      analyzer: inProcessAnalyzer({ proxy: proxy.url, systemCaFile: systemFile, publicCaFile: publicFile, timeoutMs: 5000, env: {} }),
      publicPem: readFileSync(publicFile, 'utf8'),
      readLogs: false,
      noRuntimeCheck: true,
    });
    const rows = run.result.servers.map((server) => [server.hostApp, server.server, server.state, server.fix.kind]).sort();
    assert.deepEqual(rows, [
      ['codex', 'docs', 'remote-host-trust', 'host-level'],
      ['gemini-cli', 'wiki', 'remote-host-trust', 'host-level'],
    ]);
    const detail = (host: string): string => run.result.servers.find((server) => server.hostApp === host)?.fix.detail ?? '';
    // The corporate root is in this machine's store (systemCaFile): Codex reads it there.
    assert.equal(detail('codex'), 'this host trusts the OS store, which already holds the root: restart it');
    assert.match(detail('gemini-cli'), /NODE_USE_SYSTEM_CA=1/);
    assert.match(detail('gemini-cli'), /or start the host with NODE_EXTRA_CA_CERTS=\S+ca-bundle-\S+\.pem in its environment/);
    await run.applyFixes();
    assert.equal(readFileSync(path.join(home, '.codex', 'config.toml'), 'utf8'), toml, "Codex's config is no place for its own client's trust");
    assert.equal(readFileSync(path.join(home, '.gemini', 'settings.json'), 'utf8'), gemini);
  });

  it('fix --host-level gemini-cli: verified through the proxy, the variables shown for the environment, nothing written', async () => {
    const home = path.join(dir, 'cli-home');
    mkdirSync(home, { recursive: true });
    const result = await runCli(
      ['fix', '--host-level', 'gemini-cli', '--host', `localhost:${origin.port}`, '--proxy', proxy.url, '--public-ca', publicFile, '--system-ca', systemFile, '--timeout', '5000', '--json'],
      { env: { HOME: home }, cwd: dir },
    );
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as { hostClass: string; verified: { ok?: boolean } | null; steps: { kind: string; variable?: string; outcome: string }[]; files: unknown[] };
    assert.equal(json.hostClass, 'own-client');
    assert.deepEqual(json.steps.map((step) => [step.kind, step.variable ?? null, step.outcome]), [
      ['host-process-env', 'NODE_USE_SYSTEM_CA', 'shown'],
      ['host-process-env', 'NODE_EXTRA_CA_CERTS', 'shown'],
      ['explain', null, 'shown'],
    ]);
    assert.deepEqual(json.files, []);
  });
});
