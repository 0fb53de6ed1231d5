// Every MCP config of every supported host for a user (and the given workspace folders): what
// `doctor` and the editor's server list start from.
import * as path from 'node:path';
import { discoverConfigs } from '../config/discover';
import { locationOfFile, type HostId } from './locations';
import { claudeJsonConfigs } from '../config/inventory';
import type { ConfigRef } from '../model/server';

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
 * no known place is taken as read by an SDK-based host, which passes the fewest variables on
 * (`known: false`: an assumption the front end says, `fix --host-app` overrides it).
 */
export function hostOfConfig(file: string): { hostApp: HostId; known: boolean } {
  if (path.basename(file) === '.claude.json') return { hostApp: 'claude-code', known: true };
  const host = locationOfFile(file)?.host;
  if (host) return { hostApp: host, known: true };
  // Only one host reads each of these formats: a moved CODEX_HOME's config.toml, Goose's config.yaml.
  if (/\.toml$/i.test(file)) return { hostApp: 'codex', known: true };
  if (/\.ya?ml$/i.test(file)) return { hostApp: 'goose', known: true };
  return { hostApp: 'cline', known: false };
}
