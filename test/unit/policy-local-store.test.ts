// A remote window (dev container, Remote-SSH, WSL): no store on the remote side holds the root, the
// local (UI-side) machine's OS store holds this exact fingerprint. One rule (assess/policy.ts): the
// fix proceeds as for an OS-trusted root, with its own reason code; any other fingerprint changes nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { casForFix, decideFix, refusalText } from '../../src/core/assess/policy';
import type { ChainReport } from '../../src/core/types';
import { DoctorError } from '../../src/core/types';

const ROOT = 'b'.repeat(64);
const report = (verdict: ChainReport['verdict']): ChainReport => ({
  host: 'h',
  port: 443,
  proxy: null,
  presented: [],
  path: [
    { subject: 'CN=h', issuer: 'CN=Root', sha256: 'a'.repeat(64), notBefore: '', notAfter: '', selfSigned: false, ca: false, source: 'presented' },
    { subject: 'CN=Root', issuer: 'CN=Root', sha256: ROOT, notBefore: '', notAfter: '', selfSigned: true, ca: true, source: 'presented', pem: 'PEM' },
  ],
  root: { subject: 'CN=Root', sha256: ROOT, source: 'presented' },
  verdict,
  trust: { public: false, system: false },
  warnings: [],
});

describe('verdict policy: a root the local machine\'s store trusts (remote windows)', () => {
  it('an untrusted root whose exact SHA-256 the local store holds is fixed like an OS-trusted one, with reason local-store', () => {
    assert.deepEqual(decideFix(report('untrusted'), { localStoreRoots: [ROOT] }), { action: 'fix', reason: 'local-store' });
    assert.deepEqual(casForFix(report('untrusted'), false, { localStoreRoots: [ROOT] }), ['PEM']);
    assert.match(refusalText('local-store', report('untrusted')), /local machine's OS store/);
  });

  it('another fingerprint, or none, leaves the unknown-root rule as it is; other verdicts are not changed by it', () => {
    assert.deepEqual(decideFix(report('untrusted'), { localStoreRoots: ['c'.repeat(64)] }), { action: 'confirm', reason: 'unknown-root' });
    assert.deepEqual(decideFix(report('untrusted'), {}), { action: 'confirm', reason: 'unknown-root' });
    assert.throws(() => casForFix(report('untrusted'), false, { localStoreRoots: [] }), (error: unknown) => error instanceof DoctorError && error.detail?.reason === 'unknown-root');
    assert.deepEqual(decideFix(report('expired'), { localStoreRoots: [ROOT] }), { action: 'refuse', reason: 'expired' });
    assert.deepEqual(decideFix(report('trusted'), { localStoreRoots: [ROOT] }), { action: 'refuse', reason: 'public-root' });
  });
});
