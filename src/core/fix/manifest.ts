// Undo manifests: one per config (keyed by its real path), in the per-user `~/.mcp-ssl-doctor/undo/`
// whatever bundle folder the fix used (so `undo --config FILE` alone finds it), so the workspace
// stays clean and no copy of a config (which may hold API keys) is kept anywhere.
//
// A manifest is input like any other: it is used only when it is a regular file (no link) owned by
// this user and not writable by others, and when every record has the shape a fix writes.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DoctorError } from '../types';
import { readRegularFile, writeFileAtomic } from './atomic';
import type { JsonPath, UndoStep } from './edit';
import { checksOwnership, ensurePrivateDir } from './owner';

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

export type ManifestRead =
  | { status: 'absent' }
  | { status: 'ok'; manifest: UndoManifest }
  /** Owned by another user: ignored, never applied. */
  | { status: 'foreign'; uid: number }
  | { status: 'invalid'; reason: string };

type Json = unknown;

function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const HASH = /^[0-9a-f]{64}$/;

function validPath(value: Json): value is JsonPath {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.length < 32 &&
    value.every((segment) => typeof segment === 'string' || (typeof segment === 'number' && Number.isInteger(segment) && segment >= 0))
  );
}

function validIndex(value: Json): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function validInsertion(value: Json): boolean {
  return isRecord(value) && typeof value.addedComma === 'boolean' && (value.emptyInner === undefined || (typeof value.emptyInner === 'string' && /^\s*$/.test(value.emptyInner)));
}

/** A value a fix adds: a string, or (a new `env`) an object of strings. */
function validAdded(value: Json): boolean {
  return typeof value === 'string' || (isRecord(value) && Object.values(value).every((v) => typeof v === 'string'));
}

function stepProblem(step: Json, serversPathLength: number): string | null {
  if (!isRecord(step)) return 'a step is not an object';
  if (!validPath(step.path) || step.path.length <= serversPathLength) return 'a step has no valid path';
  switch (step.op) {
    case 'add-member':
      return validAdded(step.value) && validInsertion(step.record) ? null : 'an add-member step is malformed';
    case 'replace-value':
      return typeof step.value === 'string' && typeof step.priorRaw === 'string' ? null : 'a replace-value step is malformed';
    case 'insert-items':
      return validIndex(step.index) && Array.isArray(step.values) && step.values.every((v) => typeof v === 'string') ? null : 'an insert-items step is malformed';
    case 'remove-member':
      return validIndex(step.index) && typeof step.raw === 'string' ? null : 'a remove-member step is malformed';
    case 'remove-items':
      return validIndex(step.index) && Array.isArray(step.raws) && step.raws.every((v) => typeof v === 'string') ? null : 'a remove-items step is malformed';
    default:
      return 'a step has an unknown operation';
  }
}

/** Why a parsed manifest cannot be used, or null when it has the shape a fix writes. */
export function manifestProblem(data: Json, realConfigPath: string): string | null {
  if (!isRecord(data)) return 'not an object';
  if (data.version !== 1) return 'unknown version';
  if (data.config !== realConfigPath) return `it records another file (${String(data.config)})`;
  if (!Array.isArray(data.fixes)) return 'no list of fixes';
  for (const fix of data.fixes as Json[]) {
    if (!isRecord(fix)) return 'a fix record is not an object';
    if (typeof fix.at !== 'string' || typeof fix.bundle !== 'string') return 'a fix record lacks its date or bundle';
    if (typeof fix.priorHash !== 'string' || !HASH.test(fix.priorHash) || typeof fix.postHash !== 'string' || !HASH.test(fix.postHash)) {
      return 'a fix record lacks its hashes';
    }
    if (!validIndex(fix.serversPathLength) || fix.serversPathLength === 0 || fix.serversPathLength > 3) return 'a fix record has a bad servers path';
    if (!Array.isArray(fix.steps) || fix.steps.length === 0) return 'a fix record has no steps';
    for (const step of fix.steps as Json[]) {
      const problem = stepProblem(step, fix.serversPathLength);
      if (problem) return problem;
    }
  }
  return null;
}

/** Reads and validates a manifest; `owners` are the uids trusted to own it. */
export async function loadManifest(file: string, realConfigPath: string, owners: number[]): Promise<ManifestRead> {
  let stat;
  try {
    stat = await fs.lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'absent' };
    return { status: 'invalid', reason: (error as Error).message };
  }
  if (stat.isSymbolicLink()) return { status: 'invalid', reason: 'it is a symbolic link' };
  if (!stat.isFile()) return { status: 'invalid', reason: 'not a regular file' };
  if (checksOwnership() && owners.length > 0 && !owners.includes(stat.uid)) return { status: 'foreign', uid: stat.uid };
  if (checksOwnership() && (stat.mode & 0o022) !== 0) return { status: 'invalid', reason: 'writable by other users' };
  let data: Json;
  try {
    data = JSON.parse((await readRegularFile(file, { noFollow: true })).toString('utf8')) as Json;
  } catch (error) {
    return { status: 'invalid', reason: error instanceof SyntaxError || error instanceof RangeError ? 'not valid JSON' : (error as Error).message };
  }
  const problem = manifestProblem(data, realConfigPath);
  if (problem) return { status: 'invalid', reason: problem };
  return { status: 'ok', manifest: data as UndoManifest };
}

/** For a fix: the manifest to append to. One that cannot be validated is refused, never overwritten silently. */
export async function readManifest(file: string, realConfigPath: string, owners: number[] = []): Promise<UndoManifest> {
  const read = await loadManifest(file, realConfigPath, owners);
  if (read.status === 'ok') return read.manifest;
  if (read.status === 'absent') return { version: 1, config: realConfigPath, fixes: [] };
  const why = read.status === 'foreign' ? `it is owned by another user (uid ${read.uid})` : read.reason;
  throw new DoctorError('refused', `the undo record of this config cannot be trusted (${why}): move it away and run again; nothing was changed`, { file });
}

export async function writeManifest(file: string, manifest: UndoManifest, owners: number[] = []): Promise<void> {
  if (manifest.fixes.length === 0) {
    await fs.rm(file, { force: true });
    return;
  }
  await ensurePrivateDir(path.dirname(file), owners, 'the undo folder');
  await writeFileAtomic(file, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600, noFollow: true });
}
