// Finds the MCP log files of the running editor (VS Code window folder, Cursor's newest session)
// and the paths or globs the user added.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CURSOR_LOG_ROOTS, CURSOR_SESSION_PATTERNS, HOST_LOGS, LogHost, SERVER_FROM_FILE, VSCODE_WINDOW_PATTERNS } from './locations';
import type { HostLogRow } from './locations';

export interface DiscoveredLog {
  path: string;
  host: LogHost;
  server: string | null;
  definitionId: string | null;
}

export interface DiscoverLogOptions {
  /** VS Code: `<logs>/<session>/window<N>`, i.e. context.logUri/../.. */
  vscodeWindowFolder?: string;
  /** Also the other windows of the same session (`<window>/../window*`). Default true. */
  siblingWindows?: boolean;
  /** The editor's name (vscode.env.appName): Cursor's own logs are read only inside Cursor. */
  appName?: string;
  /** Extra files or globs (`*`, `**`, `?`; `~` for home). */
  extraPaths?: string[];
  /** Also the logs the MCP hosts write on their own (HOST_LOGS: Codex, Copilot CLI, Zed, Goose), where they exist. */
  hostLogs?: boolean;
  home?: string;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
}

const MAX_DEPTH = 8;
const MAX_FILES = 500;

function segmentPattern(segment: string): RegExp {
  const source = segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/\\\\]*').replace(/\?/g, '[^/\\\\]');
  return new RegExp(`^${source}$`, process.platform === 'win32' ? 'i' : '');
}

/** Expands a glob of `*`, `?` and `**` segments under base. */
export async function expandGlob(base: string, pattern: string, limit = MAX_FILES): Promise<string[]> {
  const segments = pattern.split(/[\\/]+/).filter((segment) => segment !== '' && segment !== '.');
  const found: string[] = [];
  async function walk(dir: string, index: number, depth: number): Promise<void> {
    if (found.length >= limit || depth > MAX_DEPTH + segments.length) return;
    if (index === segments.length) {
      try {
        if ((await fs.stat(dir)).isFile()) found.push(dir);
      } catch {
        // gone
      }
      return;
    }
    const segment = segments[index];
    if (segment === '**') {
      await walk(dir, index + 1, depth);
      for (const entry of await readDirs(dir)) await walk(path.join(dir, entry), index, depth + 1);
      return;
    }
    if (!/[*?]/.test(segment)) {
      await walk(path.join(dir, segment), index + 1, depth);
      return;
    }
    const matcher = segmentPattern(segment);
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    for (const name of names.sort()) if (matcher.test(name)) await walk(path.join(dir, name), index + 1, depth + 1);
  }
  await walk(base, 0, 0);
  return found;
}

async function readDirs(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  } catch {
    return [];
  }
}

/** The server a log file belongs to, from its name (VS Code's definition id, Cursor's scope). */
export function serverFromLogPath(file: string): { server: string; definitionId: string | null; host: LogHost } | null {
  const normalized = file.replace(/\\/g, '/');
  for (const row of SERVER_FROM_FILE) {
    const match = row.pattern.exec(normalized);
    if (match?.[2]) return { server: match[2], definitionId: row.definitionId ? match[1] : null, host: row.host };
  }
  return null;
}

/** A glob's fixed leading folder and the rest. */
function splitGlob(glob: string, home: string): { base: string; rest: string } {
  const expanded = glob.startsWith('~') ? path.join(home, glob.slice(1)) : glob;
  const parts = expanded.split(/[\\/]/);
  const firstWild = parts.findIndex((part) => /[*?]/.test(part));
  if (firstWild === -1) return { base: expanded, rest: '' };
  const base = parts.slice(0, firstWild).join(path.sep) || path.sep;
  return { base, rest: parts.slice(firstWild).join('/') };
}

async function newestSession(root: string): Promise<string | null> {
  const sessions = (await readDirs(root)).filter((name) => /^\d{8}T\d{6}$/.test(name));
  return sessions.length > 0 ? path.join(root, sessions[sessions.length - 1]) : null;
}

