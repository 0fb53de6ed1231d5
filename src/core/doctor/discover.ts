// Every MCP config of every supported host for a user (and the given workspace folders), and the
// MCP logs of the editors on disk: what `doctor` and the editor's server list start from.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { discoverConfigs } from '../fix/discover';
import { appDataDir, locationOfFile, type HostId } from '../fix/locations';
import type { DiscoveredLog } from '../logs/discover';
import { discoverLogFiles } from '../logs/discover';
import { claudeJsonConfigs } from './inventory';
import type { ConfigRef } from './types';

export interface MachineScope {
  workspaceFolders: string[];
  home: string;
  platform: NodeJS.Platform;
  /** The user's environment (APPDATA, XDG_CONFIG_HOME); for another user's home, pass {}. */
  env: NodeJS.ProcessEnv;
}

export async function discoverConfigRefs(scope: MachineScope): Promise<ConfigRef[]> {
  const claudeJson = path.join(scope.home, '.claude.json');
  const refs: ConfigRef[] = (await discoverConfigs({ ...scope })).map((location) => ({
    hostApp: location.host,
    path: location.path,
    scope: location.scope,
    resolvesVariables: location.resolvesVariables,
  }));
  refs.push(...(await claudeJsonConfigs(claudeJson)));
  return refs;
}

async function subfolders(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

/** The MCP logs of the newest session of each desktop editor (VS Code family and Cursor). */
export async function discoverMachineLogs(scope: Omit<MachineScope, 'workspaceFolders'>): Promise<DiscoveredLog[]> {
  const appData = appDataDir(scope.platform, scope.home, scope.env, path.join);
  const logs: DiscoveredLog[] = [];
  for (const editor of ['Code', 'Code - Insiders', 'VSCodium']) {
    const root = path.join(appData, editor, 'logs');
    const session = (await subfolders(root)).pop();
    if (!session) continue;
    const window = (await subfolders(path.join(root, session))).find((name) => /^window\d+$/.test(name));
    if (window) logs.push(...(await discoverLogFiles({ vscodeWindowFolder: path.join(root, session, window), home: scope.home, platform: scope.platform, env: scope.env })));
  }
  logs.push(...(await discoverLogFiles({ appName: 'Cursor', home: scope.home, platform: scope.platform, env: scope.env })));
  return logs;
}

/**
 * The MCP host that reads a config given by path (`fix --config FILE`): by where it sits; a file at
 * no known place is taken as read by an SDK-based host, which passes the fewest variables on.
 */
export function hostAppOfConfig(file: string): HostId {
  if (path.basename(file) === '.claude.json') return 'claude-code';
  return locationOfFile(file)?.host ?? 'cline';
}
