// What the companion (the UI-side extension) answers about the local machine's OS store: whether it
// holds a root of one given SHA-256 (yes/no and that root's subject), never a list of the store; and
// that one root as a CA bundle file for a dev container's mount. Plain Node (no vscode): unit-tested.
import { X509Certificate } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { writeFileAtomic } from '../core/files/atomic';
import { derToPem, sha256Hex } from '../core/pem';
import { loadSystemStore, SYSTEM_CA_ENV } from '../core/trust/systemStore';

/** The local store stand-in of tests and administrators (a PEM file); the real OS store otherwise. */
export const LOCAL_SYSTEM_CA_ENV = 'MCP_SSL_DOCTOR_LOCAL_SYSTEM_CA';
const SHA256 = /^[0-9a-f]{64}$/;

export interface LocalStoreAnswer {
  holds: boolean;
  /** The subject of the root the store holds (only when it does). */
  subject?: string;
}

/** The store's DER certificates: the stand-in file when the variable names one, else the OS store. */
async function storeDers(env: NodeJS.ProcessEnv): Promise<Buffer[]> {
  const file = env[LOCAL_SYSTEM_CA_ENV] || undefined;
  // The remote side's stand-in variable is not the local store's: only ours, or the real store.
  const rest = { ...env };
  delete rest[SYSTEM_CA_ENV];
  return (await loadSystemStore({ ...(file ? { file } : {}), env: rest })).ders;
}

async function find(sha256: string, env: NodeJS.ProcessEnv): Promise<Buffer | undefined> {
  const wanted = sha256.toLowerCase();
  if (!SHA256.test(wanted)) return undefined;
  return (await storeDers(env)).find((der) => sha256Hex(der) === wanted);
}

function subjectOf(der: Buffer): string | undefined {
  try {
    return new X509Certificate(der).subject.split('\n').join(', ');
  } catch {
    return undefined;
  }
}

/** Does the local store hold a CA with this SHA-256? (A malformed fingerprint: no.) */
export async function storeHolds(sha256: unknown, env: NodeJS.ProcessEnv = process.env): Promise<LocalStoreAnswer> {
  if (typeof sha256 !== 'string') return { holds: false };
  const der = await find(sha256, env);
  if (!der) return { holds: false };
  const subject = subjectOf(der);
  return { holds: true, ...(subject ? { subject } : {}) };
}

/** The bundle's name under the home, and how a devcontainer.json on any OS names it. */
export function localBundleName(sha256: string): { relative: string; reference: string } {
  const relative = `.mcp-ssl-doctor/remote-ca/ca-${sha256.toLowerCase().slice(0, 16)}.pem`;
  return { relative, reference: `\${localEnv:HOME}\${localEnv:USERPROFILE}/${relative}` };
}

/**
 * Writes the store's root of this SHA-256, then Node's public roots, to a bundle under `home` (the
 * certificate comes from the local store, never from the caller). Undefined when the store lacks it.
 */
export async function writeLocalBundle(sha256: unknown, home: string, env: NodeJS.ProcessEnv = process.env): Promise<{ file: string; reference: string } | undefined> {
  if (typeof sha256 !== 'string') return undefined;
  const der = await find(sha256, env);
  if (!der) return undefined;
  const { relative, reference } = localBundleName(sha256);
  const file = join(home, relative);
  await mkdir(join(home, '.mcp-ssl-doctor', 'remote-ca'), { recursive: true, mode: 0o700 });
  const content = `${derToPem(der)}# public roots: node ${process.version}\n${tls.rootCertificates.join('\n')}\n`;
  await writeFileAtomic(file, content, { mode: 0o644 });
  return { file, reference };
}
