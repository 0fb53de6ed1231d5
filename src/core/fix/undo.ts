// Undo: takes back exactly what the last fix added. Later edits elsewhere stay; with no edits in
// between, the file is byte-for-byte what it was before the fix. `undoHome` takes back everything
// the journal (manifest.ts) holds for a home, of every kind, newest first.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DoctorError, DoctorErrorKind } from '../types';
import { undoHostTrust, HostTrustUndoResult } from '../hostTrust/apply';
import { readRegularFile, realTarget, writeFileAtomic } from '../files/atomic';
import { parseConfig, stripBom } from '../config/config';
import { UndoStep, undoSteps } from '../config/edit';
import { withLock } from '../files/lock';
import { hostTrustManifestPath, JournalEntry, JournalKind, listJournal, loadHostManifest, loadManifest, manifestPath, sha256, UndoManifest, writeManifest } from './journal';
import { checkOwned, removeEmptyFolders, trustedOwners } from '../files/owner';
import { CONTAINER_BUNDLE_PATH } from '../runtime/docker';
import { RUNTIME_VARIABLES } from '../runtime/variables';
import { defaultBundleDir, undoDir } from './paths';
import { atomicSafeRead } from '../config/read';

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

const OUR_VARIABLES = new Set(Object.values(RUNTIME_VARIABLES).flat());

function parsesAsScalar(raw: string): boolean {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'string' || typeof value === 'number' || value === null;
  } catch {
    return false;
  }
}

/**
 * Whether a step only takes out what a fix adds (a CA variable pointing at a bundle, the docker
 * mount and `-e` options): the only steps applied when the file changed since the fix, because then
 * the recorded hashes can no longer prove what the fix wrote.
 */
/** The keys that hold a server's env: `env`; opencode's `environment`; Goose's `envs`. */
const ENV_KEYS = new Set<string | number | undefined>(['env', 'environment', 'envs']);

