// #12 item 3: the bundle folder and the bundle's predictable name are not trusted blindly.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyFix } from '../../src/core/fix/apply';
import { buildBundle, readCertificates } from '../../src/core/fix/bundle';
import { manifestPath } from '../../src/core/fix/journal';
import { planFix } from '../../src/core/fix/plan';
import { DoctorError } from '../../src/core/types';
import { cleanup } from '../fixtures/configs/harness';
import { FixEnv, fixEnv, NOBODY, PYTHON_CONFIG } from './fix-harness';

let env: FixEnv;
before(async () => {
  env = await fixEnv();
});
after(() => cleanup(env.dir));

const posix = process.platform !== 'win32';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function freshBundleDir(name: string): string {
  return path.join(env.dir, name, '.mcp-ssl-doctor');
}

describe('hostile: the bundle folder', () => {
  it('bundle: a new bundle folder is created 0700', { skip: !posix }, async () => {
    const bundleDir = freshBundleDir('fresh');
    const file = env.configFile(PYTHON_CONFIG);
    await applyFix(await planFix(env.options(file, { bundleDir })));
    assert.equal((statSync(bundleDir).mode & 0o777).toString(8), '700');
  });

  it('bundle: a symlink planted at the bundle path is refused, never followed', async () => {
    const bundleDir = freshBundleDir('planted-link');
    mkdirSync(bundleDir, { recursive: true, mode: 0o700 });
    const victim = path.join(env.dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, path.join(bundleDir, env.bundleName));
    const file = env.configFile(PYTHON_CONFIG);
    const before = readFileSync(file, 'utf8');
    await assert.rejects(applyFix(await planFix(env.options(file, { bundleDir }))), (e: DoctorError) => e instanceof DoctorError && /symbolic link/.test(e.message));
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n', 'the link target is untouched');
    assert.ok(lstatSync(path.join(bundleDir, env.bundleName)).isSymbolicLink());
    assert.equal(readFileSync(file, 'utf8'), before, 'the config is untouched');
  });

  it('bundle: a file with the expected name owned by another user is refused, even with the right content', { skip: !isRoot }, async () => {
    const bundleDir = freshBundleDir('foreign-file');
    mkdirSync(bundleDir, { recursive: true, mode: 0o700 });
    const target = path.join(bundleDir, env.bundleName);
    writeFileSync(target, buildBundle(readCertificates(env.ca, 'ca'), 'combined', env.publicPem).pem, { mode: 0o644 });
    chownSync(target, NOBODY, NOBODY);
    const file = env.configFile(PYTHON_CONFIG);
    await assert.rejects(applyFix(await planFix(env.options(file, { bundleDir }))), (e: DoctorError) => e instanceof DoctorError && /another user/.test(e.message));
  });

  it('bundle: an existing file with the expected name but other content is replaced, not reused', async () => {
    const bundleDir = freshBundleDir('stale-content');
    mkdirSync(bundleDir, { recursive: true, mode: 0o700 });
    const target = path.join(bundleDir, env.bundleName);
    writeFileSync(target, '-----BEGIN CERTIFICATE-----\nMIIevil\n-----END CERTIFICATE-----\n', { mode: 0o644 });
    const file = env.configFile(PYTHON_CONFIG);
    const result = await applyFix(await planFix(env.options(file, { bundleDir })));
    assert.equal(result.bundleWritten, true);
    assert.equal(readFileSync(target, 'utf8'), buildBundle(readCertificates(env.ca, 'ca'), 'combined', env.publicPem).pem);
  });

  it('bundle: a bundle folder writable by others is refused', { skip: !posix }, async () => {
    const bundleDir = freshBundleDir('world-writable');
    mkdirSync(bundleDir, { recursive: true });
    chmodSync(bundleDir, 0o777);
    const file = env.configFile(PYTHON_CONFIG);
    const before = readFileSync(file, 'utf8');
    await assert.rejects(applyFix(await planFix(env.options(file, { bundleDir }))), (e: DoctorError) => e instanceof DoctorError && /writable by other users/.test(e.message));
    assert.equal(readFileSync(file, 'utf8'), before);
    assert.equal(existsSync(path.join(bundleDir, env.bundleName)), false);
  });

  it('bundle: a bundle folder owned by another user is refused', { skip: !isRoot }, async () => {
    const bundleDir = freshBundleDir('foreign-folder');
    mkdirSync(bundleDir, { recursive: true, mode: 0o700 });
    chownSync(bundleDir, NOBODY, NOBODY);
    const file = env.configFile(PYTHON_CONFIG);
    await assert.rejects(applyFix(await planFix(env.options(file, { bundleDir }))), (e: DoctorError) => e instanceof DoctorError && /another user/.test(e.message));
  });

  it('bundle: a symlink planted at the undo manifest path is refused, never followed', async () => {
    const file = env.configFile(PYTHON_CONFIG);
    const undo = path.join(env.home, '.mcp-ssl-doctor', 'undo');
    mkdirSync(undo, { recursive: true, mode: 0o700 });
    const victim = path.join(env.dir, 'victim-manifest.txt');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, manifestPath(undo, realpathSync(file)));
    const before = readFileSync(file, 'utf8');
    await assert.rejects(applyFix(await planFix(env.options(file))), (e: DoctorError) => e instanceof DoctorError && /symbolic link/.test(e.message));
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
    assert.equal(readFileSync(file, 'utf8'), before);
  });
});