/** A variable of `env`, by its exact name, else (Windows, whose names ignore case) by any case. */
function envValue(env: NodeJS.ProcessEnv, name: string, platform: NodeJS.Platform): string | undefined {
  const exact = env[name];
  if (exact !== undefined && exact !== '') return exact;
  if (platform !== 'win32') return undefined;
  const key = Object.keys(env).find((candidate) => candidate.toUpperCase() === name.toUpperCase());
  const value = key === undefined ? undefined : env[key];
  return value === '' ? undefined : value;
}

/** The folder a HOST_LOGS row names for this home, OS and environment (null: not on this OS). */
export function hostLogFolder(row: HostLogRow, home: string, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string | null {
  if (row.platforms && !row.platforms.includes(platform)) return null;
  // The running OS's separators: a Windows layout simulated elsewhere (tests) lies in that OS's folders.
  const join = path.join;
  const moved = row.override ? envValue(env, row.override.variable, platform) : undefined;
  if (moved && row.override) return join(moved, ...row.override.path);
  const base = (() => {
    switch (row.base) {
      case 'home':
        return home;
      case 'appData':
        return envValue(env, 'APPDATA', platform) ?? join(home, 'AppData', 'Roaming');
      case 'localAppData':
        return envValue(env, 'LOCALAPPDATA', platform) ?? join(home, 'AppData', 'Local');
      case 'xdgData':
        return envValue(env, 'XDG_DATA_HOME', platform) ?? join(home, '.local', 'share');
      case 'xdgState':
        return envValue(env, 'XDG_STATE_HOME', platform) ?? join(home, '.local', 'state');
    }
  })();
  return join(base, ...row.folder);
}

/** The files of a HOST_LOGS row that exist (the newest `row.newest` of them, when set). */
async function hostLogFiles(row: HostLogRow, folder: string): Promise<string[]> {
  const files: string[] = [];
  for (const pattern of row.files) files.push(...(await expandGlob(folder, pattern)));
  if (row.newest === undefined || files.length <= row.newest) return files;
  const dated = await Promise.all(files.map(async (file) => ({ file, mtime: (await fs.stat(file).catch(() => null))?.mtimeMs ?? 0 })));
  return dated.sort((a, b) => b.mtime - a.mtime || b.file.localeCompare(a.file)).slice(0, row.newest).map((entry) => entry.file);
}

export async function discoverLogFiles(options: DiscoverLogOptions): Promise<DiscoveredLog[]> {
  const home = options.home ?? os.homedir();
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const seen = new Map<string, DiscoveredLog>();
  const add = (file: string, host: LogHost): void => {
    if (seen.has(file)) return;
    const named = serverFromLogPath(file);
    seen.set(file, { path: file, host, server: named?.server ?? null, definitionId: named?.definitionId ?? null });
  };

  if (options.vscodeWindowFolder && !/cursor/i.test(options.appName ?? '')) {
    const windows = [options.vscodeWindowFolder];
    if (options.siblingWindows !== false) {
      const session = path.dirname(options.vscodeWindowFolder);
      for (const name of await readDirs(session)) {
        const sibling = path.join(session, name);
        if (/^window\d+$/.test(name) && sibling !== path.normalize(options.vscodeWindowFolder)) windows.push(sibling);
      }
    }
    for (const window of windows) {
      for (const pattern of VSCODE_WINDOW_PATTERNS) for (const file of await expandGlob(window, pattern)) add(file, 'vscode');
    }
  }
  if (/cursor/i.test(options.appName ?? '')) {
    const root = CURSOR_LOG_ROOTS[platform as keyof typeof CURSOR_LOG_ROOTS];
    if (root) {
      const base = root.base === 'home' ? home : env.APPDATA ?? path.join(home, 'AppData', 'Roaming');
      const session = await newestSession(path.join(base, root.path));
      if (session) for (const pattern of CURSOR_SESSION_PATTERNS) for (const file of await expandGlob(session, pattern)) add(file, 'cursor');
    }
  }
  if (options.hostLogs) {
    for (const row of HOST_LOGS) {
      const folder = hostLogFolder(row, home, platform, env);
      if (folder) for (const file of await hostLogFiles(row, folder)) add(file, row.host);
    }
  }
  for (const extra of options.extraPaths ?? []) {
    const { base, rest } = splitGlob(extra.trim(), home);
    const files = rest ? await expandGlob(base, rest) : [base];
    for (const file of files) add(file, 'custom');
  }
  return [...seen.values()];
}
