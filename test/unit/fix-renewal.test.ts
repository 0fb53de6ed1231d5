// The tool's own bundles kept current (core/fix/renewal.ts and the plan): what a renewal keeps and
// drops, how a bundle of ours is read back, when it is stale, and that a file is ours only when the
// journal names it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyFix } from '../../src/core/fix/apply';
import { buildBundle, PUBLIC_ROOTS_MARKER, readCertificates } from '../../src/core/fix/bundle';
import { FixOptions, planFix } from '../../src/core/fix/plan';
import { bundleStaleness, ownBundlesOf, readOwnBundle, removeUnusedBundles, renewedCas } from '../../src/core/fix/renewal';
import { undoFix } from '../../src/core/fix/undo';
import { staleOwnBundle } from '../../src/core/assess/ownBundle';
import { assess } from '../../src/core/assess/assess';
import { serverOf } from '../../src/core/config/inventory';
import type { ServerEntry } from '../../src/core/config/config';
import type { ChainReport } from '../../src/core/types';
import { createCa, type TestCert } from '../fixtures/pki';
import { cleanup, tempDir } from '../fixtures/configs/harness';

let dir: string;
let oldRoot: TestCert;
let renewed: TestCert;
let other: TestCert;
let expired: TestCert;
let publicA: TestCert;
let publicB: TestCert;

const certs = (cert: TestCert) => readCertificates(cert.pem, 'test');

