// #19 "Said, not silent": what a held-out hostile run found read around, refused too widely or
// done without a word: an entry whose env is null, a server that is a string, `mcpServers` beside
// VS Code's `servers`, a third duplicate CA variable, 143 CAs in one --ca file, a 100-certificate
// chain called "incomplete", "nested too deep" without a place, a temp copy of a config left behind.
import assert from 'node:assert/strict';
import { chownSync, existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { buildReport } from '../../src/core/chain/analyze';
import { Cert } from '../../src/core/chain/cert';
import { TrustIndex } from '../../src/core/chain/trustIndex';
import { readInventory } from '../../src/core/config/inventory';
import { casForFix } from '../../src/core/assess/policy';
import type { ConfigRef } from '../../src/core/model/server';
import { applyFix } from '../../src/core/fix/apply';
import { caSetWarnings, readCertificates } from '../../src/core/fix/bundle';
import { planFix } from '../../src/core/fix/plan';
import { undoFix } from '../../src/core/fix/undo';
import { DoctorError } from '../../src/core/types';
import { cleanup, runCli } from '../fixtures/configs/harness';
import { createCa, createLeaf, TestCert } from '../fixtures/pki';
import { FixEnv, fixEnv, NOBODY } from './fix-harness';

let env: FixEnv;
let caFile: string;
before(async () => {
  env = await fixEnv();
  caFile = path.join(env.dir, 'ca.pem');
  writeFileSync(caFile, env.ca);
});
after(() => cleanup(env.dir));

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const ref = (file: string, hostApp: ConfigRef['hostApp'] = 'cursor'): ConfigRef => ({ hostApp, path: file, scope: 'user', resolvesVariables: false });
let folders = 0;
function inFolder(parts: string[], text: string): string {
  folders += 1;
  const file = path.join(env.dir, `project${folders}`, ...parts);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}
const occurrences = (text: string, needle: string): number => text.split(needle).length - 1;

const ENV_NULL = `{
  "mcpServers": {
    "a": { "command": "uvx", "args": ["x"], "env": null },
    "b": { "command": "npx", "args": ["-y", "y"] }
  }
}
`;

const STRING_ENTRY = `{
  "mcpServers": {
    "x": "npx foo",
    "b": { "command": "npx", "args": ["-y", "y"] }
  }
}
`;

const BOTH_KEYS = `{
  "servers": { "a": { "command": "uvx", "args": ["x"] } },
  "mcpServers": { "ignored": { "command": "npx", "args": ["-y", "y"] } }
}
`;

describe('hostile: said, not silent', () => {
  it('env null: only that server is left out (with its reason); the others are listed, fixed and undone byte for byte', async () => {
    const file = env.configFile(ENV_NULL);
    const inventory = await readInventory([ref(file)]);
    assert.deepEqual(inventory.unreadable, []);
    assert.deepEqual(inventory.servers.map((server) => server.name), ['b']);
    assert.deepEqual(inventory.warnings.map((w) => [w.code, w.detail]), [['env-not-object', { code: 'env-not-object', server: 'a', found: 'null', line: 3, column: 52 }]]);

    const plan = await planFix(env.options(file));
    assert.deepEqual(plan.changed.map((c) => c.server), ['b']);
    const skipped = plan.skipped.find((s) => s.server === 'a');
    assert.match(skipped?.reason ?? '', /"env" \(line 3:52\) is null, not an object/);
    await applyFix(plan);
    const after = readFileSync(file, 'utf8');
    assert.match(after, /"a": \{ "command": "uvx", "args": \["x"\], "env": null \}/, 'server a untouched');
    assert.match(after, /NODE_EXTRA_CA_CERTS/);
    await undoFix({ configPath: file, home: env.home });
    assert.equal(readFileSync(file, 'utf8'), ENV_NULL);
  });

  it('a server that is a string is reported (inventory warning, fix skip), the others fixed', async () => {
    const file = env.configFile(STRING_ENTRY);
    const inventory = await readInventory([ref(file)]);
    assert.deepEqual(inventory.servers.map((server) => server.name), ['b']);
    assert.deepEqual(inventory.warnings.map((w) => [w.code, w.detail]), [['entry-not-object', { code: 'entry-not-object', server: 'x', found: 'string', line: 3, column: 10 }]]);
    const plan = await planFix(env.options(file));
    assert.deepEqual(plan.changed.map((c) => c.server), ['b']);
    assert.match(plan.skipped.find((s) => s.server === 'x')?.reason ?? '', /is a string, not an object with "command" or "url"/);

    const cli = await runCli(['fix', '--config', file, '--ca', caFile, '--trust-unknown-ca', '--dry-run'], { env: { HOME: env.home } });
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /skipped x: the entry \(line 3:10\) is a string/);
  });

  it('mcpServers beside servers (VS Code mcp.json): a warning names the key; the ignored set is never edited', async () => {
    const file = inFolder(['.vscode', 'mcp.json'], BOTH_KEYS);
    const inventory = await readInventory([ref(file, 'vscode')]);
    assert.deepEqual(inventory.servers.map((server) => server.name), ['a']);
    assert.deepEqual(inventory.warnings.map((w) => w.detail), [{ code: 'ignored-servers-key', key: 'mcpServers', used: 'servers', host: 'vscode', line: 3, column: 3 }]);
    const plan = await planFix(env.options(file));
    const warning = plan.warnings.find((w) => w.code === 'ignored-servers-key');
    assert.match(warning?.message ?? '', /"mcpServers" \(line 3:3\) is ignored: VS Code reads only "servers"/);
    await applyFix(plan);
    assert.ok(readFileSync(file, 'utf8').includes('"mcpServers": { "ignored": { "command": "npx", "args": ["-y", "y"] } }'), 'the ignored set is not edited');
    await undoFix({ configPath: file, home: env.home });
    assert.equal(readFileSync(file, 'utf8'), BOTH_KEYS);
  });

  it('servers beside mcpServers in Cursor\'s .cursor/mcp.json: Cursor\'s set (mcpServers) is read and fixed, "servers" is the one said to be ignored', async () => {
    const file = inFolder(['.cursor', 'mcp.json'], BOTH_KEYS);
    const inventory = await readInventory([ref(file, 'cursor')]);
    assert.deepEqual(inventory.servers.map((server) => server.name), ['ignored']);
    assert.deepEqual(inventory.warnings.map((w) => w.detail), [{ code: 'ignored-servers-key', key: 'servers', used: 'mcpServers', host: 'cursor', line: 2, column: 3 }]);
    const plan = await planFix(env.options(file));
    assert.deepEqual(plan.changed.map((c) => c.server), ['ignored']);
    assert.match(plan.warnings.find((w) => w.code === 'ignored-servers-key')?.message ?? '', /"servers" \(line 2:3\) is ignored: cursor reads only "mcpServers"/);
  });

  for (const [label, original, replace] of [
    ['the last one null', '{\n  "mcpServers": {\n    "a": { "command": "uvx", "args": ["x"], "env": { "SSL_CERT_FILE": "/old/a.pem", "SSL_CERT_FILE": null } }\n  }\n}\n', false],
    ['--replace, two paths', '{\n  "mcpServers": {\n    "a": { "command": "uvx", "args": ["x"], "env": { "SSL_CERT_FILE": "/old/a.pem", "SSL_CERT_FILE": "/old/b.pem" } }\n  }\n}\n', true],
  ] as const) {
    it(`duplicate SSL_CERT_FILE (${label}): the last occurrence is set, no third is added, undo restores the bytes`, async () => {
      const file = env.configFile(original);
      const plan = await planFix(env.options(file, { replace }));
      await applyFix(plan);
      const text = readFileSync(file, 'utf8');
      assert.equal(occurrences(text, '"SSL_CERT_FILE"'), 2, text);
      const parsed = JSON.parse(text) as { mcpServers: { a: { env: Record<string, string> } } };
      assert.equal(parsed.mcpServers.a.env.SSL_CERT_FILE, plan.bundleConfigPath, 'the occurrence that counts points at the bundle');
      assert.ok(text.includes('"SSL_CERT_FILE": "/old/a.pem"'), 'the first occurrence is left alone');
      const undone = await undoFix({ configPath: file, home: env.home });
      assert.deepEqual(undone.kept ?? [], []);
      assert.equal(readFileSync(file, 'utf8'), original);
    });
  }

  it('a --ca file holding a whole store (143 CAs) is warned about; a leaf is "not-ca"; one CA is not', async () => {
    const store = rootCertificates.filter((pem) => new Date(new X509Certificate(pem).validTo) > new Date());
    assert.ok(store.length > 100);
    const file = env.configFile('{ "servers": { "a": { "command": "uvx", "args": ["x"] } } }\n');
    const plan = await planFix(env.options(file, { caPems: store }));
    const warning = plan.warnings.find((w) => w.code === 'many-cas');
    assert.match(warning?.message ?? '', new RegExp(`holds ${store.length} CA certificates \\(more than 10\\)`));
    assert.equal((await planFix(env.options(file))).warnings.find((w) => w.code === 'many-cas'), undefined);

    const ca = await createCa('Given CA');
    const leaf = await createLeaf(['a.example'], ca);
    assert.deepEqual(caSetWarnings(readCertificates(ca.pem + leaf.pem, 'x')), [{ code: 'not-ca', count: 1 }]);
    assert.deepEqual(caSetWarnings(readCertificates(ca.pem, 'x')), []);
  });

  it('a 100-certificate chain: fix refuses it as too long, not as a missing intermediate or root', async () => {
    const root = await createCa('Deep Root');
    const chain: TestCert[] = [root];
    for (let i = 1; i < 99; i += 1) chain.push(await createCa(`Deep CA ${i}`, { issuer: chain[i - 1] }));
    const leaf = await createLeaf(['deep.example'], chain[chain.length - 1]!);
    const presented = [leaf, ...chain.reverse()].map((c) => new Cert(Buffer.from(c.cert.rawData)));
    const report = buildReport({ host: 'deep.example', port: 443 }, presented, null, { public: new TrustIndex([]), system: new TrustIndex([Buffer.from(root.cert.rawData)]) });
    assert.equal(report.verdict, 'incomplete');
    assert.throws(
      () => casForFix(report, false),
      (e: unknown) => e instanceof DoctorError && /too long to follow/.test(e.message) && !/missing intermediate/.test(e.message),
    );
  });

  it('"nested too deeply" names the file and the line:column where the limit is crossed', async () => {
    const file = env.configFile(`{\n  "servers": {\n    "a": {"command": "uvx", "args": ${'['.repeat(400)}${']'.repeat(400)}}}}\n`);
    await assert.rejects(planFix(env.options(file)), (e: unknown) => e instanceof DoctorError && e.detail?.file === file && e.detail.line === 3 && e.detail.column === 290);
    const cli = await runCli(['fix', '--config', file, '--ca', caFile, '--trust-unknown-ca'], { env: { HOME: env.home } });
    assert.equal(cli.code, 2);
    assert.ok(cli.stderr.includes(`${file}:3:290: nested too deeply`), cli.stderr);
  });

  it('a temp copy of the config a killed run left is removed by the next run that only reads it (dry run); others are kept', async () => {
    const file = env.configFile('{ "servers": { "a": { "command": "uvx", "args": ["x"], "env": { "API_KEY": "s3cret" } } } }\n');
    const folder = path.dirname(file);
    const killed = path.join(folder, '.mcp.json.mcp-ssl-doctor-999999999-0a1b2c.tmp');
    const live = path.join(folder, `.mcp.json.mcp-ssl-doctor-${process.pid}-111111.tmp`);
    const otherFile = path.join(folder, '.other.json.mcp-ssl-doctor-999999999-0a1b2c.tmp');
    const unrelated = path.join(folder, '.mcp.json.tmp');
    for (const f of [killed, live, otherFile, unrelated]) writeFileSync(f, '{"API_KEY": "s3cret"}');
    const cli = await runCli(['fix', '--config', file, '--ca', caFile, '--trust-unknown-ca', '--dry-run'], { env: { HOME: env.home } });
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(existsSync(killed), false, 'the killed run\'s copy (dead pid): removed by a dry run');
    assert.equal(existsSync(live), true, 'a live, recent one: left (another run is using it)');
    assert.equal(existsSync(otherFile), true, 'a temp of another file: left to that file\'s runs');
    assert.equal(existsSync(unrelated), true, 'not our name: left');
  });

  it('a stale temp copy that belongs to another user is never removed (as root: only ours or the config owner\'s)', { skip: !isRoot && 'needs root to give a file away' }, async () => {
    const file = env.configFile('{ "servers": { "a": { "command": "uvx", "args": ["x"] } } }\n');
    const folder = path.dirname(file);
    const theirs = path.join(folder, '.mcp.json.mcp-ssl-doctor-999999999-0d0e0f.tmp');
    const ownerOfConfig = path.join(folder, '.mcp.json.mcp-ssl-doctor-999999998-0d0e0f.tmp');
    writeFileSync(theirs, '{}');
    writeFileSync(ownerOfConfig, '{}');
    chownSync(theirs, NOBODY, NOBODY);
    chownSync(file, NOBODY - 1, NOBODY - 1);
    chownSync(ownerOfConfig, NOBODY - 1, NOBODY - 1);
    const old = new Date(Date.now() - 600_000);
    utimesSync(theirs, old, old);
    await planFix(env.options(file));
    assert.equal(existsSync(theirs), true, 'another user\'s file: left');
    assert.equal(existsSync(ownerOfConfig), false, 'given to the config\'s owner by a killed root run: removed');
  });
});
