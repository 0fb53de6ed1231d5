#!/usr/bin/env node
// `npm run test:electron`: the test/electron suite in a real VS Code (Electron) downloaded by
// @vscode/test-electron, for machines that can download it (a laptop, a public CI). Where the download
// is impossible it prints `test:electron NOT RUN: cannot download VS Code here (<reason>)` and exits 0:
// not run, not passed. It is not part of `npm test`, whose real-editor suite uses code-server instead.
//
// Environment: MCP_SSL_DOCTOR_VSCODE_VERSION (default 'stable'); the standard HTTPS_PROXY variables
// are honoured by the download.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { downloadAndUnzipVSCode } from '@vscode/test-electron';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VERSION = process.env.MCP_SSL_DOCTOR_VSCODE_VERSION ?? 'stable';

function notRun(reason) {
  console.log(`test:electron NOT RUN: ${reason}`);
  process.exit(0);
}

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, stdio: 'inherit', env });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

// 1. Can VS Code be had? This is the only network call of the test scripts.
let executable;
try {
  executable = await downloadAndUnzipVSCode({
    version: VERSION,
    cachePath: join(REPO_ROOT, '.vscode-test'),
    timeout: 15_000, // idle timeout: a stalled connection fails instead of hanging
  });
} catch (error) {
  const reason = error instanceof Error ? error.message : String(error);
  notRun(`cannot download VS Code here (${reason.split('\n')[0]})`);
}

// 2. Electron needs a display on Linux.
const prefix = [];
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  const hasXvfb = spawnSync('sh', ['-c', 'command -v xvfb-run'], { encoding: 'utf8' }).status === 0;
  if (!hasXvfb) notRun('no display: install xvfb (xvfb-run) or run it in a desktop session');
  prefix.push('xvfb-run', '-a');
}

// 3. Build the extension and bundle the tests to out/.
if (run('npm', ['run', 'build']) !== 0) process.exit(1);
const testFiles = readdirSync(join(REPO_ROOT, 'test', 'electron'))
  .filter((name) => name.endsWith('.test.ts'))
  .map((name) => join('test', 'electron', name));
await esbuild.build({
  absWorkingDir: REPO_ROOT,
  entryPoints: testFiles,
  outdir: 'out/test/electron',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode', 'mocha'],
  sourcemap: 'inline',
  logLevel: 'warning',
});

// 4. Run the suite with the downloaded build.
const cli = join(REPO_ROOT, 'node_modules', '@vscode', 'test-cli', 'out', 'bin.mjs');
const status = run(prefix[0] ?? process.execPath, [...prefix.slice(1), ...(prefix.length ? [process.execPath] : []), cli, '--config', '.vscode-test.mjs'], {
  ...process.env,
  MCP_SSL_DOCTOR_VSCODE_EXECUTABLE: executable,
});
console.log(status === 0 ? 'test:electron passed' : `test:electron FAILED (exit ${status})`);
process.exit(status);
