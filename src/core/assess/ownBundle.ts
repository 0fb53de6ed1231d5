// Whether a server's trust goes through a bundle this tool wrote that is stale: it lacks the root
// its target presents now (a renewed interception root), or its public roots are older than this
// runtime's. Such a bundle is the tool's to renew (`--fix`), never the user's to re-point by hand.
import * as path from 'node:path';
import { bundleStaleness, type BundleStale, readOwnBundle } from '../fix/renewal';
import { RUNTIME_VARIABLES } from '../runtime/variables';
import { readCaFile, resolveConfigVariables, type VariableContext } from './trust';
import type { McpServer } from '../model/server';

export interface StaleBundle {
  /** The bundle file. */
  file: string;
  /** The variable (or `--mount`) that names it. */
  via: string;
  stale: BundleStale;
}

export async function staleOwnBundle(
  server: Pick<McpServer, 'runtime' | 'dockerMountSource'>,
  effectiveEnv: Record<string, string>,
  context: VariableContext,
  rootSha256: string,
  own: ReadonlySet<string>,
  options: { publicPem?: string; platform?: NodeJS.Platform } = {},
): Promise<StaleBundle | null> {
  if (own.size === 0) return null;
  const api = (options.platform ?? process.platform) === 'win32' ? path.win32 : path.posix;
  const candidates = (server.runtime === 'docker' ? [] : RUNTIME_VARIABLES[server.runtime]).map((variable) => ({ variable, value: effectiveEnv[variable] }));
  if (server.dockerMountSource) candidates.unshift({ variable: '--mount', value: server.dockerMountSource });
  for (const { variable, value } of candidates) {
    if (!value) continue;
    const file = api.normalize(resolveConfigVariables(value, context));
    if (!own.has(file)) continue;
    const text = await readCaFile(file).catch(() => undefined);
    if (text === undefined) continue;
    const stale = bundleStaleness(readOwnBundle(text, file), rootSha256, options.publicPem);
    if (stale) return { file, via: variable, stale };
  }
  return null;
}
