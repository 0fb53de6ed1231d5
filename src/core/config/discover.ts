// Finds the MCP config files that exist for the given workspace folders and user.
import { promises as fs } from 'node:fs';
import { readRegularFile } from '../files/atomic';
import * as path from 'node:path';
import { parseConfig } from './config';
import { appDataDir, EDITOR_HOST, EditorId, HostId, localAppDataDir, Scope, segmentMatches, USER_LOCATIONS, WORKSPACE_LOCATIONS, xdgConfigDir } from '../hosts/locations';

export interface ConfigLocation {
  path: string;
  host: HostId;
  scope: Scope;
  resolvesVariables: boolean;
}

export interface DiscoverOptions {
  workspaceFolders: string[];
  home: string;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** Editors' userData folders (e.g. from `--user-data-dir` or the running editor); default per OS. */
  userDataDirs?: { editor: EditorId; dir: string }[];
  /** The file system to look in (default: this machine's); tests simulate another OS's with it. */
  fs?: DiscoverFs;
}

/** What discovery reads of a file system. */
export interface DiscoverFs {
  /**
   * Something is at a config's place: a regular file, or anything else (a folder, a dangling link),
   * which is then reported as a config that cannot be read, never skipped without a word.
   */
  present(file: string): Promise<boolean>;
  readdir(dir: string): Promise<string[]>;
  readFile(file: string): Promise<string>;
}

const NODE_FS: DiscoverFs = {
  present: async (file) => {
    try {
      await fs.lstat(file);
      return true;
    } catch {
      return false;
    }
  },
  readdir: (dir) => fs.readdir(dir).catch(() => [] as string[]),
  // Regular files only: a FIFO at a config's place never stalls discovery.
  readFile: async (file) => (await readRegularFile(file)).toString('utf8'),
};

/** Expands one path segment with `*` (the whole segment, or a glob such as `Claude_*`) against the file system. */
async function expand(base: string, parts: string[], files: DiscoverFs, join: (...parts: string[]) => string): Promise<string[]> {
  const star = parts.findIndex((part) => part.includes('*'));
  if (star === -1) return [join(base, ...parts)];
  const parent = join(base, ...parts.slice(0, star));
  const names = (await files.readdir(parent)).filter((name) => segmentMatches(parts[star], name));
  return names.sort().map((name) => join(parent, name, ...parts.slice(star + 1)));
}

/** settings.json counts only when it still holds servers (VS Code 1.99–1.101). */
async function holdsServers(file: string, files: DiscoverFs): Promise<boolean> {
  try {
    parseConfig(file, await files.readFile(file));
    return true;
  } catch {
    return false;
  }
}

export async function discoverConfigs(options: DiscoverOptions): Promise<ConfigLocation[]> {
  const pathApi = options.platform === 'win32' ? path.win32 : path.posix;
  const appData = appDataDir(options.platform, options.home, options.env, pathApi.join);
  const userDataDirs =
    options.userDataDirs ?? (Object.keys(EDITOR_HOST) as EditorId[]).map((editor) => ({ editor, dir: pathApi.join(appData, editor) }));
  const found: ConfigLocation[] = [];
  const seen = new Set<string>();
  const files = options.fs ?? NODE_FS;
  const add = async (file: string, host: HostId, scope: Scope, resolvesVariables: boolean, onlyWithServers = false): Promise<void> => {
    if (seen.has(file) || !(await files.present(file))) return;
    if ((onlyWithServers || pathApi.basename(file) === 'settings.json') && !(await holdsServers(file, files))) return;
    seen.add(file);
    found.push({ path: file, host, scope, resolvesVariables });
  };
  for (const folder of options.workspaceFolders) {
    for (const row of WORKSPACE_LOCATIONS) await add(pathApi.join(folder, ...row.path), row.host, 'workspace', row.resolvesVariables, row.onlyWithServers);
  }
  for (const row of USER_LOCATIONS) {
    if (row.platforms && !row.platforms.includes(options.platform)) continue;
    const moved = row.override ? options.env[row.override.variable] : undefined;
    if (row.override && moved) {
      // CODEX_HOME, COPILOT_HOME, GEMINI_CLI_HOME: the host reads only the moved folder.
      await add(pathApi.join(moved, ...row.override.path), row.host, 'user', row.resolvesVariables, row.onlyWithServers);
      continue;
    }
    if (row.base === 'userData') {
      for (const { editor, dir } of userDataDirs) {
        if (row.editors && !row.editors.includes(editor)) continue;
        // Cline/Roo in Cursor are still Cline/Roo; VS Code rows take the editor's own host id.
        const host = row.host === 'vscode' ? EDITOR_HOST[editor] : row.host;
        for (const file of await expand(dir, row.path, files, pathApi.join)) await add(file, host, 'user', row.resolvesVariables);
      }
    } else {
      const base =
        row.base === 'home'
          ? options.home
          : row.base === 'xdgConfig'
            ? xdgConfigDir(options.home, options.env, pathApi.join)
            : row.base === 'localAppData'
              ? localAppDataDir(options.home, options.env, pathApi.join)
              : appData;
      for (const file of await expand(base, row.path, files, pathApi.join)) await add(file, row.host, 'user', row.resolvesVariables, row.onlyWithServers);
    }
  }
  return found;
}
