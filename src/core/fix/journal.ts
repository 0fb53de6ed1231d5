// The journal: one undo record per written file, for every file the tool writes — an MCP config a
// fix edited (`<hash>.json`, kind `config`) and a host's own settings file a host-level fix edited
// (`host-trust-<hash>.json`, kind `host-trust`). Both live in the per-user `~/.mcp-ssl-doctor/undo/`
// of the home the fix was for (so `undo --home` finds everything, and `undo --config FILE` alone
// finds it), keyed by the file's real path; no copy of a config (which may hold API keys) is kept.
//
// A journal file is input like any other: it is used only when it is a regular file (no link) owned
// by a trusted user and not writable by others, named after the path it records, and when every
// record has the shape its kind writes. It is written atomically, 0600, never through a link; as
// root for another user's home it belongs to that home's owner (the folder's, see owner.ts).
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DoctorError } from '../types';
import { readRegularFile, writeFileAtomic } from '../files/atomic';
import type { JsonPath, UndoStep } from '../config/edit';
import { checksOwnership, ensurePrivateDir } from '../files/owner';
import { undoDir } from './paths';

export type JournalKind = 'config' | 'host-trust';

/** One fix of an MCP config (kind `config`). */
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

/** The edits a host-level fix makes to a settings file: members added or values replaced. */
export type SettingsUndoStep = Extract<UndoStep, { op: 'add-member' } | { op: 'replace-value' }>;

/** One host-level edit of a host's own settings file (kind `host-trust`). */
export interface HostTrustRecord {
  at: string;
  /** '' when the file did not exist. */
  priorHash: string;
  postHash: string;
  /** What the file was before the first write: undo restores it when nothing changed since. */
  before: { kind: 'absent' } | { kind: 'blank'; text: string } | { kind: 'object' };
  steps: SettingsUndoStep[];
  /** The host whose settings these are (`claude-code`, `vscode`...); absent in older records. */
  hostApp?: string;
  /** Folders this write created for the file, outermost first: removed again by undo when empty. */
  createdFolders?: string[];
}

export interface HostTrustManifest {
  version: 1;
  kind: 'host-trust';
  file: string;
  records: HostTrustRecord[];
}

export type JournalManifest = UndoManifest | HostTrustManifest;

export const HOST_TRUST_MANIFEST_PREFIX = 'host-trust-';

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The journal file of `realPath` in `dir` (`undoDir(home)`; an older release kept config records in `<bundle dir>/undo`). */
export function journalPath(dir: string, kind: JournalKind, realPath: string): string {
  return path.join(dir, `${kind === 'host-trust' ? HOST_TRUST_MANIFEST_PREFIX : ''}${sha256(realPath).slice(0, 16)}.json`);
}

export function manifestPath(dir: string, realConfigPath: string): string {
  return journalPath(dir, 'config', realConfigPath);
}

export function hostTrustManifestPath(home: string, platform: NodeJS.Platform, realFile: string): string {
  return journalPath(undoDir(home, platform), 'host-trust', realFile);
}

const JOURNAL_NAME = /^(host-trust-)?[0-9a-f]{16}\.json$/;

export type JournalRead<M> =
  | { status: 'absent' }
  | { status: 'ok'; manifest: M }
  /** Owned by another user: ignored, never applied. */
  | { status: 'foreign'; uid: number }
  | { status: 'invalid'; reason: string };

export type ManifestRead = JournalRead<UndoManifest>;

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

