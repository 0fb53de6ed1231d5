// scripts/install-extension.mjs against stand-in editor CLIs: which editors it finds on PATH, what it
// runs in each, and what it says when there is none.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';

const SCRIPT = resolve(__dirname, '..', '..', 'scripts', 'install-extension.mjs');
let dir: string;
let vsix: string;
let calls: string;

/** A stand-in editor CLI that records its arguments and exits with `exitCode`. */
async function fakeEditor(folder: string, name: string, exitCode = 0): Promise<void> {
  const path = join(folder, name);
  await writeFile(path, `#!/bin/sh\necho "${name} $*" >> "${calls}"\necho "installing..."\nexit ${exitCode}\n`);
  await chmod(path, 0o755);
}

function install(args: string[], pathVariable: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [SCRIPT, '--vsix', vsix, '--no-cli', ...args], {
    encoding: 'utf8',
    env: { HOME: dir, PATH: pathVariable },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'foundation-install-'));
  vsix = join(dir, 'mcp-ssl-doctor.vsix');
  calls = join(dir, 'calls.log');
  await writeFile(vsix, 'not really a zip: the stand-in editors do not read it');
});

after(() => rm(dir, { recursive: true, force: true }));

test('installs into every editor CLI on PATH, with --install-extension <vsix> --force', async () => {
  const bin = await mkdtemp(join(dir, 'bin-'));
  await fakeEditor(bin, 'code');
  await fakeEditor(bin, 'cursor');
  await fakeEditor(bin, 'not-an-editor');
  await rm(calls, { force: true });
  const { status, output } = install([], `${bin}:/usr/bin:/bin`);
  assert.equal(status, 0, output);
  const lines = (await readFile(calls, 'utf8')).trim().split('\n').sort();
  assert.deepEqual(lines, [`code --install-extension ${vsix} --force`, `cursor --install-extension ${vsix} --force`]);
  assert.match(output, /installed mcp-ssl-doctor/);
});

test('--editor installs into that editor only', async () => {
  const bin = await mkdtemp(join(dir, 'bin-'));
  await fakeEditor(bin, 'code');
  await fakeEditor(bin, 'codium');
  await rm(calls, { force: true });
  const { status, output } = install(['--editor', 'codium'], `${bin}:/usr/bin:/bin`);
  assert.equal(status, 0, output);
  assert.deepEqual((await readFile(calls, 'utf8')).trim().split('\n'), [`codium --install-extension ${vsix} --force`]);
});

test('with no editor on PATH, says how to install the VSIX by hand and exits 0', async () => {
  const bin = await mkdtemp(join(dir, 'bin-'));
  const { status, output } = install([], `${bin}:/usr/bin:/bin`);
  assert.equal(status, 0, output);
  assert.match(output, /No editor CLI found on PATH/);
  assert.match(output, /Install from VSIX/);
  assert.ok(output.includes(vsix), output);
});

test('an editor that refuses the VSIX makes it exit 1; an unknown --editor exits 2', async () => {
  const bin = await mkdtemp(join(dir, 'bin-'));
  await fakeEditor(bin, 'code', 1);
  const refused = install([], `${bin}:/usr/bin:/bin`);
  assert.equal(refused.status, 1, refused.output);
  assert.match(refused.output, /failed/);
  const unknown = install(['--editor', 'no-such-editor'], `${bin}:/usr/bin:/bin`);
  assert.equal(unknown.status, 2, unknown.output);
  assert.match(unknown.output, /not found/);
});

test('the companion VSIX beside it (remote windows) is installed after it; --no-companion leaves it out', async () => {
  const folder = await mkdtemp(join(dir, 'with-companion-'));
  const main = join(folder, 'mcp-ssl-doctor.vsix');
  const companion = join(folder, 'mcp-ssl-doctor-local.vsix');
  await writeFile(main, 'stand-in');
  await writeFile(companion, 'stand-in');
  const bin = await mkdtemp(join(dir, 'bin-'));
  await fakeEditor(bin, 'code');
  const run = (extra: string[]) =>
    spawnSync(process.execPath, [SCRIPT, '--vsix', main, '--no-cli', ...extra], { encoding: 'utf8', env: { HOME: dir, PATH: `${bin}:/usr/bin:/bin` } });
  await rm(calls, { force: true });
  const result = run([]);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.deepEqual((await readFile(calls, 'utf8')).trim().split('\n'), [`code --install-extension ${main} --force`, `code --install-extension ${companion} --force`]);
  assert.match(result.stdout, /installed mcp-ssl-doctor-local/);
  await rm(calls, { force: true });
  assert.equal(run(['--no-companion']).status, 0);
  assert.deepEqual((await readFile(calls, 'utf8')).trim().split('\n'), [`code --install-extension ${main} --force`]);
});
