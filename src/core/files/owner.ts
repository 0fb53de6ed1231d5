// Who may own the files the fix trusts (the bundle folder, the bundle, the undo journal): this user,
// and, when root works on someone's home (admin mode, `--home`), that home's owner; and the one rule
// for what root writes there: it stays (or becomes) that user's. POSIX only: Windows has no uid and
// ACLs decide there, so the checks are skipped on win32.
import { promises as fs, Stats } from 'node:fs';
import * as path from 'node:path';
import { DoctorError } from '../types';
import { ioError, isRoot, realTarget } from './atomic';

export function checksOwnership(platform: NodeJS.Platform = process.platform): boolean {
  return platform !== 'win32' && typeof process.getuid === 'function';
}

/** The uids whose files are trusted: ours, plus the home's owner when running as root. */
export async function trustedOwners(home?: string): Promise<number[]> {
  if (typeof process.getuid !== 'function') return [];
  const owners = [process.getuid()];
  if (isRoot() && home) {
    const stat = await fs.stat(home).catch(() => undefined);
    if (stat && !owners.includes(stat.uid)) owners.push(stat.uid);
  }
  return owners;
}

/** Refuses a file or folder owned by someone else or writable by others (group or world). */
export function checkOwned(stat: Stats, file: string, owners: number[], what: string): void {
  if (!checksOwnership()) return;
  if (owners.length > 0 && !owners.includes(stat.uid)) {
    throw new DoctorError('refused', `${what} is owned by another user (uid ${stat.uid}): refusing to trust it. Remove it or fix its owner, then run again`, { file });
  }
  // A folder with the sticky bit (like /tmp) still lets others plant names in it: refused too.
  if ((stat.mode & 0o022) !== 0) {
    throw new DoctorError(
      'refused',
      `${what} is writable by other users (mode ${(stat.mode & 0o7777).toString(8)}): anyone could replace what it holds. Run chmod go-w on it, then run again`,
      { file },
    );
  }
}

/** Creates a private folder (0700) or checks an existing one: a real folder, ours, not writable by others. */
export async function ensurePrivateDir(dir: string, owners: number[], what: string): Promise<void> {
  try {
    const created = await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    if (created && isRoot()) {
      // Admin mode: folders root creates in someone's home belong to that home's owner.
      const parent = await fs.stat(path.dirname(created));
      const relative = path.relative(created, dir);
      let current = created;
      for (const part of ['', ...(relative ? relative.split(path.sep) : [])]) {
        current = part ? path.join(current, part) : current;
        await fs.chown(current, parent.uid, parent.gid);
      }
    }
  } catch (error) {
    throw ioError(dir, error, `create ${what}`);
  }
  let stat: Stats;
  try {
    stat = await fs.stat(dir);
  } catch (error) {
    throw ioError(dir, error, `read ${what}`);
  }
  if (!stat.isDirectory()) throw new DoctorError('io', `${what} is not a folder`, { file: dir });
  checkOwned(stat, dir, owners, what);
}

// ---- run as root for another user (`doctor --home`): what we write stays theirs ----

export interface Owner {
  uid: number;
  gid: number;
}

/** Where a path really lands: symlinks of the file and of its folders resolved, missing tail kept. */
async function realLocation(file: string): Promise<string> {
  const tail: string[] = [];
  for (let at = path.resolve(file); ; at = path.dirname(at)) {
    try {
      return path.join(await fs.realpath(at), ...tail);
    } catch {
      if (path.dirname(at) === at) return path.resolve(file);
      tail.unshift(path.basename(at));
    }
  }
}

/**
 * The owner written files must keep: the file's own, else the home folder's. Null unless we are root
 * writing for another user. Then the file must really lie inside that home: a symlinked file or folder
 * pointing elsewhere (/etc/sudoers.d) would otherwise get a root-written file handed to the user.
 */
export async function ownerToKeep(file: string, home: string): Promise<Owner | null> {
  if (process.getuid?.() !== 0) return null;
  const homeStat = await fs.stat(home).catch(() => undefined);
  if (!homeStat || homeStat.uid === 0) return null;
  const realHome = await fs.realpath(home);
  const real = await realLocation(file);
  const relative = path.relative(realHome, real);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new DoctorError('refused', `running as root for ${home}: ${file} resolves to ${real}, outside that home folder (a symlink?); nothing was written`, { file });
  }
  const stat = (await fs.stat(file).catch(() => undefined)) ?? homeStat;
  return { uid: stat.uid, gid: stat.gid };
}

/** Folders mkdir -p would create for `dir`, outermost first. */
async function missingFolders(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (let at = dir; (await fs.stat(at).catch(() => undefined)) === undefined; at = path.dirname(at)) {
    missing.unshift(at);
    if (path.dirname(at) === at) break;
  }
  return missing;
}

/** mkdir -p, the new folders given to `owner`; returns the folders it created, outermost first. */
export async function makeFolders(dir: string, owner: Owner | null): Promise<string[]> {
  const missing = await missingFolders(dir);
  await fs.mkdir(dir, { recursive: true });
  if (owner) for (const folder of missing) await fs.chown(folder, owner.uid, owner.gid);
  return missing;
}

export async function keepOwner(file: string, owner: Owner | null): Promise<void> {
  if (owner) await fs.chown(await realTarget(file), owner.uid, owner.gid);
}

/** Removes the folders a write created (innermost first) while they are empty; returns those removed. */
export async function removeEmptyFolders(folders: string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const folder of [...folders].sort((a, b) => b.length - a.length)) {
    const stat = await fs.lstat(folder).catch(() => undefined);
    if (!stat?.isDirectory()) continue;
    try {
      await fs.rmdir(folder);
      removed.push(folder);
    } catch {
      // not empty (something else lives there now), or not ours to remove: it stays
    }
  }
  return removed;
}
