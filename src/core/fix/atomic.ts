// Atomic writes: a temp file beside the target, then rename. A symlinked target is written
// through (the link stays); a read-only target is refused rather than replaced.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
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
}

/** The real file behind a path (symlinks followed), or the path itself when it does not exist. */
export async function realTarget(file: string): Promise<string> {
  try {
    return await fs.realpath(file);
  } catch {
    return path.resolve(file);
  }
}

function ioError(file: string, error: unknown, doing: string): DoctorError {
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
            : (error as Error).message;
  return new DoctorError('io', `cannot ${doing}: ${why}`, { file });
}

/** Writes atomically; returns false when stillExpected vetoed the write (nothing written). */
export async function writeFileAtomic(file: string, content: string | Buffer, options: AtomicOptions = {}): Promise<boolean> {
  const target = await realTarget(file);
  let mode = options.mode ?? 0o644;
  try {
    const stat = await fs.stat(target);
    if (stat.isDirectory()) throw new DoctorError('io', 'cannot write: it is a directory', { file });
    // Checked from the mode bits, not access(): root may write anything, but a read-only file says "leave me".
    if ((stat.mode & 0o222) === 0) {
      throw new DoctorError('io', 'the file is read-only; make it writable (or edit it by hand) and run again. Nothing was changed', { file });
    }
    mode = stat.mode & 0o7777;
  } catch (error) {
    if (error instanceof DoctorError) throw error;
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(file, error, 'read');
  }
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fs.writeFile(temp, content, { mode, flag: 'wx' });
    await fs.chmod(temp, mode);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw ioError(file, error, 'write');
  }
  try {
    if (options.stillExpected) {
      const current = await fs.readFile(target).catch(() => undefined);
      if (!options.stillExpected(current)) {
        await fs.rm(temp, { force: true });
        return false;
      }
    }
    await fs.rename(temp, target);
    return true;
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw ioError(file, error, 'write');
  }
}

export async function readFileChecked(file: string): Promise<Buffer> {
  try {
    const stat = await fs.stat(file);
    if (stat.isDirectory()) throw new DoctorError('io', 'expected a file, found a directory', { file });
    return await fs.readFile(file);
  } catch (error) {
    if (error instanceof DoctorError) throw error;
    throw ioError(file, error, 'read');
  }
}
