// Every MCP config of every supported host for a user (and the given workspace folders): what
// `doctor` and the editor's server list start from.
import * as path from 'node:path';
import { discoverConfigs } from '../fix/discover';
import { locationOfFile, type HostId } from '../fix/locations';
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

/**
 * The MCP host that reads a config given by path (`fix --config FILE`): by where it sits; a file at
 * no known place is taken as read by an SDK-based host, which passes the fewest variables on.
 */
export function hostAppOfConfig(file: string): HostId {
  if (path.basename(file) === '.claude.json') return 'claude-code';
  const located = locationOfFile(file)?.host;
  if (located) return located;
  // Only one host reads each of these formats: a moved CODEX_HOME's config.toml, Goose's config.yaml.
  if (/\.toml$/i.test(file)) return 'codex';
  if (/\.ya?ml$/i.test(file)) return 'goose';
  return 'cline';
}
