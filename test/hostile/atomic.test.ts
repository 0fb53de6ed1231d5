// #12 items 9 and 10: atomic writes keep owner and mode; temp files are private, recognisable and
// cleaned up after a kill; the undo record is written before the config.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, promises as fsp, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it, mock } from 'node:test';
import { applyFix } from '../../src/core/fix/apply';
import { writeFileAtomic } from '../../src/core/files/atomic';
import { planFix } from '../../src/core/fix/plan';
import { cleanup } from '../fixtures/configs/harness';
import { FixEnv, fixEnv, NOBODY, PYTHON_CONFIG } from './fix-harness';

let env: FixEnv;
before(async () => {
  env = await fixEnv();
});
after(() => cleanup(env.dir));

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const posix = process.platform !== 'win32';

describe('hostile: atomic writes', () => {
  it('atomic: as root, a fix keeps the config owner and mode (another user, 0640)', { skip: !isRoot }, async () => {
    const file = env.configFile(PYTHON_CONFIG);
    chownSync(file, NOBODY, NOBODY);
    chmodSync(file, 0o640);
    await applyFix(await planFix(env.options(file)));
    const stat = statSync(file);
    assert.deepEqual([stat.uid, stat.gid, (stat.mode & 0o7777).toString(8)], [NOBODY, NOBODY, '640']);
  });

  it('atomic: as root, a new file belongs to the owner of its folder', { skip: !isRoot }, async () => {
    const folder = path.join(env.dir, 'someone-else');
    mkdirSync(folder);
    chownSync(folder, NOBODY, NOBODY);
    const file = path.join(folder, 'new.json');
    await writeFileAtomic(file, '{}\n', { mode: 0o600 });
    const stat = statSync(file);
    assert.deepEqual([stat.uid, stat.gid, (stat.mode & 0o7777).toString(8)], [NOBODY, NOBODY, '600']);
  });

  it('atomic: the temp file is recognisable and 0600 while it holds the content', { skip: !posix }, async () => {
    const file = env.configFile('{"servers": {}, "secret": "API-KEY"}\n');
    chmodSync(file, 0o644);
    const seen: { name: string; mode: string }[] = [];
    await writeFileAtomic(file, '{"servers": {}, "secret": "API-KEY", "x": 1}\n', {
      stillExpected: () => {
        for (const name of readdirSync(path.dirname(file))) {
          if (name.endsWith('.tmp')) seen.push({ name, mode: (statSync(path.join(path.dirname(file), name)).mode & 0o777).toString(8) });
        }
        return true;
      },
    });
    assert.equal(seen.length, 1);
    assert.match(seen[0]!.name, new RegExp(`^\\.mcp\\.json\\.mcp-ssl-doctor-${process.pid}-[0-9a-f]+\\.tmp$`));
    assert.equal(seen[0]!.mode, '600');
    assert.equal((statSync(file).mode & 0o777).toString(8), '644', 'the target keeps its mode');
  });

  it('atomic: temp files a killed run left (dead pid, or older than a minute) are removed by the next run', async () => {
    const file = env.configFile(PYTHON_CONFIG);
    const folder = path.dirname(file);
    const deadPid = path.join(folder, '.mcp.json.mcp-ssl-doctor-999999999-0a1b2c.tmp');
    const old = path.join(folder, `.mcp.json.mcp-ssl-doctor-${process.pid}-0d0e0f.tmp`);
    const live = path.join(folder, `.mcp.json.mcp-ssl-doctor-${process.pid}-111111.tmp`);
    const unrelated = path.join(folder, '.other.tmp');
    for (const f of [deadPid, old, live, unrelated]) writeFileSync(f, '{"secret": "API-KEY"}');
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    utimesSync(old, twoMinutesAgo, twoMinutesAgo);
    await applyFix(await planFix(env.options(file)));
    assert.equal(existsSync(deadPid), false, 'dead pid: removed');
    assert.equal(existsSync(old), false, 'older than a minute: removed');
    assert.equal(existsSync(live), true, 'a live, recent one: left (another run is using it)');
    assert.equal(existsSync(unrelated), true, 'not ours: left');
  });

  it('atomic: the undo record is written before the config', async () => {
    const file = env.configFile(PYTHON_CONFIG);
    const plan = await planFix(env.options(file));
    const renamed: string[] = [];
    const original = fsp.rename.bind(fsp);
    const spy = mock.method(fsp, 'rename', async (from: string, to: string) => {
      renamed.push(to);
      return original(from, to);
    });
    try {
      const result = await applyFix(plan);
      const manifestAt = renamed.indexOf(result.undoManifest ?? '');
      const configAt = renamed.findIndex((to) => path.basename(to) === 'mcp.json');
      assert.ok(manifestAt !== -1 && configAt !== -1, renamed.join(', '));
      assert.ok(manifestAt < configAt, `manifest first: ${renamed.join(', ')}`);
    } finally {
      spy.mock.restore();
    }
  });
});
