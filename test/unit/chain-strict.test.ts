// Python 3.13+ strict X.509 rules on the path's CAs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { analyzeHost, strictProblems } from '../../src/core/chain/index';
import { startInterceptor } from '../fixtures/interceptor';
import { Origin, PublicPki, createPublicPki, startOrigin, writeTempPem } from '../fixtures/origin';
import { createCa, createLeaf } from '../fixtures/pki';

let pki: PublicPki;
let origin: Origin;
const cleanups: Array<() => Promise<void>> = [];
before(async () => {
  pki = await createPublicPki();
  origin = await startOrigin(pki.leaf);
  cleanups.push(() => origin.close());
});
after(async () => {
  for (const close of cleanups.reverse()) await close();
});

describe('strictProblems', () => {
  test('a compliant root and leaf: nothing', async () => {
    const root = await createCa('Good Root');
    const leaf = await createLeaf(['localhost'], root);
    assert.deepEqual(strictProblems([leaf, root]), []);
  });

  test('a root whose Basic Constraints is not critical', async () => {
    const root = await createCa('Lax Root', { criticalBasicConstraints: false });
    const leaf = await createLeaf(['localhost'], root);
    const problems = strictProblems([leaf, root]);
    assert.deepEqual(problems.map((p) => p.code), ['python-strict-basic-constraints']);
    assert.match(problems[0]!.subject, /Lax Root/);
    assert.equal(problems[0]!.opensslMessage, 'Basic Constraints of CA cert not marked critical');
  });

  test('an intermediate without an Authority Key Identifier; a root without one is fine (it is the anchor)', async () => {
    const root = await createCa('Root No AKI', { authorityKeyIdentifier: false });
    const intermediate = await createCa('Intermediate No AKI', { issuer: root, authorityKeyIdentifier: false });
    const leaf = await createLeaf(['localhost'], intermediate);
    const problems = strictProblems([leaf, intermediate, root]);
    assert.deepEqual(problems.map((p) => [p.code, p.subject.includes('Intermediate')]), [['python-strict-missing-aki', true]]);
  });

  test('a single certificate is never checked (OpenSSL checks chains of two or more)', async () => {
    const root = await createCa('Lone', { criticalBasicConstraints: false });
    assert.deepEqual(strictProblems([root]), []);
  });
});

describe('strict warnings in the report', () => {
  test('an intercepting CA without critical Basic Constraints: intercepted, with a warning that says what works', async () => {
    const lax = await createCa('Corp Lax Root', { criticalBasicConstraints: false });
    const proxy = await startInterceptor({ issuer: lax, sendChain: [lax], upstreamCa: pki.root.pem });
    cleanups.push(() => proxy.close());
    const report = await analyzeHost({
      host: '127.0.0.1',
      port: origin.port,
      proxy: proxy.url,
      env: {},
      publicCaFile: await writeTempPem('p.pem', pki.root),
      systemCaFile: await writeTempPem('s.pem', lax),
    });
    assert.equal(report.verdict, 'intercepted');
    const warning = report.warnings.find((w) => w.code === 'python-strict-basic-constraints');
    assert.ok(warning, JSON.stringify(report.warnings));
    assert.match(warning.message, /Python 3\.13/);
    assert.match(warning.message, /uvx --python 3\.12/);
    assert.match(warning.message, /Corp Lax Root/);
    // The fix gets the same answer from the report's PEMs.
    assert.deepEqual(strictProblems(report.path).map((p) => p.code), ['python-strict-basic-constraints']);
  });
});
