import * as os from 'node:os';
import * as path from 'node:path';
import type { AnalyzerOptions } from '../core/model/server';
import { readRegularFile } from '../core/files/atomic';
import { DoctorError } from '../core/types';

/** What a CLI command needs from the process, injected so tests can run commands in-process. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
  /** Stdin as a stream of bytes (the process's own; tests feed bounded streams): read without holding it whole. */
  stdinStream?: () => AsyncIterable<Uint8Array | string>;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Which standard streams are terminals (progress, prompts, reading logs instead of stdin). */
  isTTY?: { stdin: boolean; stdout: boolean; stderr: boolean };
  /** Asks one question in the terminal. */
  prompt?: (question: string) => Promise<string>;
}

export type Command = (argv: string[], io: CliIO) => Promise<number>;

export const EXIT_OK = 0;
export const EXIT_USAGE = 2;
export const EXIT_NETWORK = 3;

/** Exit code for a core error: bad input is 2, a host that could not be probed is 3. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof DoctorError) {
    switch (error.kind) {
      case 'network':
      case 'timeout':
      case 'not-tls':
      case 'proxy':
      case 'proxy-auth':
      case 'cancelled':
        return EXIT_NETWORK;
      default:
        return EXIT_USAGE;
    }
  }
  return EXIT_USAGE;
}

export { describeError } from '../core/types';

/** The longest delay Node's timers accept (2^31 - 1 ms). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** `--timeout MS`: a positive whole number of milliseconds, else a usage error. */
export function parseTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(ms > 0)) throw new DoctorError('usage', `--timeout must be a positive number of milliseconds, not '${text}'`);
  // Node's timers hold 32-bit signed milliseconds: a larger delay fires after 1 ms.
  if (ms > MAX_TIMEOUT_MS) throw new DoctorError('usage', `--timeout must be at most ${MAX_TIMEOUT_MS} ms (about 24.8 days), not '${text}'`);
  return ms;
}

/** The probe flags `chain` and `fix --host` share. */
export interface ProbeFlags {
  proxy?: string;
  servername?: string;
  'system-ca'?: string;
  'public-ca'?: string;
  timeout?: string;
}

/** Analysis options from the shared flags; CA files are resolved against the working directory. */
export function analyzerOptions(flags: ProbeFlags, io: CliIO): AnalyzerOptions {
  const file = (value: string | undefined): string | undefined => (value ? path.resolve(io.cwd, value) : undefined);
  return {
    servername: flags.servername,
    proxy: flags.proxy,
    env: io.env,
    timeoutMs: parseTimeout(flags.timeout),
    systemCaFile: file(flags['system-ca']),
    publicCaFile: file(flags['public-ca']),
  };
}

/** The user's home as the command's environment names it. */
export function homeOf(io: CliIO): string {
  return io.env.HOME || io.env.USERPROFILE || os.homedir();
}

/** A file the user named (a CA, the public roots): a regular file only; a missing or odd one is bad input. */
export async function readInput(file: string, what: string): Promise<Buffer> {
  try {
    return await readRegularFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DoctorError('usage', `${what} ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}
