// #19 "Said, not silent", as users meet it: the built dist/cli.js on the hostile inputs a held-out
// run found read around or done without a word (see test/hostile/said.test.ts for the core).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCa, createLeaf, TestCert } from '../fixtures/pki';
import { ensureBuiltCli, runBuiltCli } from '../support/builtCli';

const dir = mkdtempSync(join(tmpdir(), 'said-cli-'));
const home = join(dir, 'home');
const env = { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin' };
let ca: TestCert;
let caFile: string;
before(async () => {
  ensureBuiltCli();
  mkdirSync(home);
  ca = await createCa('Said Corp Root');
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, ca.pem);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function write(file: string, text: string): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

interface DoctorJson {
  unreadable: unknown[];
  warnings: { config?: string; code: string; server?: string; message: string }[];
  servers: { server: string; config: string }[];
}

describe('said, not silent (built CLI)', () => {
  it('doctor: env null and a string entry are warnings of that server; the file\'s other servers are listed (human and --json)', async () => {
    const doctorHome = join(dir, 'doctor-home');
    const cursor = write(join(doctorHome, '.cursor', 'mcp.json'), '{\n  "mcpServers": {\n    "a": { "command": "uvx", "args": ["x"], "env": null },\n    "s": "npx foo",\n    "b": { "command": "npx", "args": ["-y", "y"] }\n  }\n}\n');
    const args = ['doctor', '--home', doctorHome, '--ca', caFile, '--system-ca', caFile];
    const json = await runBuiltCli([...args, '--json'], env, dir);
    assert.equal(json.code, 0, json.stderr);
    const result = JSON.parse(json.stdout) as DoctorJson;
    assert.deepEqual(result.unreadable, []);
    assert.deepEqual(result.servers.map((server) => server.server), ['b']);
    assert.deepEqual(result.warnings.map(({ config, code, server }) => ({ config, code, server })), [
      { config: cursor, code: 'env-not-object', server: 'a' },
      { config: cursor, code: 'entry-not-object', server: 's' },
    ]);
    const human = await runBuiltCli(args, env, dir);
    assert.ok(human.stdout.includes(`warning: ${cursor}: server "a": its "env" (line 3:52) is null, not an object`), human.stdout);
    assert.ok(human.stdout.includes(`warning: ${cursor}: server "s": the entry (line 4:10) is a string`), human.stdout);
  });

  it('fix: mcpServers beside servers is named in a note and left alone; a string entry is a skip with its reason', async () => {
    const original = '{\n  "servers": { "a": { "command": "uvx", "args": ["x"] }, "s": "npx foo" },\n  "mcpServers": { "b": { "command": "npx", "args": ["y"] } }\n}\n';
    const config = write(join(dir, 'both', '.vscode', 'mcp.json'), original);
    const fix = await runBuiltCli(['fix', '--config', config, '--ca', caFile, '--system-ca', caFile], env, dir);
    assert.equal(fix.code, 0, fix.stderr);
    assert.match(fix.stdout, /Note: "mcpServers" \(line 3:3\) is ignored: VS Code reads only "servers"/);
    assert.match(fix.stdout, /skipped s: the entry \(line 2:63\) is a string/);
    assert.ok(readFileSync(config, 'utf8').includes('"mcpServers": { "b": { "command": "npx", "args": ["y"] } }'));
    const undo = await runBuiltCli(['undo', '--config', config], env, dir);
    assert.equal(undo.code, 0, undo.stderr);
    assert.equal(readFileSync(config, 'utf8'), original);
  });

  it('fix: a duplicated SSL_CERT_FILE whose last occurrence is null gets that occurrence set (no third); undo gives the bytes back', async () => {
    const original = '{\n  "mcpServers": {\n    "a": { "command": "uvx", "args": ["x"], "env": { "SSL_CERT_FILE": "/old/a.pem", "SSL_CERT_FILE": null } }\n  }\n}\n';
    const config = write(join(dir, 'dup', 'mcp.json'), original);
    const fix = await runBuiltCli(['fix', '--config', config, '--ca', caFile, '--system-ca', caFile], env, dir);
    assert.equal(fix.code, 0, fix.stderr);
    const text = readFileSync(config, 'utf8');
    assert.equal(text.split('"SSL_CERT_FILE"').length - 1, 2, text);
    assert.match((JSON.parse(text) as { mcpServers: { a: { env: { SSL_CERT_FILE: string } } } }).mcpServers.a.env.SSL_CERT_FILE, /ca-bundle-[0-9a-f]+\.pem$/);
    const undo = await runBuiltCli(['undo', '--config', config], env, dir);
    assert.equal(undo.code, 0, undo.stderr);
    assert.equal(readFileSync(config, 'utf8'), original);
  });

  it('fix --json and doctor --json: a --ca file with 12 CAs carries the many-cas warning code', async () => {
    const cas = [ca];
    for (let i = 1; i < 12; i += 1) cas.push(await createCa(`Said CA ${i}`));
    const many = join(dir, 'many.pem');
    writeFileSync(many, cas.map((c) => c.pem).join(''));
    const config = write(join(dir, 'many', 'mcp.json'), '{ "servers": { "a": { "command": "uvx", "args": ["x"] } } }\n');
    const fix = await runBuiltCli(['fix', '--config', config, '--ca', many, '--trust-unknown-ca', '--dry-run', '--json'], env, dir);
    assert.equal(fix.code, 0, fix.stderr);
    const warnings = (JSON.parse(fix.stdout) as { warnings: { code: string; message: string }[] }).warnings;
    assert.match(warnings.find((w) => w.code === 'many-cas')?.message ?? '', /holds 12 CA certificates \(more than 10\)/);
    mkdirSync(join(dir, 'many-home'));
    const doctor = await runBuiltCli(['doctor', '--home', join(dir, 'many-home'), '--ca', many, '--system-ca', many, '--json'], env, dir);
    assert.equal(doctor.code, 0, doctor.stderr);
    assert.deepEqual((JSON.parse(doctor.stdout) as DoctorJson).warnings.map((w) => w.code), ['many-cas']);
  });

  it('fix: "nested too deeply" is file:line:column; a dry run removes the temp copy a killed run left', async () => {
    const deep = write(join(dir, 'deep', 'mcp.json'), `{"servers": {"a": {"command": "uvx", "args": ${'['.repeat(5000)}${']'.repeat(5000)}}}}\n`);
    const refused = await runBuiltCli(['fix', '--config', deep, '--ca', caFile, '--system-ca', caFile], env, dir);
    assert.equal(refused.code, 2);
    assert.ok(refused.stderr.includes(`${deep}:1:299: nested too deeply`), refused.stderr);

    const config = write(join(dir, 'killed', 'mcp.json'), '{ "servers": { "a": { "command": "uvx", "args": ["x"], "env": { "API_KEY": "s3cret" } } } }\n');
    const leftover = join(dir, 'killed', '.mcp.json.mcp-ssl-doctor-999999999-0a1b2c.tmp');
    writeFileSync(leftover, readFileSync(config));
    const dry = await runBuiltCli(['fix', '--config', config, '--ca', caFile, '--system-ca', caFile, '--dry-run'], env, dir);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(existsSync(leftover), false);
  });

  it('fix --host and doctor on a server sending a 100-certificate chain say the path is too long, not that a CA is missing', async () => {
    const root = await createCa('Deep Root');
    const chain: TestCert[] = [root];
    for (let i = 1; i < 99; i += 1) chain.push(await createCa(`Deep CA ${i}`, { issuer: chain[i - 1] }));
    const leaf = await createLeaf(['localhost'], chain[chain.length - 1]!);
    const server = tls.createServer({ key: leaf.keyPem, cert: [leaf.pem, ...[...chain].reverse().map((c) => c.pem)].join('') }, (socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const rootFile = join(dir, 'deep-root.pem');
      writeFileSync(rootFile, root.pem);
      const config = write(join(dir, 'long', 'mcp.json'), '{ "servers": { "a": { "command": "uvx", "args": ["x"] } } }\n');
      const port = (server.address() as { port: number }).port;
      const fix = await runBuiltCli(['fix', '--config', config, '--host', `localhost:${port}`, '--system-ca', rootFile], env, dir);
      assert.equal(fix.code, 2, fix.stdout + fix.stderr);
      assert.match(fix.stderr, /too long to follow/);
      assert.doesNotMatch(fix.stderr, /missing intermediate/);
      const doctorHome = join(dir, 'long-home');
      write(join(doctorHome, '.cursor', 'mcp.json'), '{ "mcpServers": { "a": { "command": "uvx", "args": ["x"] } } }\n');
      const doctor = await runBuiltCli(['doctor', '--home', doctorHome, '--probe-host', `localhost:${port}`, '--system-ca', rootFile], env, dir);
      assert.match(doctor.stdout, /unknown: .*too long to follow/, doctor.stdout + doctor.stderr);
      assert.doesNotMatch(doctor.stdout, /missing|incomplete/);
    } finally {
      server.close();
    }
  });
});
