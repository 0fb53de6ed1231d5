// Advisory locks: `.<name>.mcp-ssl-doctor.lock` beside the file, created with O_EXCL. Every fix and
// undo of one config (and of its manifest) holds the lock while it reads, decides and writes, so
// parallel runs queue instead of losing each other's changes. A lock whose pid is gone, or older
// than `staleMs`, is taken over (a run killed with -9 leaves one behind).
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DoctorError } from '../types';
import { ioError, pidAlive } from './atomic';

export interface LockOptions {
  /** Older than this, a lock is stale whoever holds it (default 60 s). */
  staleMs?: number;
  /** Give up waiting after this long (default 60 s). */
  timeoutMs?: number;
}

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

export function lockPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.mcp-ssl-doctor.lock`);
}

interface Holder {
  pid: number;
  at: number;
  token: string;
}

async function readHolder(lock: string): Promise<Holder | undefined> {
  try {
    const stat = await fs.lstat(lock);
    const text = stat.isFile() ? await fs.readFile(lock, 'utf8') : '';
    const [pid, at, token] = text.trim().split(/\s+/);
    // An unreadable lock (half-written by a killed run) counts from its mtime.
    return { pid: Number(pid) || 0, at: Number(at) || stat.mtimeMs, token: token ?? '' };
  } catch {
    return undefined;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function takeOverStale(lock: string, stale: Holder): Promise<void> {
  // Rename first, so two runs that both saw the stale lock cannot remove a fresh one between them.
  const aside = `${lock}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await fs.rename(lock, aside);
  } catch {
    return;
  }
  const moved = await readHolder(aside);
  if (moved && moved.token !== stale.token) {
    // Someone took the lock meanwhile and we moved theirs: put it back if the name is still free.
    await fs.link(aside, lock).catch(() => undefined);
  }
  await fs.unlink(aside).catch(() => undefined);
}

/** Runs `work` holding the lock of `file`. */
export async function withLock<T>(file: string, work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lock = lockPathFor(file);
  const staleMs = options.staleMs ?? 60_000;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const token = randomBytes(8).toString('hex');
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      const handle = await fs.open(lock, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | O_NOFOLLOW, 0o600);
      try {
        await handle.writeFile(`${process.pid} ${Date.now()} ${token}\n`);
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(file, error, 'lock');
    }
    const holder = await readHolder(lock);
    if (holder && (!pidAlive(holder.pid) || Date.now() - holder.at > staleMs)) {
      await takeOverStale(lock, holder);
      continue;
    }
    if (Date.now() > deadline) {
      throw new DoctorError(
        'io',
        `another mcp-ssl-doctor run (pid ${holder?.pid ?? '?'}) is changing this file; nothing was changed. Run again when it is done (or remove ${lock} if no such process runs)`,
        { file },
      );
    }
    await sleep(wait + Math.floor(Math.random() * wait));
  }
  try {
    return await work();
  } finally {
    const holder = await readHolder(lock);
    if (holder?.token === token) await fs.unlink(lock).catch(() => undefined);
  }
}
