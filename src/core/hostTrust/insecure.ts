// Verification switched off in a host's own env (Claude Code's settings `env`): the same catalogue as
// for server entries (core/config/insecure.ts), since that env reaches every server the host starts.
import type { Node } from 'jsonc-parser';
import { getNodeValue } from 'jsonc-parser';
import type { EnvValue } from '../config/config';
import { findInsecure } from '../config/insecure';

const NO_NODE: Node = { type: 'object', offset: 0, length: 0 };

export function insecureInEnv(env: Record<string, EnvValue>): { where: string; setting: string }[] {
  return findInsecure({ name: 'host', args: [], env, node: NO_NODE }).map(({ where, setting }) => ({ where, setting }));
}

/** The env values of a parsed `env` object node, as hosts read them (strings, numbers, null). */
export function envOfNode(node: Node | undefined): Record<string, EnvValue> {
  if (node?.type !== 'object') return {};
  const env: Record<string, EnvValue> = {};
  for (const [key, value] of Object.entries(getNodeValue(node) as Record<string, unknown>)) {
    if (typeof value === 'string' || typeof value === 'number' || value === null) env[key] = value;
    else if (typeof value === 'boolean') env[key] = String(value);
  }
  return env;
}