before(async () => {
  dir = tempDir('mcp-renewal-');
  oldRoot = await createCa('Zscaler Root CA');
  renewed = await createCa('Zscaler Root CA');
  other = await createCa('Netskope Root CA');
  expired = await createCa('Old Vendor Root', { notBefore: new Date(Date.now() - 20 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
  publicA = await createCa('Public Root A');
  publicB = await createCa('Public Root B');
});
after(() => cleanup(dir));

let n = 0;
function home(): string {
  n += 1;
  const folder = path.join(dir, `home${n}`);
  mkdirSync(folder, { recursive: true });
  return folder;
}

function config(folder: string, servers: Record<string, unknown>): string {
  const file = path.join(folder, 'claude_desktop_config.json');
  writeFileSync(file, `${JSON.stringify({ mcpServers: servers }, null, 2)}\n`);
  return file;
}

function options(folder: string, configPath: string, extra: Partial<FixOptions> = {}): FixOptions {
  return { configPath, caPems: [oldRoot.pem], home: folder, publicPem: publicA.pem, ...extra };
}

describe('renewal: which CAs a renewed bundle holds', () => {
  it('the new root first; a superseded root of the same subject out; another vendor kept; an expired one dropped', () => {
    const { cas, superseded } = renewedCas(certs(renewed), [...certs(oldRoot), ...certs(other), ...certs(expired)]);
    assert.deepEqual(cas.map((cert) => cert.sha256), [certs(renewed)[0]?.sha256, certs(other)[0]?.sha256]);
    assert.deepEqual(superseded.map((cert) => cert.sha256), [certs(oldRoot)[0]?.sha256]);
  });

  it('a bundle of ours reads back into its CAs and the source of its public roots; one written before the marker by its name', () => {
    const bundle = buildBundle([...certs(oldRoot), ...certs(other)], 'combined', publicA.pem);
    assert.ok(bundle.pem.includes(`\n${PUBLIC_ROOTS_MARKER}given `));
    const read = readOwnBundle(bundle.pem, `/h/.mcp-ssl-doctor/${bundle.fileName}`);
    assert.deepEqual(read.cas.map((cert) => cert.subject), [certs(oldRoot)[0]?.subject, certs(other)[0]?.subject]);
    assert.match(read.publicSource ?? '', /^given [0-9a-f]{12}$/);
    assert.equal(read.fingerprints.size, 3);
    const older = bundle.pem.replace(/\n# public roots: [^\n]*\n/, '\n');
    const readOlder = readOwnBundle(older, `/h/.mcp-ssl-doctor/${bundle.fileName}`);
    assert.equal(readOlder.cas.length, 2, 'found by the digest its name carries');
    assert.equal(readOlder.publicSource, null);
    assert.deepEqual(readOwnBundle(older, '/h/.mcp-ssl-doctor/ca-bundle-000000000000.pem').cas, [], 'no CA set matches its name: none carried over');
  });

  it('stale: lacks the root a target presents; public roots missing, unless they come from a Node as new or newer', () => {
    const bundle = readOwnBundle(buildBundle(certs(oldRoot), 'combined', publicA.pem).pem, 'ca-bundle-x.pem');
    assert.equal(bundleStaleness(bundle, certs(renewed)[0]?.sha256 ?? '', publicA.pem), 'missing-root');
    assert.equal(bundleStaleness(bundle, certs(oldRoot)[0]?.sha256 ?? '', publicA.pem), null);
    assert.equal(bundleStaleness(bundle, certs(oldRoot)[0]?.sha256 ?? '', publicA.pem + publicB.pem), 'public-roots');
    const fromNode = (version: string) => ({ ...bundle, publicSource: `node v${version}` });
    const root = certs(oldRoot)[0]?.sha256 ?? '';
    assert.equal(bundleStaleness(fromNode('999.0.0'), root, undefined, '24.11.1'), null, 'a newer Node wrote it: an older one never rewrites it');
    assert.equal(bundleStaleness(fromNode('20.1.0'), root, undefined, '24.11.1'), 'public-roots');
    const caOnly = readOwnBundle(buildBundle(certs(oldRoot), 'ca-only').pem, 'ca-only-x.pem');
    assert.equal(bundleStaleness(caOnly, root, publicA.pem + publicB.pem), null, 'a CA-only bundle has no public roots to age');
  });
});

describe('renewal: the plan renews what the journal says is ours', () => {
  it('re-points a CA variable and a docker mount without --replace; undo gives back the previous bundle', async () => {
    const folder = home();
    const file = config(folder, {
      py: { command: 'python3', args: ['s.py'] },
      dock: { command: 'docker', args: ['run', '-i', '--rm', 'ghcr.io/example/fetch-mcp'] },
    });
    const first = await applyFix(await planFix(options(folder, file)));
    assert.deepEqual(first.changed.map((change) => change.server), ['py', 'dock']);
    const fixedBytes = readFileSync(file, 'utf8');

    const plan = await planFix(options(folder, file, { caPems: [renewed.pem] }));
    assert.deepEqual(plan.skipped, []);
    assert.deepEqual(plan.changed.map((change) => [change.server, change.renewed]), [['py', first.bundle], ['dock', first.bundle]]);
    assert.match(plan.warnings.find((warning) => warning.code === 'superseded-ca')?.message ?? '', /^CN=Zscaler Root CA, O=mcp-ssl-doctor tests \(sha256 [0-9a-f]{64}\) is left out/);
    const second = await applyFix(plan);
    const after = readFileSync(file, 'utf8');
    assert.equal(after.split(second.bundle).length - 1, 3, 'SSL_CERT_FILE, REQUESTS_CA_BUNDLE and the mount name the new bundle');
    assert.ok(!after.includes(first.bundle));
    assert.equal((after.match(/--mount/g) ?? []).length, 1, 'the mount replaced, not added');
    const pem = readFileSync(second.bundle, 'utf8');
    assert.ok(pem.includes(renewed.pem.trim()) && !pem.includes(oldRoot.pem.trim()));

    await undoFix({ configPath: file, home: folder });
    assert.equal(readFileSync(file, 'utf8'), fixedBytes, 'undo of the renewal: the previous bundle is named again');
    assert.ok(readFileSync(first.bundle, 'utf8').includes(oldRoot.pem.trim()), 'and it is still there, as it was');
  });

  it('new public roots: the same file renewed in place, no config edit', async () => {
    const folder = home();
    const file = config(folder, { node: { command: 'npx', args: ['-y', 'x-mcp'] } });
    const first = await applyFix(await planFix(options(folder, file)));
    const bytes = readFileSync(file, 'utf8');
    const plan = await planFix(options(folder, file, { publicPem: publicA.pem + publicB.pem }));
    assert.equal(plan.bundlePath, first.bundle, 'the same CA set: the same name');
    assert.deepEqual(plan.changed.map((change) => [change.server, change.renewed]), [['node', first.bundleInConfig]]);
    const done = await applyFix(plan);
    assert.equal(done.bundleWritten, true);
    assert.equal(readFileSync(file, 'utf8'), bytes);
    assert.ok(readFileSync(first.bundle, 'utf8').includes(publicB.pem.trim()));
    const again = await planFix(options(folder, file, { publicPem: publicA.pem + publicB.pem }));
    assert.deepEqual(again.changed, [], 'current now: nothing to change');
  });

  it('a file named like our bundles but not in the journal is the user\'s: left alone', async () => {
    const folder = home();
    const planted = path.join(folder, '.mcp-ssl-doctor', 'ca-bundle-0123456789ab.pem');
    mkdirSync(path.dirname(planted), { recursive: true });
    writeFileSync(planted, oldRoot.pem);
    const file = config(folder, { node: { command: 'npx', args: ['-y', 'x-mcp'], env: { NODE_EXTRA_CA_CERTS: planted } } });
    assert.equal((await ownBundlesOf(folder)).size, 0);
    const plan = await planFix(options(folder, file, { caPems: [renewed.pem] }));
    assert.deepEqual(plan.changed, []);
    assert.match(plan.skipped[0]?.reason ?? '', /already sets NODE_EXTRA_CA_CERTS=.*left alone \(pass --replace/);
    const server = { runtime: 'node' as const };
    const context = { home: folder, env: {} };
    assert.equal(await staleOwnBundle(server, { NODE_EXTRA_CA_CERTS: planted }, context, certs(renewed)[0]?.sha256 ?? '', await ownBundlesOf(folder)), null);
    assert.deepEqual(await staleOwnBundle(server, { NODE_EXTRA_CA_CERTS: planted }, context, certs(renewed)[0]?.sha256 ?? '', new Set([planted])), {
      file: planted,
      via: 'NODE_EXTRA_CA_CERTS',
      stale: 'missing-root',
    });
  });
});

describe('renewal: bundles nothing needs any more', () => {
  it('removed unless an undo record or a config names it, or it was written moments ago', async () => {
    const folder = home();
    const file = config(folder, { node: { command: 'npx', args: ['-y', 'x-mcp'] } });
    const first = await applyFix(await planFix(options(folder, file)));
    await applyFix(await planFix(options(folder, file, { caPems: [renewed.pem] })));
    const bundles = path.join(folder, '.mcp-ssl-doctor');
    const orphan = path.join(bundles, 'ca-bundle-aaaaaaaaaaaa.pem');
    const teammates = path.join(bundles, 'ca-bundle-bbbbbbbbbbbb.pem');
    const fresh = path.join(bundles, 'ca-bundle-cccccccccccc.pem');
    const usersOwn = path.join(bundles, 'corp.pem');
    for (const extra of [orphan, teammates, fresh, usersOwn]) writeFileSync(extra, oldRoot.pem);
    const old = new Date(Date.now() - 3_600_000);
    for (const extra of [orphan, teammates, usersOwn, first.bundle]) utimesSync(extra, old, old);
    const workspace = path.join(folder, 'repo-mcp.json');
    writeFileSync(workspace, JSON.stringify({ servers: { x: { command: 'npx', env: { NODE_EXTRA_CA_CERTS: '${userHome}/.mcp-ssl-doctor/ca-bundle-bbbbbbbbbbbb.pem' } } } }));
    const removed = await removeUnusedBundles(folder, { alsoNamedIn: [workspace] });
    assert.deepEqual(removed, [orphan]);
    assert.ok(existsSync(first.bundle), 'the renewed-from bundle stays: its undo record names it');
    assert.ok(existsSync(teammates) && existsSync(fresh) && existsSync(usersOwn));
  });
});

describe('renewal: the assessment', () => {
  function reportFor(root: TestCert, verdict: ChainReport['verdict']): ChainReport {
    const sha256 = certs(root)[0]?.sha256 ?? '';
    return {
      host: 'docs.example',
      port: 443,
      proxy: null,
      presented: [],
      path: [
        { subject: 'CN=docs.example', issuer: root.subject, sha256: 'leaf', notBefore: '', notAfter: '', selfSigned: false, ca: false, source: 'presented' },
        { subject: root.subject, issuer: root.subject, sha256, notBefore: '', notAfter: '', selfSigned: true, ca: true, source: 'system', pem: root.pem },
      ],
      root: { subject: root.subject, sha256, source: 'system' },
      verdict,
      trust: { public: false, system: verdict === 'intercepted' },
      warnings: [],
    };
  }

  it('a bundle of ours lacking the renewed root is bundle-stale; the OS-store switch with the root in the store is trust (a stale bundle in another variable does not count)', async () => {
    const folder = home();
    const file = config(folder, { node: { command: 'npx', args: ['-y', 'x-mcp', 'https://docs.example/'] } });
    const first = await applyFix(await planFix(options(folder, file)));
    const ref = { hostApp: 'claude-desktop' as const, path: file, scope: 'user' as const, resolvesVariables: false };
    const entry = (env: Record<string, string>): ServerEntry => ({ name: 'node', command: 'npx', args: ['-y', 'x-mcp', 'https://docs.example/'], env, node: { type: 'object', offset: 0, length: 0 } }) as unknown as ServerEntry;
    const run = (env: Record<string, string>, verdict: ChainReport['verdict']) =>
      assess([serverOf(ref, entry(env))], { hostEnv: { PATH: '/usr/bin' }, contextOf: () => ({ home: folder, env: {} }), publicPem: publicA.pem, analyze: async () => reportFor(renewed, verdict) });

    const stale = (await run({ NODE_EXTRA_CA_CERTS: first.bundle }, 'intercepted'))[0];
    assert.deepEqual([stale?.state, stale?.reason, stale?.fix, stale?.staleBundle], ['will-fail', 'bundle-stale', 'env', { file: first.bundle, via: 'NODE_EXTRA_CA_CERTS', stale: 'missing-root' }]);
    const viaStore = (await run({ NODE_EXTRA_CA_CERTS: first.bundle, NODE_USE_SYSTEM_CA: '1' }, 'intercepted'))[0];
    assert.deepEqual([viaStore?.state, viaStore?.reason, viaStore?.trustedVia], ['ok', 'trusts-root', 'NODE_USE_SYSTEM_CA']);
    const notInStore = (await run({ NODE_USE_SYSTEM_CA: '1' }, 'untrusted'))[0];
    assert.notEqual(notInStore?.state, 'ok', 'the switch trusts only what the OS store holds');
  });
});
