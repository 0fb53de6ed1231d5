// The UI-side companion's answers about the local OS store (src/companion/lookup.ts), with a store
// stand-in (MCP_SSL_DOCTOR_LOCAL_SYSTEM_CA): yes/no and the subject for one SHA-256, never a list; the
// remote side's variable is not the local store; the bundle for a dev container's mount holds the
// store's own root first.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LOCAL_SYSTEM_CA_ENV, localBundleName, storeHolds, writeLocalBundle } from '../../src/companion/lookup';
import { pemFingerprints } from '../../src/core/pem';
import { createCa } from '../fixtures/pki';

let dir: string;
let storeFile: string;
let otherFile: string;
let rootSha: string;
let otherSha: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-companion-'));
  const root = await createCa('Companion Test Root');
  const other = await createCa('Some Other Root');
  storeFile = join(dir, 'local-store.pem');
  otherFile = join(dir, 'remote-store.pem');
  writeFileSync(storeFile, root.pem);
  writeFileSync(otherFile, other.pem);
  rootSha = [...pemFingerprints(root.pem)][0] as string;
  otherSha = [...pemFingerprints(other.pem)][0] as string;
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('companion: the local store, one fingerprint at a time', () => {
  it('holds: yes with the subject for the root it holds (any case of hex), no for another or a malformed one', async () => {
    const env = { [LOCAL_SYSTEM_CA_ENV]: storeFile };
    const yes = await storeHolds(rootSha.toUpperCase(), env);
    assert.equal(yes.holds, true);
    assert.match(yes.subject ?? '', /CN=Companion Test Root/);
    assert.deepEqual(await storeHolds(otherSha, env), { holds: false });
    assert.deepEqual(await storeHolds('not-a-sha', env), { holds: false });
    assert.deepEqual(await storeHolds(42, env), { holds: false });
  });

  it('the remote side\'s store variable is not the local store', async () => {
    // No local stand-in: the real OS store decides, which lacks a root made a moment ago.
    const env = { MCP_SSL_DOCTOR_SYSTEM_CA: otherFile, PATH: process.env.PATH };
    assert.deepEqual(await storeHolds(otherSha, env), { holds: false });
  });

  it('writes the bundle for a dev container from its own store: that root first, then public roots; nothing for a root it lacks', async () => {
    const env = { [LOCAL_SYSTEM_CA_ENV]: storeFile };
    const home = join(dir, 'home');
    const written = await writeLocalBundle(rootSha, home, env);
    assert.ok(written);
    assert.equal(written.file, join(home, localBundleName(rootSha).relative));
    assert.equal(written.reference, `\${localEnv:HOME}\${localEnv:USERPROFILE}/.mcp-ssl-doctor/remote-ca/ca-${rootSha.slice(0, 16)}.pem`);
    const fingerprints = [...pemFingerprints(readFileSync(written.file, 'utf8'))];
    assert.equal(fingerprints[0], rootSha);
    assert.ok(fingerprints.length > 50, 'with the public roots');
    assert.equal(statSync(written.file).mode & 0o777, 0o644);
    assert.equal(await writeLocalBundle(otherSha, home, env), undefined);
  });
});
