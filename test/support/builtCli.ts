// The built `dist/cli.js`, as users run it: rebuilt when a source is newer (per-command bundles
// once dropped exit codes and line:column that no source-level test saw).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '..', '..');
export const CLI = join(REPO, 'dist', 'cli.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

export function ensureBuiltCli(): void {
  const sources = Math.max(newestMtime(join(REPO, 'src')), statSync(join(REPO, 'esbuild.config.mjs')).mtimeMs);
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= sources) return;
  const build = spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: REPO, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`the build failed:\n${build.stderr}`);
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node dist/cli.js ARGS` with exactly `env` (asynchronous: test servers live in this process). */
export function runBuiltCli(args: string[], env: NodeJS.ProcessEnv, cwd = REPO, input = ''): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
