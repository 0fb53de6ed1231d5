// analyzeHost end to end on loopback: the origin directly, through the in-process interceptor in
// its three shapes, and through a real mitmproxy.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { AnalyzeOptions, analyzeHost } from '../../src/core/chain/index';
import { startInterceptor } from '../fixtures/interceptor';
import { mitmproxyMissing, startMitmproxy } from '../fixtures/mitmproxy';
import { Origin, PublicPki, createPublicPki, startOrigin, writeTempPem } from '../fixtures/origin';
import { TestCert, createCa, createLeaf, createSelfSignedLeaf } from '../fixtures/pki';

const DAY = 86_400_000;
const sha256 = (c: TestCert): string => createHash('sha256').update(Buffer.from(c.cert.rawData)).digest('hex');
let pki: PublicPki;
let origin: Origin;
let corpRoot: TestCert;
let publicCa: string;
let systemCa: string;
const cleanups: Array<() => Promise<void>> = [];

before(async () => {
  pki = await createPublicPki();
  origin = await startOrigin(pki.leaf);
  cleanups.push(() => origin.close());
  corpRoot = await createCa('Corp Root');
  publicCa = await writeTempPem('public.pem', pki.root);
  systemCa = await writeTempPem('system.pem', corpRoot);
});
after(async () => {
  for (const close of cleanups.reverse()) await close();
});

const base = () => ({ host: '127.0.0.1', port: origin.port, publicCaFile: publicCa, systemCaFile: systemCa, env: {}, timeoutMs: 5000 });

