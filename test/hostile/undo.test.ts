// #12 item 4: undo does not trust its manifest.
import assert from 'node:assert/strict';
import { chownSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyFix } from '../../src/core/fix/apply';
import { parseConfig } from '../../src/core/config/config';
import type { UndoManifest } from '../../src/core/fix/journal';
import { planFix } from '../../src/core/fix/plan';
import { undoFix } from '../../src/core/fix/undo';
import { DoctorError } from '../../src/core/types';
import { cleanup } from '../fixtures/configs/harness';
import { FixEnv, fixEnv, NOBODY, PYTHON_CONFIG } from './fix-harness';

let env: FixEnv;
before(async () => {
  env = await fixEnv();
});
after(() => cleanup(env.dir));

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

async function fixed(): Promise<{ file: string; manifestFile: string; manifest: UndoManifest }> {
  const file = env.configFile(PYTHON_CONFIG);
  const result = await applyFix(await planFix(env.options(file)));
  const manifestFile = result.undoManifest ?? '';
  return { file, manifestFile, manifest: JSON.parse(readFileSync(manifestFile, 'utf8')) as UndoManifest };
}

const EVIL_RAW = '"NODE_TLS_REJECT_UNAUTHORIZED": "0"';

describe('hostile: undo manifests', () => {
  it('undo: a crafted step that would insert NODE_TLS_REJECT_UNAUTHORIZED=0 is refused (file unedited since the fix)', async () => {
    const { file, manifestFile, manifest } = await fixed();
    const last = manifest.fixes[0]!;
    // Last in the list: undo takes it back first, into the env object the fix created.
    last.steps.push({ op: 'remove-member', path: ['servers', 'docs', 'env'], index: 0, raw: EVIL_RAW });
    writeFileSync(manifestFile, JSON.stringify(manifest));
    await assert.rejects(undoFix({ configPath: file, home: env.home }), (e: DoctorError) => e instanceof DoctorError && /does not match/.test(e.message));
    assert.doesNotMatch(readFileSync(file, 'utf8'), /NODE_TLS_REJECT_UNAUTHORIZED/);
  });

  it('undo: a crafted step is not applied when the file changed since the fix; our own variables still go', async () => {
    const { file, manifestFile, manifest } = await fixed();
    manifest.fixes[0]!.steps.unshift({ op: 'remove-member', path: ['servers', 'docs', 'env'], index: 0, raw: EVIL_RAW });
    writeFileSync(manifestFile, JSON.stringify(manifest));
    // A later edit elsewhere: the hashes no longer prove anything.
    writeFileSync(file, readFileSync(file, 'utf8').replace('"mcp-server-fetch"', '"mcp-server-fetch", "--verbose"'));
    const result = await undoFix({ configPath: file, home: env.home });
    const text = readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /NODE_TLS_REJECT_UNAUTHORIZED/);
    assert.doesNotMatch(text, /SSL_CERT_FILE|REQUESTS_CA_BUNDLE/);
    assert.match(text, /--verbose/);
    assert.ok(result.kept.some((k) => /cannot be proven/.test(k.reason)));
  });

  it('undo: a corrupted step never leaves malformed JSON', async () => {
    const { file, manifestFile, manifest } = await fixed();
    manifest.fixes[0]!.steps.unshift({ op: 'remove-member', path: ['servers', 'docs'], index: 0, raw: '"broken": {' });
    writeFileSync(manifestFile, JSON.stringify(manifest));
    writeFileSync(file, readFileSync(file, 'utf8').replace('"uvx"', '"uvx" '));
    try {
      await undoFix({ configPath: file, home: env.home });
    } catch (error) {
      assert.ok(error instanceof DoctorError);
    }
    assert.doesNotThrow(() => parseConfig(file, readFileSync(file, 'utf8')));
  });

  it('undo: a manifest that is not valid JSON is refused with a DoctorError, not "nothing to undo"', async () => {
    const { file, manifestFile } = await fixed();
    writeFileSync(manifestFile, '{"version": 1, "fixes": [');
    const before = readFileSync(file, 'utf8');
    await assert.rejects(
      undoFix({ configPath: file, home: env.home }),
      (e: DoctorError) => e instanceof DoctorError && e.kind === 'refused' && /cannot be used/.test(e.message) && !/nothing to undo/.test(e.message),
    );
    assert.equal(readFileSync(file, 'utf8'), before);
  });

  it('undo: a manifest with a malformed record is refused with a DoctorError', async () => {
    const { file, manifestFile, manifest } = await fixed();
    (manifest.fixes[0] as unknown as Record<string, unknown>).steps = [{ op: 'add-member', path: 'servers' }];
    writeFileSync(manifestFile, JSON.stringify(manifest));
    await assert.rejects(undoFix({ configPath: file, home: env.home }), (e: DoctorError) => e instanceof DoctorError && e.kind === 'refused');
  });

  it('undo: a manifest planted in another --bundle-dir and owned by another user is ignored', { skip: !isRoot }, async () => {
    const { file, manifestFile } = await fixed();
    const other = path.join(env.dir, 'other-bundle-dir');
    mkdirSync(path.join(other, 'undo'), { recursive: true, mode: 0o700 });
    const planted = path.join(other, 'undo', path.basename(manifestFile));
    renameSync(manifestFile, planted);
    chownSync(planted, NOBODY, NOBODY);
    const before = readFileSync(file, 'utf8');
    await assert.rejects(undoFix({ configPath: file, home: env.home, bundleDir: other }), (e: DoctorError) => /nothing to undo/.test(e.message) && /owned by uid 65534/.test(e.message));
    assert.equal(readFileSync(file, 'utf8'), before);
  });

  it('undo: a fix recorded but never written (killed between manifest and config) is resolved without touching the file', async () => {
    const { file, manifestFile, manifest } = await fixed();
    await undoFix({ configPath: file, home: env.home });
    const before = readFileSync(file, 'utf8');
    writeFileSync(manifestFile, JSON.stringify(manifest), { mode: 0o600 });
    const result = await undoFix({ configPath: file, home: env.home });
    assert.deepEqual(result.removed, []);
    assert.equal(readFileSync(file, 'utf8'), before);
  });
});
