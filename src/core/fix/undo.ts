// Undo: takes back exactly what the last fix added. Later edits elsewhere stay; with no edits in
// between, the file is byte-for-byte what it was before the fix.
import * as os from 'node:os';
import * as path from 'node:path';
import { DoctorError } from '../types';
import { realTarget, writeFileAtomic } from './atomic';
import { stripBom } from './config';
import { UndoStep, undoSteps } from './edit';
import { manifestPath, readManifest, sha256, writeManifest } from './manifest';
import { undoDir } from './paths';
import { atomicSafeRead } from './read';

export interface UndoOptions {
  configPath: string;
  /**
   * Not needed: manifests live per user (`undoDir(home)`) whatever bundle folder the fix used.
   * Accepted for compatibility: an older release kept them in `<bundleDir>/undo`, looked at second.
   */
  bundleDir?: string;
  home?: string;
  platform?: NodeJS.Platform;
}

export interface UndoneEntry {
  server: string;
  /** What was taken back, e.g. `env.SSL_CERT_FILE`, `args[3..8]`. */
  what: string;
}

export interface UndoResult {
  config: string;
  removed: UndoneEntry[];
  kept: (UndoneEntry & { reason: string })[];
  /** The file is byte-for-byte what it was before the fix. */
  identical: boolean;
  /** Fixes still recorded for this file (undo again to take back the one before). */
  remaining: number;
}

function describeStep(step: UndoStep, serversPathLength: number): UndoneEntry {
  const server = String(step.path[serversPathLength] ?? '');
  const rest = step.path.slice(serversPathLength + 1).join('.');
  if (step.op === 'insert-items' || step.op === 'remove-items') {
    const count = step.op === 'insert-items' ? step.values.length : step.raws.length;
    return { server, what: `${rest}[${step.index}..${step.index + count - 1}]` };
  }
  return { server, what: step.op === 'remove-member' ? `${rest}[${step.index}] (restored)` : rest };
}

export async function undoFix(options: UndoOptions): Promise<UndoResult> {
  const home = options.home ?? os.homedir();
  const dir = undoDir(home, options.platform);
  const real = await realTarget(options.configPath);
  const places = [manifestPath(dir, real)];
  if (options.bundleDir) places.push(manifestPath(path.join(options.bundleDir, 'undo'), real));
  let file = places[0] as string;
  let manifest = await readManifest(file, real);
  for (const place of places.slice(1)) {
    if (manifest.fixes.length > 0) break;
    file = place;
    manifest = await readManifest(place, real);
  }
  const last = manifest.fixes[manifest.fixes.length - 1];
  if (!last) {
    throw new DoctorError('usage', `nothing to undo: no fix of this file is recorded in ${dir}`, { file: options.configPath });
  }
  const { bytes, text: rawText } = await atomicSafeRead(options.configPath);
  const { text, bom } = stripBom(rawText);
  const outcome = undoSteps(options.configPath, text, last.steps);
  const content = (bom ? '\uFEFF' : '') + outcome.text;
  if (content !== rawText) {
    const wrote = await writeFileAtomic(options.configPath, content, { stillExpected: (current) => current !== undefined && current.equals(bytes) });
    if (!wrote) {
      throw new DoctorError('io', 'the file changed while undo was writing it; nothing was changed. Run undo again', { file: options.configPath });
    }
  }
  manifest.fixes.pop();
  await writeManifest(file, manifest);
  return {
    config: options.configPath,
    removed: outcome.undone.map((step) => describeStep(step, last.serversPathLength)),
    kept: outcome.kept.map(({ step, reason }) => ({ ...describeStep(step, last.serversPathLength), reason })),
    identical: sha256(Buffer.from(content, 'utf8')) === last.priorHash,
    remaining: manifest.fixes.length,
  };
}