describe('analyzeHost', () => {
  test('a direct connection to the origin is trusted (public root, not sent)', async () => {
    const report = await analyzeHost({ ...base(), proxy: null });
    assert.equal(report.verdict, 'trusted');
    assert.equal(report.proxy, null);
    assert.equal(report.presented.length, 1);
    assert.deepEqual(report.path.map((c) => c.source), ['presented', 'public']);
    assert.equal(report.root?.sha256, sha256(pki.root));
    assert.equal(report.root?.source, 'public');
    assert.deepEqual(report.trust, { public: true, system: false });
    assert.match(report.root!.subject, /CN=Test Public Root/);
    assert.match(report.presented[0]!.sha256, /^[0-9a-f]{64}$/);
    assert.equal(report.presented[0]!.keyType, 'ec');
    assert.equal(report.presented[0]!.keySize, 256);
    assert.match(report.presented[0]!.pem!, /^-----BEGIN CERTIFICATE-----/);
  });

  test('an interceptor that sends its root: intercepted, root presented and trusted by the OS store', async () => {
    const proxy = await startInterceptor({ issuer: corpRoot, sendChain: [corpRoot], upstreamCa: pki.root.pem });
    cleanups.push(() => proxy.close());
    const report = await analyzeHost({ ...base(), proxy: proxy.url });
    assert.equal(report.verdict, 'intercepted');
    assert.equal(report.proxy, proxy.url);
    assert.equal(report.presented.length, 2);
    assert.equal(report.presented[1]!.selfSigned, true);
    assert.deepEqual(report.path.map((c) => c.source), ['presented', 'presented']);
    assert.equal(report.root?.source, 'presented');
    assert.match(report.root!.subject, /CN=Corp Root/);
    assert.deepEqual(report.trust, { public: false, system: true });
    assert.deepEqual(proxy.connects, [`127.0.0.1:${origin.port}`]);
  });

  test('the proxy is read from HTTPS_PROXY when none is given', async () => {
    const proxy = await startInterceptor({ issuer: corpRoot, upstreamCa: pki.root.pem });
    cleanups.push(() => proxy.close());
    const report = await analyzeHost({ ...base(), env: { HTTPS_PROXY: proxy.url } });
    assert.equal(report.verdict, 'intercepted');
    assert.equal(report.proxy, proxy.url);
    assert.equal(report.presented.length, 1, 'leaf only');
    assert.deepEqual(report.path.map((c) => c.source), ['presented', 'system']);
    // NO_PROXY sends the same probe direct.
    const direct = await analyzeHost({ ...base(), env: { HTTPS_PROXY: proxy.url, NO_PROXY: 'example.com, 127.0.0.1' } });
    assert.equal(direct.verdict, 'trusted');
    assert.equal(direct.proxy, null);
    assert.equal(proxy.connects.length, 1);
  });

  test('the environment variable MCP_SSL_DOCTOR_SYSTEM_CA replaces the OS store', async () => {
    const proxy = await startInterceptor({ issuer: corpRoot, upstreamCa: pki.root.pem });
    cleanups.push(() => proxy.close());
    const options: AnalyzeOptions = { ...base(), proxy: proxy.url, env: { MCP_SSL_DOCTOR_SYSTEM_CA: systemCa } };
    delete options.systemCaFile;
    const report = await analyzeHost(options);
    assert.equal(report.verdict, 'intercepted');
  });

  test('a three-level corporate chain whose root is not sent: the root comes from the OS store', async () => {
    const root = await createCa('Corp Root 3L');
    const intermediate = await createCa('Corp Issuing CA', { issuer: root });
    const proxy = await startInterceptor({ issuer: intermediate, sendChain: [intermediate], upstreamCa: pki.root.pem });
    cleanups.push(() => proxy.close());
    const report = await analyzeHost({ ...base(), systemCaFile: await writeTempPem('s.pem', root), proxy: proxy.url });
    assert.equal(report.verdict, 'intercepted');
    assert.deepEqual(report.path.map((c) => c.source), ['presented', 'presented', 'system']);
    assert.match(report.path[1]!.subject, /Corp Issuing CA/);
    assert.equal(report.root?.source, 'system');
    assert.match(report.root!.subject, /Corp Root 3L/);
    assert.equal(report.warnings.length, 0);
  });

  test('the leaf only and the intermediate only in the OS store: the warning says the bundle needs it', async () => {
    const root = await createCa('Corp Root LO');
    const intermediate = await createCa('Corp Issuing LO', { issuer: root });
    const proxy = await startInterceptor({ issuer: intermediate, upstreamCa: pki.root.pem });
    cleanups.push(() => proxy.close());
    const report = await analyzeHost({ ...base(), systemCaFile: await writeTempPem('s.pem', root, intermediate), proxy: proxy.url });
    assert.equal(report.verdict, 'intercepted');
    assert.deepEqual(report.path.map((c) => c.source), ['presented', 'system', 'system']);
    assert.ok(report.warnings.some((w) => w.code === 'intermediates-not-sent'));
  });

  test('a root no store trusts is untrusted', async () => {
    const rogue = await createCa('Rogue Root');
    const proxy = await startInterceptor({ issuer: rogue, sendChain: [rogue], upstreamCa: pki.root.pem });
    cleanups.push(() => proxy.close());
    const report = await analyzeHost({ ...base(), proxy: proxy.url });
    assert.equal(report.verdict, 'untrusted');
    assert.match(report.root!.subject, /Rogue Root/);
    assert.deepEqual(report.trust, { public: false, system: false });
  });

  test('an issuer that is neither sent nor in any store: incomplete', async () => {
    const hidden = await createCa('Hidden Root');
    const proxy = await startInterceptor({ issuer: hidden, upstreamCa: pki.root.pem });
    cleanups.push(() => proxy.close());
    const report = await analyzeHost({ ...base(), proxy: proxy.url });
    assert.equal(report.verdict, 'incomplete');
    assert.equal(report.root, null);
    assert.equal(report.path.length, 1);
  });

  test('a self-signed leaf is untrusted, its own root', async () => {
    const leaf = await createSelfSignedLeaf(['localhost']);
    const server = await startOrigin(leaf);
    cleanups.push(() => server.close());
    const report = await analyzeHost({ ...base(), host: 'localhost', port: server.port });
    assert.equal(report.verdict, 'untrusted');
    assert.equal(report.path.length, 1);
    assert.equal(report.root?.sha256, report.presented[0]!.sha256);
  });

  test('an expired leaf', async () => {
    const leaf = await createLeaf(['localhost', '127.0.0.1'], pki.root, { notBefore: new Date(Date.now() - 10 * DAY), notAfter: new Date(Date.now() - DAY) });
    const server = await startOrigin(leaf);
    cleanups.push(() => server.close());
    const report = await analyzeHost({ ...base(), port: server.port });
    assert.equal(report.verdict, 'expired');
  });

  test('a certificate for another name: hostname-mismatch; --servername checks that name instead', async () => {
    const leaf = await createLeaf(['other.example.test'], pki.root);
    const server = await startOrigin(leaf);
    cleanups.push(() => server.close());
    const report = await analyzeHost({ ...base(), port: server.port });
    assert.equal(report.verdict, 'hostname-mismatch');
    const named = await analyzeHost({ ...base(), port: server.port, servername: 'other.example.test' });
    assert.equal(named.verdict, 'trusted');
  });

  test('a wildcard leaf matches one label only', async () => {
    const leaf = await createLeaf(['*.example.test'], pki.root);
    const server = await startOrigin(leaf);
    cleanups.push(() => server.close());
    assert.equal((await analyzeHost({ ...base(), port: server.port, servername: 'a.example.test' })).verdict, 'trusted');
    assert.equal((await analyzeHost({ ...base(), port: server.port, servername: 'a.b.example.test' })).verdict, 'hostname-mismatch');
  });

  test('through mitmproxy (leaf only): intercepted with the mitmproxy CA from the OS store', async (t) => {
    const missing = mitmproxyMissing();
    if (missing) {
      t.skip(missing);
      return;
    }
    const mitm = await startMitmproxy(pki.root.pem);
    cleanups.push(() => mitm.close());
    const mitmCa = await writeTempPem('mitm.pem');
    await writeFile(mitmCa, mitm.caPem);
    const report = await analyzeHost({ ...base(), host: 'localhost', systemCaFile: mitmCa, proxy: mitm.url, timeoutMs: 15_000 });
    assert.equal(report.verdict, 'intercepted');
    assert.equal(report.presented.length, 1);
    assert.deepEqual(report.path.map((c) => c.source), ['presented', 'system']);
    assert.match(report.root!.subject, /mitmproxy/);
    // Without the OS store knowing it, the same chain is incomplete.
    const unknown = await analyzeHost({ ...base(), host: 'localhost', proxy: mitm.url, timeoutMs: 15_000 });
    assert.equal(unknown.verdict, 'incomplete');
  });
});
