// Path building where the first candidate is the wrong one: a cross-signed root sent by the
// server, and two CAs with the same subject in one store.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, test } from 'node:test';
import { analyzeHost } from '../../src/core/chain/index';
import { startOrigin, writeTempPem, type Origin } from '../fixtures/origin';
import { createCa, createLeaf, type TestCert } from '../fixtures/pki';

const sha256 = (c: TestCert): string => createHash('sha256').update(Buffer.from(c.cert.rawData)).digest('hex');
const origins: Origin[] = [];
after(async () => {
  for (const origin of origins) await origin.close();
});

test('a cross-signed root sent by the server: the path ends at the public root, not at the old one it was signed by', async () => {
  const oldRoot = await createCa('Old Root');
  const newRoot = await createCa('New Root');
  // New Root's subject and key, issued by Old Root: what servers send for older clients.
  const crossSigned = await createCa('New Root', { issuer: oldRoot, keys: newRoot.keys });
  const issuing = await createCa('Issuing CA', { issuer: newRoot });
  const leaf = await createLeaf(['localhost', '127.0.0.1'], issuing);
  const origin = await startOrigin(leaf, [issuing, crossSigned]);
  origins.push(origin);
  const report = await analyzeHost({
    host: '127.0.0.1',
    port: origin.port,
    publicCaFile: await writeTempPem('public.pem', newRoot),
    systemCaFile: await writeTempPem('system.pem', oldRoot),
    env: {},
    timeoutMs: 5000,
  });
  assert.equal(report.presented.length, 3);
  assert.equal(report.verdict, 'trusted');
  assert.equal(report.root?.sha256, sha256(newRoot));
  assert.equal(report.root?.source, 'public');
  assert.ok(!report.path.some((cert) => cert.sha256 === sha256(crossSigned)), 'the cross-signed copy is not on the chosen path');
});

test('two CAs with the same subject in the OS store: the one whose key signed the chain is chosen', async () => {
  const impostor = await createCa('Corp Root');
  const real = await createCa('Corp Root');
  const leaf = await createLeaf(['localhost', '127.0.0.1'], real);
  const origin = await startOrigin(leaf);
  origins.push(origin);
  const report = await analyzeHost({
    host: '127.0.0.1',
    port: origin.port,
    publicCaFile: await writeTempPem('public.pem', await createCa('Some Public Root')),
    // The impostor comes first in the file.
    systemCaFile: await writeTempPem('system.pem', impostor, real),
    env: {},
    timeoutMs: 5000,
  });
  assert.equal(report.verdict, 'intercepted');
  assert.equal(report.root?.sha256, sha256(real));
  assert.equal(report.root?.source, 'system');
});
