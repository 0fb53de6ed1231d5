// Follows a growing log file: each read returns the complete new lines since the last one and
// reads only the appended bytes, so its cost does not depend on the file's size.
import { promises as fs } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export interface TailOptions {
  /** Bytes read per call at most (the rest comes on the next call). Default 4 MB. */
  maxBytesPerRead?: number;
  /** Start at the current end of the file (ignore what it already holds). Default false. */
  startAtEnd?: boolean;
}

/** Longest partial line kept between reads (characters). */
const MAX_PARTIAL = 8 * 1024 * 1024;

export class FileTailer {
  private offset = 0;
  private identity: string | null = null;
  private partial = '';
  private decoder = new StringDecoder('utf8');
  private started = false;
  private readonly maxBytes: number;
  /** Why the last read returned nothing, when it was not "no new bytes" (missing, unreadable). */
  lastProblem: string | null = null;

  constructor(
    readonly path: string,
    private readonly options: TailOptions = {},
  ) {
    this.maxBytes = options.maxBytesPerRead ?? 4 * 1024 * 1024;
  }

  private reset(offset: number): void {
    this.offset = offset;
    this.partial = '';
    this.decoder = new StringDecoder('utf8');
  }

  async read(): Promise<string[]> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.path, 'r');
    } catch (error) {
      this.lastProblem = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (error as Error).message;
      // Deleted: whatever comes under that name later is a new file.
      if (this.identity !== null) this.identity = null;
      if (!this.started) this.started = true;
      this.reset(0);
      return [];
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) {
        this.lastProblem = 'not a file';
        return [];
      }
      this.lastProblem = null;
      const identity = `${stat.dev}:${stat.ino}`;
      if (!this.started) {
        this.started = true;
        this.identity = identity;
        this.reset(this.options.startAtEnd ? stat.size : 0);
      } else if (identity !== this.identity) {
        // Rotated: a new file under the same name; read it from its start.
        this.identity = identity;
        this.reset(0);
      } else if (stat.size < this.offset) {
        // Truncated in place.
        this.reset(0);
      }
      const available = stat.size - this.offset;
      if (available <= 0) return [];
      const length = Math.min(available, this.maxBytes);
      const buffer = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(buffer, 0, length, this.offset);
      this.offset += bytesRead;
      const text = this.partial + this.decoder.write(buffer.subarray(0, bytesRead));
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      // A line that never ends must not grow without bound: hand it over in pieces.
      if (this.partial.length > MAX_PARTIAL) {
        lines.push(this.partial);
        this.partial = '';
      }
      return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
    } finally {
      await handle.close();
    }
  }

  /** The bytes read so far (where the next read starts). */
  get position(): number {
    return this.offset;
  }
}
