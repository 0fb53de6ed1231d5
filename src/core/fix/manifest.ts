// Undo manifests: one per config (keyed by its real path), in the per-user `~/.mcp-ssl-doctor/undo/`
// whatever bundle folder the fix used (so `undo --config FILE` alone finds it), so the workspace
// stays clean and no copy of a config (which may hold API keys) is kept anywhere.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from './atomic';
import type { UndoStep } from './edit';

export interface FixRecord {
  at: string;
  bundle: string;
  /** SHA-256 of the config bytes before and right after the fix. */
  priorHash: string;
  postHash: string;
  /** Number of path segments before the server name in each step's path. */
  serversPathLength: number;
  steps: UndoStep[];
}

export interface UndoManifest {
  version: 1;
  config: string;
  fixes: FixRecord[];
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `dir` is `undoDir(home)`; an older release kept manifests in `<bundle dir>/undo` (undo still looks there). */
export function manifestPath(dir: string, realConfigPath: string): string {
  return path.join(dir, `${sha256(realConfigPath).slice(0, 16)}.json`);
}

export async function readManifest(file: string, realConfigPath: string): Promise<UndoManifest> {
  try {
    const data = JSON.parse(await fs.readFile(file, 'utf8')) as UndoManifest;
    if (data.version === 1 && Array.isArray(data.fixes)) return data;
  } catch {
    // missing or unreadable: start afresh
  }
  return { version: 1, config: realConfigPath, fixes: [] };
}

export async function writeManifest(file: string, manifest: UndoManifest): Promise<void> {
  if (manifest.fixes.length === 0) {
    await fs.rm(file, { force: true });
    return;
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
}
