// "Does this server already trust that root?" — read from the environment the server will get:
// what its MCP host passes on plus the entry's `env`, and a docker server's bundle mount.
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pemFingerprints } from '../pem';
import { RUNTIME_VARIABLES } from '../runtime/variables';
import { DoctorError } from '../types';
import type { McpServer } from '../model/server';

/** A CA bundle is a few hundred KB; anything far larger is not one (and /dev/zero never ends). */
export const MAX_CA_FILE_BYTES = 8 * 1024 * 1024;
const READ_TIMEOUT_MS = 3000;

/**
 * Reads a CA file named by a config: only a regular file, at most MAX_CA_FILE_BYTES, within a
 * timeout (O_NONBLOCK: a FIFO does not stall the open).
 */
export async function readCaFile(file: string, timeoutMs = READ_TIMEOUT_MS): Promise<string> {
  const handle = await fs.open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  let timer: NodeJS.Timeout | undefined;
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new DoctorError('io', `${file} is not a regular file`, { file });
    if (stat.size > MAX_CA_FILE_BYTES) throw new DoctorError('io', `${file} is ${stat.size} bytes: too large for a CA bundle`, { file });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DoctorError('timeout', `reading ${file} took over ${timeoutMs} ms`, { file })), timeoutMs);
    });
    const buffer = Buffer.alloc(Math.min(stat.size, MAX_CA_FILE_BYTES) + 1);
    const { bytesRead } = await Promise.race([handle.read(buffer, 0, buffer.length, 0), timeout]);
    if (bytesRead > MAX_CA_FILE_BYTES) throw new DoctorError('io', `${file} grew past ${MAX_CA_FILE_BYTES} bytes while being read`, { file });
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    if (timer) clearTimeout(timer);
    await handle.close();
  }
}

export interface VariableContext {
  home: string;
  workspaceFolder?: string;
  env: NodeJS.ProcessEnv;
}

/** The variables VS Code resolves in an MCP server's env values (measured in 1.139). */
export function resolveConfigVariables(value: string, context: VariableContext): string {
  return value.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
    if (name === 'userHome') return context.home;
    if (name === '/') return path.sep;
    if (name === 'workspaceFolder' && context.workspaceFolder) return context.workspaceFolder;
    if (name.startsWith('env:')) return context.env[name.slice(4)] ?? '';
    return whole;
  });
}

export interface TrustCheck {
  trusted: boolean;
  /** The variable (or `--mount`) whose file holds the root. */
  via?: string;
  /** CA files the environment names that could not be read. */
  unreadable: { variable: string; value: string; message: string }[];
}

/**
 * The server trusts the root when one of its runtime's CA variables in `effectiveEnv` (or, for
 * docker, the bundle mounted into the container) names a file that holds it.
 */
export async function serverTrustsRoot(
  server: Pick<McpServer, 'runtime' | 'dockerMountSource'>,
  rootSha256: string,
  effectiveEnv: Record<string, string>,
  context: VariableContext,
): Promise<TrustCheck> {
  const candidates = RUNTIME_VARIABLES[server.runtime]
    .filter(() => server.runtime !== 'docker')
    .map((variable) => ({ variable, value: effectiveEnv[variable] }));
  if (server.dockerMountSource) candidates.unshift({ variable: '--mount', value: server.dockerMountSource });
  const unreadable: TrustCheck['unreadable'] = [];
  for (const { variable, value } of candidates) {
    if (!value) continue;
    const file = resolveConfigVariables(value, context);
    try {
      if (pemFingerprints(await readCaFile(file)).has(rootSha256)) return { trusted: true, via: variable, unreadable };
    } catch (error) {
      unreadable.push({ variable, value, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { trusted: false, unreadable };
}