function provablyOurs(step: UndoStep): boolean {
  const last = step.path[step.path.length - 1];
  const parentKey = step.path[step.path.length - 2];
  const parent = ENV_KEYS.has(parentKey) ? 'env' : parentKey;
  switch (step.op) {
    case 'add-member':
      if (ENV_KEYS.has(last)) {
        return typeof step.value === 'object' && step.value !== null && Object.keys(step.value).every((key) => OUR_VARIABLES.has(key));
      }
      return parent === 'env' && typeof last === 'string' && OUR_VARIABLES.has(last) && typeof step.value === 'string';
    case 'replace-value':
      return parent === 'env' && typeof last === 'string' && OUR_VARIABLES.has(last) && parsesAsScalar(step.priorRaw);
    case 'insert-items': {
      if (last !== 'args' || step.values.length % 2 !== 0) return false;
      for (let i = 0; i < step.values.length; i += 2) {
        const [flag, value] = [step.values[i], step.values[i + 1] ?? ''];
        const ok =
          (flag === '--mount' && value.includes(`target=${CONTAINER_BUNDLE_PATH}`)) ||
          (flag === '-e' && OUR_VARIABLES.has(value.split('=')[0] ?? '') && value.endsWith(`=${CONTAINER_BUNDLE_PATH}`));
        if (!ok) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

interface FoundManifest {
  file: string;
  manifest: UndoManifest;
}

/** The manifest that records fixes of this config: only one owned by this user and valid is used. */
async function findManifest(places: string[], real: string, owners: number[], configPath: string): Promise<{ found?: FoundManifest; ignored: string[] }> {
  const ignored: string[] = [];
  for (const place of places) {
    const read = await loadManifest(place, real, owners);
    if (read.status === 'absent') continue;
    if (read.status === 'foreign') {
      ignored.push(`${place} (owned by uid ${read.uid}, not by you)`);
      continue;
    }
    if (read.status === 'invalid') {
      throw new DoctorError('refused', `the undo record ${place} cannot be used (${read.reason}); nothing was changed. Undo this fix by hand, then remove that file`, {
        file: configPath,
      });
    }
    if (read.manifest.fixes.length > 0) return { found: { file: place, manifest: read.manifest }, ignored };
  }
  return { ignored };
}

export async function undoFix(options: UndoOptions): Promise<UndoResult> {
  const home = options.home ?? os.homedir();
  const dir = undoDir(home, options.platform);
  const real = await realTarget(options.configPath);
  const places = [manifestPath(dir, real)];
  if (options.bundleDir) places.push(manifestPath(path.join(options.bundleDir, 'undo'), real));
  const owners = await trustedOwners(home);
  return withLock(real, async () => {
    const { found, ignored } = await findManifest(places, real, owners, options.configPath);
    if (!found) {
      const note = ignored.length > 0 ? ` (ignored: ${ignored.join('; ')})` : '';
      throw new DoctorError('usage', `nothing to undo: no fix of this file is recorded in ${dir}${note}`, { file: options.configPath });
    }
    return withLock(found.file, async () => {
      // Re-read under the lock: another run may have changed it since.
      const again = await loadManifest(found.file, real, owners);
      const manifest = again.status === 'ok' ? again.manifest : found.manifest;
      const last = manifest.fixes[manifest.fixes.length - 1];
      if (!last) throw new DoctorError('usage', `nothing to undo: no fix of this file is recorded in ${dir}`, { file: options.configPath });
      const { bytes, text: rawText } = await atomicSafeRead(options.configPath);
      const currentHash = sha256(bytes);
      const finish = async (result: UndoResult): Promise<UndoResult> => {
        manifest.fixes.pop();
        await writeManifest(found.file, manifest, owners);
        return { ...result, remaining: manifest.fixes.length };
      };
      if (currentHash === last.priorHash && currentHash !== last.postHash) {
        // The fix was recorded but never written (a run killed between the two): nothing to take back.
        return finish({ config: options.configPath, removed: [], kept: [], identical: true, remaining: 0 });
      }
      const proven = currentHash === last.postHash;
      const applied = proven ? last.steps : last.steps.filter(provablyOurs);
      const unproven = proven ? [] : last.steps.filter((step) => !provablyOurs(step));
      const { text, bom } = stripBom(rawText);
      const outcome = undoSteps(options.configPath, text, applied);
      const content = (bom ? '\uFEFF' : '') + outcome.text;
      const identical = sha256(Buffer.from(content, 'utf8')) === last.priorHash;
      if (proven && !identical) {
        throw new DoctorError(
          'refused',
          `the undo record ${found.file} does not match what the fix wrote (taking its steps back would not restore the file as it was); nothing was changed`,
          { file: options.configPath },
        );
      }
      try {
        parseConfig(options.configPath, content);
      } catch (error) {
        throw new DoctorError('malformed-config', `undo would leave the file malformed (${error instanceof Error ? error.message : String(error)}); nothing was changed`, {
          file: options.configPath,
        });
      }
      if (content !== rawText) {
        const wrote = await writeFileAtomic(options.configPath, content, { stillExpected: (current) => current !== undefined && current.equals(bytes) });
        if (!wrote) {
          throw new DoctorError('io', 'the file changed while undo was writing it; nothing was changed. Run undo again', { file: options.configPath });
        }
      }
      return finish({
        config: options.configPath,
        removed: outcome.undone.map((step) => describeStep(step, last.serversPathLength)),
        kept: [
          ...outcome.kept.map(({ step, reason }) => ({ ...describeStep(step, last.serversPathLength), reason })),
          ...unproven.map((step) => ({
            ...describeStep(step, last.serversPathLength),
            reason: 'the file changed since the fix, so what the fix took out cannot be proven: put it back by hand if you need it',
          })),
        ],
        identical,
        remaining: 0,
      });
    });
  });
}

// ---- every kind, every file of a home ----

/** What one undo took back: a config fix, or a host-level edit of a host's settings file. */
export type FileUndo = { kind: 'config'; result: UndoResult } | { kind: 'host-trust'; result: HostTrustUndoResult };

export interface JournalOptions {
  /** The home whose journal holds the records (default: see `journalHomesOf`). */
  home?: string;
  /** This user's home, when it is not `os.homedir()` (the CLI's `HOME`). */
  ownHome?: string;
  /** An older release kept config records in `<bundleDir>/undo`: looked at as well. */
  bundleDir?: string;
  platform?: NodeJS.Platform;
}

/**
 * The homes whose journal may hold records of `file`: the one given; else each folder the file lies
 * in that has a journal of its own (`doctor --home H --fix` records under H), then this user's.
 */
export async function journalHomesOf(file: string, options: JournalOptions = {}): Promise<string[]> {
  if (options.home !== undefined) return [options.home];
  const platform = options.platform ?? process.platform;
  const homes: string[] = [];
  for (let at = path.dirname(await realTarget(file)); ; at = path.dirname(at)) {
    const stat = await fs.lstat(undoDir(at, platform)).catch(() => undefined);
    if (stat?.isDirectory()) homes.push(at);
    if (path.dirname(at) === at) break;
  }
  const own = options.ownHome ?? os.homedir();
  return homes.includes(own) ? homes : [...homes, own];
}

/** Takes back the newest record of `file`, whichever kind it is, from the first home whose journal has one. */
export async function undoFile(file: string, options: JournalOptions = {}): Promise<FileUndo> {
  const platform = options.platform ?? process.platform;
  const real = await realTarget(file);
  const homes = await journalHomesOf(file, options);
  const ignored: string[] = [];
  for (const [i, home] of homes.entries()) {
    const owners = await trustedOwners(home);
    const bundleDir = i === 0 ? options.bundleDir : undefined;
    const config = await loadManifest(manifestPath(undoDir(home, platform), real), real, owners);
    const legacy = bundleDir ? await loadManifest(manifestPath(path.join(bundleDir, 'undo'), real), real, owners) : undefined;
    const host = await loadHostManifest(hostTrustManifestPath(home, platform, real), real, owners);
    const configAt = config.status === 'ok' ? config.manifest.fixes.at(-1)?.at : undefined;
    const hostAt = host.status === 'ok' ? host.manifest.records.at(-1)?.at : undefined;
    for (const read of [config, legacy, host]) if (read?.status === 'foreign') ignored.push(`a record owned by uid ${read.uid}, not by you`);
    // A record that cannot be used is reported (refused) by the undo of its kind, never passed over.
    const hasConfig = configAt !== undefined || config.status === 'invalid' || (legacy !== undefined && legacy.status !== 'absent' && legacy.status !== 'foreign');
    const hasHost = hostAt !== undefined || host.status === 'invalid';
    if (hasHost && (!hasConfig || (hostAt !== undefined && configAt !== undefined && hostAt > configAt))) {
      return { kind: 'host-trust', result: await undoHostTrust(file, { home, platform }) };
    }
    if (hasConfig) return { kind: 'config', result: await undoFix({ configPath: file, home, platform, bundleDir }) };
  }
  const looked = homes.map((home) => undoDir(home, platform)).join(', ');
  const note = ignored.length > 0 ? ` (ignored: ${ignored.join('; ')})` : '';
  throw new DoctorError('usage', `nothing to undo: no fix of this file is recorded in ${looked}${note}`, { file });
}

export interface HomeUndoResult {
  home: string;
  /** In the order taken back: newest first. */
  undone: FileUndo[];
  /** Files whose records stay (their undo was refused or failed): older records of them were not tried. */
  failed: { file: string; kind: JournalKind; errorKind: DoctorErrorKind | 'error'; message: string }[];
  /** Journal files not used: owned by someone else, or not valid. */
  ignored: { file: string; reason: string }[];
  /** Bundles the fixes wrote that nothing recorded uses any more. */
  removedFiles: string[];
  /** Folders the fixes created (and the tool's own folder), empty again. */
  removedFolders: string[];
}

const BUNDLE_NAME = /^(ca-bundle|ca-only)-[0-9a-f]{12}\.pem$/;

/** Takes back everything the journal of `home` records, newest first; then the bundles and folders no record needs. */
export async function undoHome(options: JournalOptions & { home: string }): Promise<HomeUndoResult> {
  const platform = options.platform ?? process.platform;
  const home = options.home;
  const owners = await trustedOwners(home);
  const dirs = [undoDir(home, platform), ...(options.bundleDir ? [path.join(options.bundleDir, 'undo')] : [])];
  const listing = await listJournal(dirs, owners);
  if (listing.entries.length === 0 && listing.problems.length === 0) {
    throw new DoctorError('usage', `nothing to undo: no fix is recorded in ${undoDir(home, platform)}`);
  }
  const result: HomeUndoResult = { home, undone: [], failed: [], ignored: listing.problems, removedFiles: [], removedFolders: [] };
  const failedTargets = new Set<string>();
  const undoneEntries: JournalEntry[] = [];
  for (const entry of listing.entries) {
    const key = `${entry.kind}:${entry.journal}`;
    if (failedTargets.has(key)) continue;
    try {
      const legacy = entry.journal.startsWith(dirs[1] ?? '\u0000');
      result.undone.push(
        entry.kind === 'host-trust'
          ? { kind: 'host-trust', result: await undoHostTrust(entry.target, { home, platform }) }
          : { kind: 'config', result: await undoFix({ configPath: entry.target, home, platform, bundleDir: legacy ? options.bundleDir : undefined }) },
      );
      undoneEntries.push(entry);
    } catch (error) {
      failedTargets.add(key);
      result.failed.push({
        file: entry.target,
        kind: entry.kind,
        errorKind: error instanceof DoctorError ? error.kind : 'error',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
  // The bundles those fixes pointed at, once nothing left in the journal and none of the undone files names them.
  const left = new Set((await listJournal(dirs, owners)).entries.flatMap((entry) => entry.bundles));
  const bundleDirs = new Set([defaultBundleDir(home, platform), ...(options.bundleDir ? [path.resolve(options.bundleDir)] : [])]);
  const candidates = [...new Set(undoneEntries.flatMap((entry) => entry.bundles))].filter(
    (bundle) => !left.has(bundle) && bundleDirs.has(path.dirname(bundle)) && BUNDLE_NAME.test(path.basename(bundle)),
  );
  const stillNamed = async (bundle: string): Promise<boolean> => {
    for (const target of new Set(undoneEntries.map((entry) => entry.target))) {
      const text = await readRegularFile(target).then((bytes) => bytes.toString('utf8'), () => '');
      if (text.includes(path.basename(bundle))) return true;
    }
    return false;
  };
  for (const bundle of candidates) {
    const stat = await fs.lstat(bundle).catch(() => undefined);
    if (!stat?.isFile() || (await stillNamed(bundle))) continue;
    try {
      checkOwned(stat, bundle, owners, 'the bundle');
      await fs.unlink(bundle);
      result.removedFiles.push(bundle);
    } catch {
      // not ours: it stays
    }
  }
  result.removedFolders.push(...result.undone.flatMap((item) => (item.kind === 'host-trust' ? item.result.removedFolders : [])));
  // The tool's own folders, when nothing is left in them.
  result.removedFolders.push(...(await removeEmptyFolders([undoDir(home, platform), defaultBundleDir(home, platform)])));
  return result;
}

/** The config fixes recorded in a home's journal, newest first (the editor's "Undo Last Fix" reads this). */
export async function recordedConfigFixes(options: JournalOptions = {}): Promise<{ configPath: string; at: string }[]> {
  const platform = options.platform ?? process.platform;
  const home = options.home ?? options.ownHome ?? os.homedir();
  const dirs = [undoDir(home, platform), ...(options.bundleDir ? [path.join(options.bundleDir, 'undo')] : [])];
  const { entries } = await listJournal(dirs, await trustedOwners(home));
  return entries.filter((entry) => entry.kind === 'config').map((entry) => ({ configPath: entry.target, at: entry.at }));
}
