// Python 3.13+ strict X.509: which certificate fails (CA, intermediate, proxy-issued leaf), and the one
// rule for --ca and --host: skip a Python server known to run 3.13+, fix any other with a warning.
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { webcrypto, X509Certificate } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as x509 from '@peculiar/x509';
import { FixOptions, FixPlan, planFix } from '../../src/core/fix/plan';
import { strictCaProblems, strictPathProblems } from '../../src/core/fix/strict';
import type { PathCert } from '../../src/core/types';
import { cleanup, tempDir, testCas } from '../fixtures/configs/harness';
import { createCa, createLeaf, TestCert } from '../fixtures/pki';

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A leaf as mitmproxy 8 mints it: no Authority Key Identifier (Python 3.13+ rejects it). */
async function leafWithoutAki(host: string, issuer: TestCert): Promise<string> {
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '0badaa',
    subject: `CN=${host}`,
    issuer: issuer.subject,
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 30 * 86_400_000),
    signingAlgorithm: alg,
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: host }]),
    ],
  });
  return `${cert.toString('pem')}\n`;
}

/** A built path as the chain area reports it (leaf first). */
function pathOf(...pems: string[]): PathCert[] {
  return pems.map((pem) => {
    const cert = new X509Certificate(pem);
    return {
      subject: cert.subject.split('\n').join(', '),
      issuer: cert.issuer.split('\n').join(', '),
      sha256: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
      notBefore: cert.validFrom,
      notAfter: cert.validTo,
      selfSigned: cert.subject === cert.issuer,
      ca: cert.ca,
      pem,
      source: 'presented' as const,
    };
  });
}

let dir: string;
let home: string;
let corporate: TestCert;
let lax: TestCert;
let publicPem: string;
let laxIntermediate: TestCert;
let leafNoAki: string;

before(async () => {
  dir = tempDir('mcp-fix-strict-');
  home = path.join(dir, 'home');
  mkdirSync(home);
  const cas = await testCas();
  corporate = cas.corporate;
  lax = cas.strictBad;
  publicPem = cas.publicRoot.pem;
  laxIntermediate = await createCa('Lax Issuing CA', { issuer: corporate, criticalBasicConstraints: false });
  leafNoAki = await leafWithoutAki('localhost', corporate);
});
after(() => cleanup(dir));

const CONFIG = `{
  "mcpServers": {
    "plain": { "command": "uvx", "args": ["mcpdoc"] },
    "debian": { "command": "/usr/bin/python3", "args": ["server.py"] },
    "new": { "command": "python3.13", "args": ["server.py"] },
    "uv13": { "command": "uv", "args": ["run", "--python", "3.13", "server.py"] },
    "pinned": { "command": "uvx", "args": ["--python", "3.12", "mcpdoc"] },
    "node": { "command": "npx", "args": ["-y", "x"] },
    "binary": { "command": "./go-server" }
  }
}
`;

let n = 0;
function plan(extra: Partial<FixOptions>): Promise<FixPlan> {
  n += 1;
  const file = path.join(dir, `c${n}.json`);
  writeFileSync(file, CONFIG);
  return planFix({ configPath: file, caPems: [corporate.pem], home, publicPem, ...extra });
}

const warningOf = (p: FixPlan, server: string): string =>
  p.warnings.filter((w) => w.code === 'strict-ca' && w.server === server).map((w) => w.message).join('\n');
const reasonOf = (p: FixPlan, server: string): string => p.skipped.find((s) => s.server === server)?.reason ?? '';

describe('fix: strict X.509 problems per certificate', () => {
  it('a CA given alone is checked as the trust anchor: root or intermediate', () => {
    assert.deepEqual(strictCaProblems([{ pem: corporate.pem }]), []);
    assert.deepEqual(
      strictCaProblems([{ pem: lax.pem }]).map((p) => [p.certificate, p.subject, p.problem]),
      [['root', lax.subject, 'Basic Constraints of CA cert not marked critical']],
    );
    assert.deepEqual(
      strictCaProblems([{ pem: laxIntermediate.pem }]).map((p) => [p.certificate, p.problem]),
      [['intermediate', 'Basic Constraints of CA cert not marked critical']],
    );
  });

  it('a path: the proxy-issued leaf, an intermediate, the root, each named with its role', async () => {
    assert.deepEqual(
      strictPathProblems(pathOf(leafNoAki, corporate.pem)).map((p) => [p.certificate, p.subject, p.problem, p.issuer]),
      [['leaf', 'CN=localhost', 'Missing Authority Key Identifier', corporate.subject]],
    );
    const leaf = await createLeaf(['localhost'], laxIntermediate);
    assert.deepEqual(
      strictPathProblems(pathOf(leaf.pem, laxIntermediate.pem, corporate.pem)).map((p) => [p.certificate, p.subject]),
      [['intermediate', laxIntermediate.subject]],
    );
  });

  it('--ca and --host see the same problems of the same CA', async () => {
    const leaf = await createLeaf(['localhost'], lax);
    const fromPath = strictPathProblems(pathOf(leaf.pem, lax.pem)).map(({ issuer: _issuer, ...rest }) => rest);
    assert.deepEqual(fromPath, strictCaProblems([{ pem: lax.pem }]));
  });
});

