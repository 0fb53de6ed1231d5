// The MCP logs the desktop editors keep on disk for a user: what `doctor` and `scan` (at a
// terminal, without a FILE) read.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { appDataDir } from './locations';
import type { DiscoveredLog } from '../logs/discover';
import { discoverLogFiles } from '../logs/discover';
import type { MachineScope } from './discover';

async function subfolders(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

/**
 * The MCP logs of the newest session of each desktop editor (VS Code family and Cursor), and the logs the
 * hosts keep on their own (core/logs/locations.ts HOST_LOGS: Codex, Copilot CLI, Zed, Goose).
 */
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
  logs.push(...(await discoverLogFiles({ appName: 'Cursor', hostLogs: true, home: scope.home, platform: scope.platform, env: scope.env })));
  return logs;
}

