// #12 item 7: parallel fixes of one config queue on a lock instead of losing each other's changes.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyFix } from '../../src/core/fix/apply';
import { parseConfig } from '../../src/core/config/config';
import type { UndoManifest } from '../../src/core/fix/journal';
import { planFix } from '../../src/core/fix/plan';
import { undoFix } from '../../src/core/fix/undo';
import { cleanup } from '../fixtures/configs/harness';
import { FixEnv, fixEnv } from './fix-harness';

let env: FixEnv;
before(async () => {
  env = await fixEnv();
});
after(() => cleanup(env.dir));

const COUNT = 20;
/** Where the lock of a file is (src/core/files/lock.ts), spelled out so this file loads on code without locks. */
const lockPathFor = (file: string): string => path.join(path.dirname(file), `.${path.basename(file)}.mcp-ssl-doctor.lock`);

function manyServers(): string {
  const entries = Array.from({ length: COUNT }, (_, i) => `    "s${i}": { "command": "npx", "args": ["-y", "server-${i}"] }`);
  return `{\n  "mcpServers": {\n${entries.join(',\n')}\n  }\n}\n`;
}

describe('hostile: concurrent fixes', () => {
  it('concurrency: 20 parallel fixes of different servers of one config all land, each with its undo record', async () => {
    const file = env.configFile(manyServers());
    // Plan all first (each from the same original bytes), then apply all at once.
    const plans = await Promise.all(Array.from({ length: COUNT }, (_, i) => planFix(env.options(file, { servers: [`s${i}`] }))));
    const results = await Promise.allSettled(plans.map((plan) => applyFix(plan)));
    const failures = results.filter((r) => r.status === 'rejected');
    assert.equal(failures.length, 0, `all succeed: ${failures.map((f) => String((f as PromiseRejectedResult).reason)).join('; ')}`);
    const servers = parseConfig(file, readFileSync(file, 'utf8')).servers;
    for (const result of results) {
      if (result.status !== 'fulfilled') continue;
      for (const change of result.value.changed) {
        const server = servers.find((s) => s.name === change.server);
        assert.ok(server?.env.NODE_EXTRA_CA_CERTS, `${change.server}: reported as changed, so it is in the file`);
      }
    }
    assert.equal(servers.filter((s) => s.env.NODE_EXTRA_CA_CERTS).length, COUNT, 'every server got its variable');
    const manifestFile = results.map((r) => (r.status === 'fulfilled' ? r.value.undoManifest : null)).find(Boolean) ?? '';
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as UndoManifest;
    assert.equal(manifest.fixes.length, COUNT, 'one undo record per fix');
    assert.equal(existsSync(lockPathFor(file)), false, 'no lock left behind');
    // And undo, 20 times, gives the original back.
    for (let i = 0; i < COUNT; i += 1) await undoFix({ configPath: file, home: env.home });
    assert.equal(readFileSync(file, 'utf8'), manyServers());
  });

  it('concurrency: a stale lock (dead pid) is taken over; a live one is waited for', async () => {
    const { withLock } = await import('../../src/core/files/lock');
    const file = path.join(env.dir, 'lock-target.json');
    writeFileSync(file, '{}');
    writeFileSync(lockPathFor(file), '999999999 0 deadbeef\n');
    let ran = false;
    await withLock(file, async () => {
      ran = true;
    });
    assert.equal(ran, true);
    assert.equal(existsSync(lockPathFor(file)), false);
    const order: string[] = [];
    await Promise.all([
      withLock(file, async () => {
        order.push('a-in');
        await new Promise((resolve) => setTimeout(resolve, 50));
        order.push('a-out');
      }),
      withLock(file, async () => {
        order.push('b-in');
        order.push('b-out');
      }),
    ]);
    assert.ok(order.join() === 'a-in,a-out,b-in,b-out' || order.join() === 'b-in,b-out,a-in,a-out', order.join());
  });
});
