// Which executable a server's command runs its code with, found the way the server's process would
// find it: through the PATH of the environment the server gets, not ours. Nothing is downloaded:
// for `uvx` / `uv run` the Python uv would pick is looked for on PATH (and in uv's own install
// folder), never fetched.
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { commandBaseName, detectRuntime, isPythonExecutable, launcherOf, type ServerRuntime } from './detect';
import { uvPythonOption } from './pythonVersion';

/** The runtimes a handshake can be run in directly (docker runs one of these inside its image). */
export type ProbeKind = Extract<ServerRuntime, 'python' | 'node' | 'bun' | 'deno'>;

export interface ResolvedRuntime {
  kind: ProbeKind;
  executable: string;
  /** Arguments before the probe's own (`py -3.12`). */
  preArgs: string[];
  /** Said alongside the result (e.g. the interpreter uv would pick is absent; another one checked). */
  note?: string;
  /**
   * The stand-in must verify as Python 3.13+ does (VERIFY_X509_STRICT): uv would run 3.13 or newer,
   * which is not here, and an older interpreter checked without the strict rules would say OK for a
   * CA that 3.13 rejects.
   */
  emulateStrict?: boolean;
}

/** Looks a variable up as the platform does (case-insensitively on Windows). */
export function envValue(env: Record<string, string>, name: string, platform: NodeJS.Platform): string | undefined {
  if (env[name] !== undefined) return env[name];
  if (platform !== 'win32') return undefined;
  const lower = name.toLowerCase();
  const key = Object.keys(env).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : env[key];
}

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    if (platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `name` on the env's PATH (with PATHEXT on Windows), or a path with a separator taken as given (relative to cwd). */
export function findExecutable(name: string, env: Record<string, string>, platform: NodeJS.Platform, cwd?: string): string | null {
  const win32 = platform === 'win32';
  const exts = win32 ? ['', ...(envValue(env, 'PATHEXT', platform) ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)] : [''];
  const hasExt = win32 && /\.[a-z0-9]+$/i.test(name);
  const candidates = (base: string): string[] => (hasExt ? [base] : exts.map((ext) => base + ext.toLowerCase()));
  if (/[\\/]/.test(name)) {
    const full = path.resolve(cwd ?? process.cwd(), name);
    return candidates(full).find((c) => isExecutableFile(c, platform)) ?? null;
  }
  const dirs = (envValue(env, 'PATH', platform) ?? '').split(win32 ? ';' : ':').filter(Boolean);
  for (const dir of dirs) {
    const found = candidates(path.join(dir, name)).find((c) => isExecutableFile(c, platform));
    if (found) return found;
  }
  return null;
}

/** The interpreter request of a uv command line (`--python 3.12`, `-p3.13`, `--python=...`; pythonVersion.ts reads it), or UV_PYTHON. */
export function uvPythonRequest(base: string, rest: string[], env: Record<string, string>, platform: NodeJS.Platform): string | null {
  return uvPythonOption(base, rest)?.value ?? envValue(env, 'UV_PYTHON', platform) ?? null;
}

/** uv-managed interpreters for `3.X`: `<install dir>/cpython-3.X.*-<platform>/bin/python3.X` (POSIX). */
function uvManagedPython(minorVersion: string, env: Record<string, string>, platform: NodeJS.Platform): string | null {
  if (platform === 'win32') return null;
  const home = envValue(env, 'HOME', platform);
  const root = envValue(env, 'UV_PYTHON_INSTALL_DIR', platform)
    ?? (envValue(env, 'XDG_DATA_HOME', platform) ? path.join(envValue(env, 'XDG_DATA_HOME', platform) ?? '', 'uv', 'python') : null)
    ?? (home ? path.join(home, '.local', 'share', 'uv', 'python') : null);
  if (!root) return null;
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return null;
  }
  const dirs = entries.filter((e) => e.startsWith(`cpython-${minorVersion}.`)).sort().reverse();
  for (const dir of dirs) {
    const exe = path.join(root, dir, 'bin', `python${minorVersion}`);
    if (isExecutableFile(exe, platform)) return exe;
  }
  return null;
}

export type Resolution = ResolvedRuntime | { missing: string };

function pythonOnPath(env: Record<string, string>, platform: NodeJS.Platform, cwd?: string): string | null {
  return findExecutable('python3', env, platform, cwd) ?? (platform === 'win32' ? findExecutable('python', env, platform, cwd) : null);
}

