// #12 item 11 (the non-scan part): FIFOs, hostile nesting, a 100-certificate chain, huge timeouts,
// proxy passwords in messages.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseTimeout } from '../../src/cli/io';
import { buildReport } from '../../src/core/chain/analyze';
import { Cert } from '../../src/core/chain/cert';
import { parseProxyUrl, resolveProxy } from '../../src/core/chain/proxy';
import { TrustIndex } from '../../src/core/chain/trustIndex';
import { applyFix } from '../../src/core/fix/apply';
import { planFix } from '../../src/core/fix/plan';
import { undoFix } from '../../src/core/fix/undo';
import { DoctorError } from '../../src/core/types';
import { discoverConfigRefs } from '../../src/core/hosts/discover';
import { readInventory } from '../../src/core/config/inventory';
import { mkdirSync } from 'node:fs';
import { cleanup } from '../fixtures/configs/harness';
import { createCa, createLeaf, TestCert } from '../fixtures/pki';
import { FixEnv, fixEnv, PYTHON_CONFIG } from './fix-harness';

let env: FixEnv;
before(async () => {
  env = await fixEnv();
});
after(() => cleanup(env.dir));

const posix = process.platform !== 'win32';

/** Settles `work` within `ms`, else unblocks a reader hanging on the FIFO (old code) and fails. */
async function withinOrUnblock<T>(work: Promise<T>, fifo: string, ms = 3000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // no reader: nothing hangs on it
      }
      reject(new Error(`still waiting after ${ms} ms: it hangs on the FIFO`));
    }, ms);
  });
  try {
    return await Promise.race([work, hung]);
  } finally {
    clearTimeout(timer);
  }
}

const refusesFifo = (e: unknown): boolean => e instanceof DoctorError && /not a regular file/.test(e.message) && /FIFO/.test(e.message);

describe('hostile: robustness', () => {
  it('robustness: a FIFO as the config is refused at once with a clear DoctorError', { skip: !posix }, async () => {
    const fifo = path.join(env.dir, 'fifo-mcp.json');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(withinOrUnblock(planFix(env.options(fifo)), fifo), refusesFifo);
  });

  it('robustness: a FIFO as the undo target is refused at once with a clear DoctorError', { skip: !posix }, async () => {
    const file = env.configFile(PYTHON_CONFIG);
    await applyFix(await planFix(env.options(file)));
    rmSync(file);
    execFileSync('mkfifo', [file]);
    await assert.rejects(withinOrUnblock(undoFix({ configPath: file, home: env.home }), file), refusesFifo);
  });

  it('robustness: a FIFO at ~/.claude.json or at a host\'s settings.json stalls no discovery: reported as a config that cannot be read', { skip: !posix }, async () => {
    const home = path.join(env.dir, 'fifo-home');
    mkdirSync(path.join(home, '.gemini'), { recursive: true });
    const claude = path.join(home, '.claude.json');
    const gemini = path.join(home, '.gemini', 'settings.json');
    execFileSync('mkfifo', [claude]);
    execFileSync('mkfifo', [gemini]);
    const refs = await withinOrUnblock(withinOrUnblock(discoverConfigRefs({ home, workspaceFolders: [], platform: 'linux', env: {} }), claude), gemini);
    const inventory = await withinOrUnblock(readInventory(refs), claude);
    assert.deepEqual(inventory.unreadable.map(({ config, message }) => [config.path, /FIFO/.test(message)]), [[claude, true]]);
  });

  it('robustness: a 3000-deep JSON is a malformed-config error naming the file, not a stack overflow', async () => {
    const file = env.configFile(`{"servers": {"a": {"command": "uvx", "args": ${'['.repeat(3000)}${']'.repeat(3000)}}}}`);
    await assert.rejects(
      planFix(env.options(file)),
      (e: unknown) => e instanceof DoctorError && e.kind === 'malformed-config' && e.detail?.file === file && /nested too deeply/.test(e.message),
    );
  });

  it('robustness: a 100-certificate chain is reported as too long, not as "too little"', async () => {
    const root = await createCa('Deep Root');
    const chain: TestCert[] = [root];
    for (let i = 1; i < 99; i += 1) chain.push(await createCa(`Deep CA ${i}`, { issuer: chain[i - 1] }));
    const leaf = await createLeaf(['deep.example'], chain[chain.length - 1]!);
    const presented = [leaf, ...chain.reverse()].map((c) => new Cert(Buffer.from(c.cert.rawData)));
    assert.equal(presented.length, 100);
    const stores = { public: new TrustIndex([]), system: new TrustIndex([Buffer.from(root.cert.rawData)]) };
    const report = buildReport({ host: 'deep.example', port: 443 }, presented, null, stores);
    const warning = report.warnings.find((w) => w.code === 'chain-too-long');
    assert.ok(warning, JSON.stringify(report.warnings));
    assert.match(warning.message, /100 certificates/);
  });

  it('robustness: --timeout above 2^31-1 ms is a usage error (Node would fire it after 1 ms)', () => {
    assert.equal(parseTimeout('2147483647'), 2147483647);
    assert.throws(() => parseTimeout('2147483648'), (e: unknown) => e instanceof DoctorError && e.kind === 'usage');
    assert.throws(() => parseTimeout('99999999999999999999'), (e: unknown) => e instanceof DoctorError && e.kind === 'usage');
  });

  it('robustness: an invalid proxy URL is echoed without its password', () => {
    for (const text of ['http://alice:s3cret-pw@[not-a-host', 'alice:s3cret-pw@[::1']) {
      assert.throws(
        () => parseProxyUrl(text),
        (e: unknown) => e instanceof DoctorError && !e.message.includes('s3cret-pw') && /invalid proxy URL/.test(e.message),
      );
    }
    assert.throws(
      () => resolveProxy('example.com', 443, undefined, { HTTPS_PROXY: 'http://bob:hunter2@[bad' }),
      (e: unknown) => e instanceof DoctorError && !e.message.includes('hunter2'),
    );
  });
});

