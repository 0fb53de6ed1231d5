// Who may own the files the fix trusts (the bundle folder, the bundle, undo manifests): this user,
// and, when root works on someone's home (admin mode, `--home`), that home's owner. POSIX only:
// Windows has no uid and ACLs decide there, so the checks are skipped on win32.
import { promises as fs, Stats } from 'node:fs';
import * as path from 'node:path';
import { DoctorError } from '../types';
import { ioError, isRoot } from './atomic';

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