describe('fix: Python servers and strict X.509', () => {
  it('a CA problem: only servers known to run 3.13+ are skipped; others fixed with a warning that blames the CA', async () => {
    const p = await plan({ caPems: [lax.pem] });
    assert.deepEqual(p.changed.map((c) => c.server), ['plain', 'debian', 'pinned', 'node', 'binary']);
    assert.deepEqual(p.skipped.map((s) => s.server), ['new', 'uv13']);
    assert.match(
      reasonOf(p, 'new'),
      /^python3\.13 is Python 3\.13\+: its strict X\.509 check rejects the CA \(CN=Lax Corporate Root, O=mcp-ssl-doctor tests\): Basic Constraints of CA cert not marked critical\. It fails even when trusted, and no variable turns the check off.*What works: IT reissues the CA.*`python3\.12 \.\.\.`/,
    );
    assert.match(reasonOf(p, 'uv13'), /^--python 3\.13 is Python 3\.13\+.*`uv run --python 3\.12 \.\.\.`/);
    for (const server of ['plain', 'debian']) {
      const warning = warningOf(p, server);
      assert.match(warning, /^fixed for Python 3\.12 and older\. If this server runs Python 3\.13\+, its strict X\.509 check still rejects the CA \(CN=Lax Corporate Root/);
      assert.match(warning, /What works: IT reissues the CA.*pin the server to Python 3\.12/);
      assert.doesNotMatch(warning, /proxy/);
    }
    assert.match(warningOf(p, 'plain'), /`uvx --python 3\.12 \.\.\.`/);
    assert.match(warningOf(p, 'pinned'), /^--python 3\.12 is Python 3\.12 or older: the fix works\. Python 3\.13\+ would not: its strict X\.509 check rejects the CA .*Keep this server on Python 3\.12; for 3\.13\+, IT reissues the CA/);
    assert.equal(warningOf(p, 'node'), '');
    assert.match(warningOf(p, 'binary'), /^if this server runs Python 3\.13\+, its strict X\.509 check still rejects the CA/);
  });

  it('a leaf problem (mitmproxy 8): the proxy is named as what must change, not the CA', async () => {
    const strictProblems = strictPathProblems(pathOf(leafNoAki, corporate.pem));
    const p = await plan({ strictProblems });
    assert.deepEqual(p.changed.map((c) => c.server), ['plain', 'debian', 'pinned', 'node', 'binary']);
    assert.deepEqual(p.skipped.map((s) => s.server), ['new', 'uv13']);
    const warning = warningOf(p, 'debian');
    assert.match(
      warning,
      /strict X\.509 check still rejects the proxy-issued leaf \(CN=localhost, issued by CN=Corporate Inspection Root, O=mcp-ssl-doctor tests\): Missing Authority Key Identifier/,
    );
    assert.match(warning, /What works: the TLS-inspecting proxy \(its CA: CN=Corporate Inspection Root, O=mcp-ssl-doctor tests\) must issue standards-conformant leaf certificates; .*newer version or a fix from its vendor/);
    assert.match(warning, /pin the server to Python 3\.12/);
    for (const text of [warning, reasonOf(p, 'new')]) {
      assert.doesNotMatch(text, /IT reissues the CA|this CA|rejects the CA/);
    }
    assert.match(reasonOf(p, 'new'), /check rejects the proxy-issued leaf/);
  });

  it('problems in both the CA and the leaf: both named, both remedies', async () => {
    const leaf = await leafWithoutAki('localhost', lax);
    const p = await plan({ caPems: [lax.pem], strictProblems: strictPathProblems(pathOf(leaf, lax.pem)) });
    const warning = warningOf(p, 'plain');
    assert.match(warning, /the proxy-issued leaf \(CN=localhost.*\): Missing Authority Key Identifier; the CA \(CN=Lax Corporate Root/);
    assert.match(warning, /IT reissues the CA.*; and the TLS-inspecting proxy/);
  });

  it('--ca and --host give the same plan for the same CA', async () => {
    const leaf = await createLeaf(['localhost'], lax);
    const fromCa = await plan({ caPems: [lax.pem] });
    const fromHost = await plan({ caPems: [lax.pem], strictProblems: strictPathProblems(pathOf(leaf.pem, lax.pem)) });
    assert.deepEqual(fromHost.changed, fromCa.changed);
    assert.deepEqual(fromHost.skipped, fromCa.skipped);
    assert.deepEqual(fromHost.warnings, fromCa.warnings);
  });

  it('no strict problem: every Python server fixed, no strict warning', async () => {
    const p = await plan({});
    assert.equal(p.skipped.length, 0);
    assert.equal(p.warnings.filter((w) => w.code === 'strict-ca').length, 0);
  });
});
