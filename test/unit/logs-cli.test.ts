// `mcp-ssl-doctor scan` in-process through main() with a fake CliIO.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import type { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'logs');
const dir = mkdtempSync(path.join(tmpdir(), 'logs-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), readStdin: async () => stdin, env: {}, cwd: dir };
  const code = await main(argv, io);
  return { code, out, err };
}

test('scan --json: the contract keys exactly, one finding per event, file as given', async () => {
  const file = path.join(dir, 'mcpServer.mcp.config.ws0.docs.log');
  writeFileSync(file, readFileSync(path.join(FIXTURES, 'vscode-requests-chained.log')));
  const { code, out, err } = await run(['scan', 'mcpServer.mcp.config.ws0.docs.log', '--json']);
  assert.equal(code, 0, err);
  const findings = JSON.parse(out) as Record<string, unknown>[];
  assert.equal(findings.length, 1);
  assert.deepEqual(Object.keys(findings[0]), ['file', 'line', 'kind', 'runtime', 'host', 'port', 'fixable', 'message']);
  assert.deepEqual(
    { ...findings[0], message: undefined },
    { file: 'mcpServer.mcp.config.ws0.docs.log', line: 8, kind: 'untrusted-ca', runtime: 'python', host: 'docs.example.com', port: 8443, fixable: true, message: undefined },
  );
});

test('scan of several files, and of stdin with - or no FILE', async () => {
  writeFileSync(path.join(dir, 'uv.log'), readFileSync(path.join(FIXTURES, 'uv-unknown-issuer.log')));
  writeFileSync(path.join(dir, 'neg.log'), readFileSync(path.join(FIXTURES, 'negatives.log')));
  const both = JSON.parse((await run(['scan', 'uv.log', 'neg.log', '--json'])).out) as { file: string; runtime: string }[];
  assert.deepEqual(both.map((f) => [f.file, f.runtime]), [['uv.log', 'rust']]);
  const npm = readFileSync(path.join(FIXTURES, 'npm-self-signed.log'), 'utf8');
  for (const argv of [['scan', '--json'], ['scan', '-', '--json']]) {
    const found = JSON.parse((await run(argv, npm)).out) as { file: string; host: string }[];
    assert.deepEqual(found.map((f) => [f.file, f.host]), [['-', 'registry.npmjs.org']]);
  }
});

test('human output: one line per finding and a summary; nothing found says so', async () => {
  writeFileSync(path.join(dir, 'node.log'), readFileSync(path.join(FIXTURES, 'node-undici-fetch.log')));
  const { code, out } = await run(['scan', 'node.log', 'uv.log']);
  assert.equal(code, 0);
  const lines = out.trimEnd().split('\n');
  assert.match(lines[0], /^node\.log:5 {2}untrusted-ca {2}node {2}- {2}\[cause\]: Error: unable to get local issuer certificate$/);
  assert.match(lines[1], /^uv\.log:6 {2}untrusted-ca {2}rust {2}pypi\.org:443 {2}Caused by: invalid peer certificate: UnknownIssuer$/);
  assert.match(lines[2], /^2 TLS failures, 2 fixable/);
  assert.equal((await run(['scan', 'neg.log'])).out, 'No TLS failures found.\n');
});

test('an unreadable or missing file: exit 2, a message naming it, nothing on stdout', async () => {
  const missing = await run(['scan', 'uv.log', 'nope.log', '--json']);
  assert.equal(missing.code, 2);
  assert.equal(missing.out, '');
  assert.match(missing.err, /nope\.log/);
  const folder = await run(['scan', '.']);
  assert.equal(folder.code, 2);
  assert.equal(folder.out, '');
});

test('an unknown option is a usage error (exit 2)', async () => {
  const { code, out, err } = await run(['scan', '--jsn']);
  assert.equal(code, 2);
  assert.equal(out, '');
  assert.match(err, /jsn/);
});