/** The Python a server command runs (python / a venv path / py / uvx / uv run / pipx / poetry ...). */
export function resolvePython(command: string, args: string[], env: Record<string, string>, platform: NodeJS.Platform, cwd?: string): Resolution {
  const { base, rest, offset } = launcherOf(command, args);
  const token = offset > 0 ? (args[offset - 1] ?? command) : command;
  if (isPythonExecutable(base)) {
    const exe = findExecutable(token, env, platform, cwd);
    return exe ? { kind: 'python', executable: exe, preArgs: [] } : { missing: `${token} is not on the server's PATH` };
  }
  if (base === 'py') {
    const exe = findExecutable(token, env, platform, cwd);
    const version = rest[0] && /^-\d/.test(rest[0]) ? [rest[0]] : [];
    return exe ? { kind: 'python', executable: exe, preArgs: version } : { missing: `${token} is not on the server's PATH` };
  }
  if (base === 'uv' || base === 'uvx') {
    const request = uvPythonRequest(base, rest, env, platform);
    if (request && /[\\/]/.test(request)) {
      const exe = findExecutable(request, env, platform, cwd);
      if (exe) return { kind: 'python', executable: exe, preArgs: [] };
    }
    const minor = request ? /(?:^|[^\d])(3)\.?(\d{1,2})(?:[^\d]|$)/.exec(request) : null;
    if (minor) {
      const wanted = `${minor[1]}.${minor[2]}`;
      const exe = findExecutable(`python${wanted}`, env, platform, cwd) ?? uvManagedPython(wanted, env, platform);
      if (exe) return { kind: 'python', executable: exe, preArgs: [] };
      const fallback = pythonOnPath(env, platform, cwd);
      if (!fallback) return { missing: `uv would run Python ${wanted}; neither python${wanted} nor python3 is on the server's PATH` };
      const strict = Number(minor[2]) >= 13;
      return {
        kind: 'python',
        executable: fallback,
        preArgs: [],
        note: `uv would run Python ${wanted} (not found here); checked with ${fallback} instead${strict ? `, with the strict X.509 rules of ${wanted}` : ''}`,
        emulateStrict: strict,
      };
    }
  }
  const exe = pythonOnPath(env, platform, cwd);
  return exe ? { kind: 'python', executable: exe, preArgs: [] } : { missing: "no python3 on the server's PATH" };
}

/**
 * The JavaScript runtime a server command runs: node (npx, tsx, pnpm dlx ...), bun (bun, bunx) or
 * deno, as detect.ts tells them apart (or as the caller says).
 */
export function resolveJavaScript(command: string, args: string[], env: Record<string, string>, platform: NodeJS.Platform, cwd?: string,
  runtime: ServerRuntime = detectRuntime(command, args).runtime): Resolution {
  const { base, offset } = launcherOf(command, args);
  const token = offset > 0 ? (args[offset - 1] ?? command) : command;
  const sibling = (name: string): string | null =>
    /[\\/]/.test(token) ? findExecutable(path.join(path.dirname(token), name), env, platform, cwd) : null;
  if (runtime === 'deno') {
    const exe = findExecutable(base === 'deno' ? token : 'deno', env, platform, cwd);
    return exe ? { kind: 'deno', executable: exe, preArgs: [] } : { missing: `${token} is not on the server's PATH` };
  }
  if (runtime === 'bun') {
    const exe = (base === 'bun' ? findExecutable(token, env, platform, cwd) : null) ?? findExecutable('bun', env, platform, cwd) ?? sibling('bun');
    return exe ? { kind: 'bun', executable: exe, preArgs: [] } : { missing: "bun is not on the server's PATH" };
  }
  if (base === 'node' || base === 'nodejs') {
    const exe = findExecutable(token, env, platform, cwd);
    return exe ? { kind: 'node', executable: exe, preArgs: [] } : { missing: `${token} is not on the server's PATH` };
  }
  // npx, npm exec, pnpm dlx, yarn dlx, tsx, ts-node: their shebang (`#!/usr/bin/env node`) finds node on PATH.
  const exe = findExecutable('node', env, platform, cwd) ?? sibling('node');
  return exe ? { kind: 'node', executable: exe, preArgs: [] } : { missing: `node is not on the server's PATH (needed by ${commandBaseName(token)})` };
}
