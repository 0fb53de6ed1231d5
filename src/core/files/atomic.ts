// Atomic writes: a temp file beside the target, then rename. A symlinked config is written
// through (the link stays); the bundle and the manifest (`noFollow`) never follow a link; a
// read-only target is refused rather than replaced.
//
// Temp files: `.<name>.mcp-ssl-doctor-<pid>-<random>.tmp`, created 0600 with O_CREAT|O_EXCL|O_NOFOLLOW
// (a config may hold API keys), given the original's owner and mode only right before the rename.
// Those a killed run left behind are removed by the next run that reads or writes that file (a dry
// run, `doctor`, a fix with nothing to change, undo): only when the name is ours for that file, the
// temp belongs to this user (or to the file's owner, whom root gives it to before the rename), and
// its run is over (its pid is dead here, or it is older than a minute: pids are reused).
import { randomBytes } from 'node:crypto';
import { constants, promises as fs, Stats } from 'node:fs';
import * as path from 'node:path';
import { DoctorError } from '../types';

export interface AtomicOptions {
  /** File mode for a new file; an existing file keeps its own. */
  mode?: number;
  /**
   * Called right before the rename with the target's current bytes (undefined when absent):
   * return false to abort (the file changed under us).
   */
  stillExpected?: (current: Buffer | undefined) => boolean;
  /** Refuse a symbolic link at the target instead of writing through it (bundle, manifest). */
  noFollow?: boolean;
}

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
const TEMP_TAG = 'mcp-ssl-doctor';
const TEMP_NAME = /^\.(.+)\.mcp-ssl-doctor-(\d+)-[0-9a-f]+\.tmp$/;
/** A temp file older than this is a leftover even when its pid is alive (pids are reused). */
export const STALE_TEMP_MS = 60_000;

/** The real file behind a path (symlinks followed), or the path itself when it does not exist. */
export async function realTarget(file: string): Promise<string> {
  try {
    return await fs.realpath(file);
  } catch {
    return path.resolve(file);
  }
}

export function ioError(file: string, error: unknown, doing: string): DoctorError {
  if (error instanceof DoctorError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'EISDIR'
        ? 'it is a directory'
        : code === 'ENOENT'
          ? 'no such file'
          : code === 'EROFS'
            ? 'read-only file system'
            : code === 'ELOOP'
              ? 'it is a symbolic link, which is not followed here'
              : (error as Error).message;
  return new DoctorError('io', `cannot ${doing}: ${why}`, { file });
}

/** Whether a process of that id exists (EPERM: it does, owned by someone else). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The temp file name for a target (recognisable, so a later run can clean it up). */
function tempFileFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${TEMP_TAG}-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
}

/** Removes temp files of `target` (or of any file in `dir`) that a killed run left behind. */
export async function cleanStaleTemps(dir: string, base?: string, now = Date.now()): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  for (const name of names) {
    const match = TEMP_NAME.exec(name);
    if (!match || (base !== undefined && match[1] !== base)) continue;
    const file = path.join(dir, name);
    try {
      const stat = await fs.lstat(file);
      if (!stat.isFile() && !stat.isSymbolicLink()) continue;
      if (uid !== undefined && stat.uid !== uid) {
        // Root gives a temp to the config's owner right before the rename: that one is ours too.
        const targetOwner = uid === 0 ? (await fs.stat(path.join(dir, match[1] ?? '')).catch(() => undefined))?.uid : undefined;
        if (stat.uid !== targetOwner) continue;
      }
      const pid = Number(match[2]);
      if (pidAlive(pid) && now - stat.mtimeMs < STALE_TEMP_MS) continue;
      await fs.unlink(file);
      removed.push(file);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}

function notRegular(file: string, stat: Stats): DoctorError {
  if (stat.isDirectory()) return new DoctorError('io', 'expected a file, found a directory', { file });
  const what = stat.isFIFO() ? 'a named pipe (FIFO)' : stat.isSocket() ? 'a socket' : stat.isSymbolicLink() ? 'a symbolic link' : 'a device';
  return new DoctorError('io', `not a regular file (${what}): refusing to use it`, { file });
}

/**
 * Reads a regular file without ever blocking on a FIFO or device (opened non-blocking, checked with
 * fstat before reading); `noFollow` refuses a symbolic link.
 */
export async function readRegularFile(file: string, options: { noFollow?: boolean } = {}): Promise<Buffer> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | O_NONBLOCK | (options.noFollow ? O_NOFOLLOW : 0));
  } catch (error) {
    throw ioError(file, error, 'read');
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw notRegular(file, stat);
    return await handle.readFile();
  } catch (error) {
    throw ioError(file, error, 'read');
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Writes atomically; returns false when stillExpected vetoed the write (nothing written). */
export async function writeFileAtomic(file: string, content: string | Buffer, options: AtomicOptions = {}): Promise<boolean> {
  const target = options.noFollow ? path.resolve(file) : await realTarget(file);
  let mode = options.mode ?? 0o644;
  let owner: { uid: number; gid: number } | undefined;
  try {
    const stat = options.noFollow ? await fs.lstat(target) : await fs.stat(target);
    if (stat.isSymbolicLink()) {
      throw new DoctorError('refused', 'it is a symbolic link: refusing to write through it (someone may have planted it). Remove it and run again', { file });
    }
    if (!stat.isFile()) throw notRegular(file, stat);
    // Checked from the mode bits, not access(): root may write anything, but a read-only file says "leave me".
    if ((stat.mode & 0o222) === 0) {
      throw new DoctorError('io', 'the file is read-only; make it writable (or edit it by hand) and run again. Nothing was changed', { file });
    }
    mode = stat.mode & 0o7777;
    owner = { uid: stat.uid, gid: stat.gid };
  } catch (error) {
    if (error instanceof DoctorError) throw error;
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(file, error, 'read');
    if (isRoot()) {
      // A new file written by root (admin mode, --home) belongs to whoever owns the folder.
      const folder = await fs.stat(path.dirname(target)).catch(() => undefined);
      if (folder) owner = { uid: folder.uid, gid: folder.gid };
    }
  }
  await cleanStaleTemps(path.dirname(target), path.basename(target));
  const temp = tempFileFor(target);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | O_NOFOLLOW, 0o600);
    await handle.writeFile(content);
    await handle.sync();
    if (options.stillExpected) {
      const current = await readRegularFile(target).catch((error: unknown) => {
        if (error instanceof DoctorError && /no such file/.test(error.message)) return undefined;
        throw error;
      });
      if (!options.stillExpected(current)) {
        await handle.close();
        handle = undefined;
        await fs.rm(temp, { force: true });
        return false;
      }
    }
    if (owner && process.platform !== 'win32') {
      const tempStat = await handle.stat();
      if (tempStat.uid !== owner.uid || tempStat.gid !== owner.gid) {
        try {
          await handle.chown(owner.uid, owner.gid);
        } catch (error) {
          // Only root can give a file away; a user keeps the file theirs (their group may differ).
          if (isRoot()) throw error;
        }
      }
    }
    await handle.chmod(mode);
    await handle.close();
    handle = undefined;
    await fs.rename(temp, target);
    return true;
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fs.rm(temp, { force: true });
    throw ioError(file, error, 'write');
  }
}

/** Reads a config (or settings file) and removes the temp copies of it a killed run left behind. */
export async function readFileChecked(file: string): Promise<Buffer> {
  const bytes = await readRegularFile(file);
  const target = await realTarget(file);
  await cleanStaleTemps(path.dirname(target), path.basename(target)).catch(() => undefined);
  return bytes;
}