/** Why a parsed config record cannot be used, or null when it has the shape a fix writes. */
export function manifestProblem(data: Json, realConfigPath: string): string | null {
  if (!isRecord(data)) return 'not an object';
  if (data.version !== 1) return 'unknown version';
  if (data.kind !== undefined && data.kind !== 'config') return `it is a record of another kind (${String(data.kind)})`;
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

/** A setting a host-level fix writes: a string (a path) or a boolean (`http.systemCertificates`). */
function validSetting(value: Json): boolean {
  // A list of strings: a dev container's `mounts` (fix/devcontainer.ts).
  return typeof value === 'string' || typeof value === 'boolean' || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
}

function settingsStepProblem(step: Json): string | null {
  if (!isRecord(step)) return 'a step is not an object';
  // `[key]` (an editor setting, or a new `env` object) or `[object, key]` (Claude Code's `env.X`).
  if (!Array.isArray(step.path) || step.path.length < 1 || step.path.length > 2 || !step.path.every((segment) => typeof segment === 'string')) {
    return 'a step has no valid path';
  }
  switch (step.op) {
    case 'add-member': {
      const value = step.value;
      const ok = validSetting(value) || (isRecord(value) && step.path.length === 1 && Object.values(value).every(validSetting));
      return ok && validInsertion(step.record) ? null : 'an add-member step is malformed';
    }
    case 'replace-value':
      return validSetting(step.value) && typeof step.priorRaw === 'string' ? null : 'a replace-value step is malformed';
    default:
      return 'a step has an operation a host-level fix never records';
  }
}

/** The folder chain of `file` (its parent, grandparent...): the only folders a record may name. */
function isAncestorOf(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return path.isAbsolute(folder) && relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** Why a parsed host-trust record cannot be used, or null when it has the shape a host-level fix writes. */
export function hostManifestProblem(data: Json, realFile: string): string | null {
  if (!isRecord(data)) return 'not an object';
  if (data.version !== 1) return 'unknown version';
  if (data.kind !== 'host-trust') return 'not a host-level record';
  if (data.file !== realFile) return `it records another file (${String(data.file)})`;
  if (!Array.isArray(data.records)) return 'no list of records';
  for (const record of data.records as Json[]) {
    if (!isRecord(record)) return 'a record is not an object';
    if (typeof record.at !== 'string') return 'a record lacks its date';
    if (typeof record.priorHash !== 'string' || (record.priorHash !== '' && !HASH.test(record.priorHash)) || typeof record.postHash !== 'string' || !HASH.test(record.postHash)) {
      return 'a record lacks its hashes';
    }
    const before = record.before;
    const beforeOk =
      isRecord(before) &&
      (before.kind === 'absent' || before.kind === 'object' || (before.kind === 'blank' && typeof before.text === 'string' && /^\uFEFF?\s*$/.test(before.text)));
    if (!beforeOk) return 'a record says nothing valid about the file before';
    if ((before.kind === 'absent') !== (record.priorHash === '')) return 'a record contradicts itself (absent file with a prior hash)';
    if (record.hostApp !== undefined && (typeof record.hostApp !== 'string' || !/^[a-z][a-z0-9-]{0,31}$/.test(record.hostApp))) return 'a record names no valid host';
    if (record.createdFolders !== undefined) {
      if (!Array.isArray(record.createdFolders) || !record.createdFolders.every((folder) => typeof folder === 'string' && isAncestorOf(folder, realFile))) {
        return 'a record names folders that do not hold the file';
      }
    }
    if (!Array.isArray(record.steps) || record.steps.length === 0) return 'a record has no steps';
    for (const step of record.steps as Json[]) {
      const problem = settingsStepProblem(step);
      if (problem) return problem;
    }
  }
  return null;
}

/** The checks every journal file passes before its bytes are believed: no link, a regular file, a trusted owner, not writable by others. */
async function loadJson(file: string, owners: number[]): Promise<JournalRead<Json>> {
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
  try {
    return { status: 'ok', manifest: JSON.parse((await readRegularFile(file, { noFollow: true })).toString('utf8')) as Json };
  } catch (error) {
    return { status: 'invalid', reason: error instanceof SyntaxError || error instanceof RangeError ? 'not valid JSON' : (error as Error).message };
  }
}

function validated<M>(read: JournalRead<Json>, problem: (data: Json) => string | null): JournalRead<M> {
  if (read.status !== 'ok') return read;
  const why = problem(read.manifest);
  return why ? { status: 'invalid', reason: why } : { status: 'ok', manifest: read.manifest as M };
}

/** Reads and validates a config record; `owners` are the uids trusted to own it. */
export async function loadManifest(file: string, realConfigPath: string, owners: number[]): Promise<ManifestRead> {
  return validated<UndoManifest>(await loadJson(file, owners), (data) => manifestProblem(data, realConfigPath));
}

/** Reads and validates a host-trust record, with the same checks. */
export async function loadHostManifest(file: string, realFile: string, owners: number[]): Promise<JournalRead<HostTrustManifest>> {
  return validated<HostTrustManifest>(await loadJson(file, owners), (data) => hostManifestProblem(data, realFile));
}

function refuse(read: { status: 'foreign'; uid: number } | { status: 'invalid'; reason: string }, file: string): DoctorError {
  const why = read.status === 'foreign' ? `it is owned by another user (uid ${read.uid})` : read.reason;
  return new DoctorError('refused', `the undo record of this file cannot be trusted (${why}): move it away and run again; nothing was changed`, { file });
}

/** For a fix: the config record to append to. One that cannot be validated is refused, never overwritten silently. */
export async function readManifest(file: string, realConfigPath: string, owners: number[] = []): Promise<UndoManifest> {
  const read = await loadManifest(file, realConfigPath, owners);
  if (read.status === 'ok') return read.manifest;
  if (read.status === 'absent') return { version: 1, config: realConfigPath, fixes: [] };
  throw refuse(read, file);
}

/** For a host-level fix: the host-trust record to append to, with the same rule. */
export async function readHostManifest(file: string, realFile: string, owners: number[] = []): Promise<HostTrustManifest> {
  const read = await loadHostManifest(file, realFile, owners);
  if (read.status === 'ok') return read.manifest;
  if (read.status === 'absent') return { version: 1, kind: 'host-trust', file: realFile, records: [] };
  throw refuse(read, file);
}

function recordCount(manifest: JournalManifest): number {
  return 'kind' in manifest && manifest.kind === 'host-trust' ? manifest.records.length : (manifest as UndoManifest).fixes.length;
}

/** Writes a journal file of either kind (atomic, 0600, never through a link); an empty one is removed. */
export async function writeManifest(file: string, manifest: JournalManifest, owners: number[] = []): Promise<void> {
  if (recordCount(manifest) === 0) {
    await fs.rm(file, { force: true });
    return;
  }
  await ensurePrivateDir(path.dirname(file), owners, 'the undo folder');
  await writeFileAtomic(file, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600, noFollow: true });
}

// ---- the whole journal of a home ----

/** One record of the journal, for `undo --home` (newest first) and the editor's "Undo Last Fix". */
export interface JournalEntry {
  kind: JournalKind;
  /** The journal file. */
  journal: string;
  /** The file the record is about (its real path when recorded). */
  target: string;
  at: string;
  /** Position among this file's records (the last is the next undo takes back). */
  index: number;
  /** Bundle paths the record points the file at. */
  bundles: string[];
  hostApp?: string;
}

export interface JournalListing {
  entries: JournalEntry[];
  /** Journal files that were not used, and why (another owner, not valid). */
  problems: { file: string; reason: string }[];
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (isRecord(value)) return Object.values(value).flatMap(stringsIn);
  return [];
}

/** Every record in the journal folders `dirs`, newest first (records of one file: last first). */
export async function listJournal(dirs: string[], owners: number[]): Promise<JournalListing> {
  const entries: JournalEntry[] = [];
  const problems: JournalListing['problems'] = [];
  for (const dir of [...new Set(dirs)]) {
    const stat = await fs.lstat(dir).catch(() => undefined);
    if (!stat) continue;
    if (!stat.isDirectory()) {
      problems.push({ file: dir, reason: stat.isSymbolicLink() ? 'the undo folder is a symbolic link' : 'the undo folder is not a folder' });
      continue;
    }
    if (checksOwnership() && owners.length > 0 && !owners.includes(stat.uid)) {
      problems.push({ file: dir, reason: `the undo folder is owned by uid ${stat.uid}, not by you` });
      continue;
    }
    if (checksOwnership() && (stat.mode & 0o022) !== 0) {
      problems.push({ file: dir, reason: 'the undo folder is writable by other users' });
      continue;
    }
    for (const name of (await fs.readdir(dir)).sort()) {
      if (!JOURNAL_NAME.test(name)) continue;
      const file = path.join(dir, name);
      const raw = await loadJson(file, owners);
      if (raw.status === 'absent') continue;
      if (raw.status !== 'ok') {
        problems.push({ file, reason: raw.status === 'foreign' ? `owned by uid ${raw.uid}, not by you` : raw.reason });
        continue;
      }
      const data = raw.manifest;
      const hostTrust = name.startsWith(HOST_TRUST_MANIFEST_PREFIX);
      const target = isRecord(data) ? (hostTrust ? data.file : data.config) : undefined;
      // The name is the hash of the path it records: a record copied under another name is not used.
      if (typeof target !== 'string' || journalPath(dir, hostTrust ? 'host-trust' : 'config', target) !== file) {
        problems.push({ file, reason: 'its name does not match the file it records' });
        continue;
      }
      if (hostTrust) {
        const read = validated<HostTrustManifest>(raw, (json) => hostManifestProblem(json, target));
        if (read.status !== 'ok') {
          problems.push({ file, reason: read.status === 'invalid' ? read.reason : 'not usable' });
          continue;
        }
        read.manifest.records.forEach((record, index) =>
          entries.push({
            kind: 'host-trust',
            journal: file,
            target,
            at: record.at,
            index,
            bundles: record.steps.flatMap((step) => stringsIn(step.value)).filter((value) => path.isAbsolute(value)),
            ...(record.hostApp ? { hostApp: record.hostApp } : {}),
          }),
        );
      } else {
        const read = validated<UndoManifest>(raw, (json) => manifestProblem(json, target));
        if (read.status !== 'ok') {
          problems.push({ file, reason: read.status === 'invalid' ? read.reason : 'not usable' });
          continue;
        }
        read.manifest.fixes.forEach((fix, index) => entries.push({ kind: 'config', journal: file, target, at: fix.at, index, bundles: [fix.bundle] }));
      }
    }
  }
  // Newest first; within one file the later record first (the order undo must take them back in).
  entries.sort((a, b) => (a.at === b.at ? (a.journal === b.journal ? b.index - a.index : a.journal < b.journal ? -1 : 1) : a.at < b.at ? 1 : -1));
  return { entries, problems };
}
