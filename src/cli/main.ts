import * as path from 'node:path';
import { version } from '../../package.json';
import { terminalSafe } from '../core/text';
import { CliIO, Command, EXIT_USAGE, describeError, exitCodeFor } from './io';

const USAGE = `mcp-ssl-doctor — find the CA a TLS-inspecting proxy signs with and point MCP servers at it

Usage:
  mcp-ssl-doctor scan [FILE...] [--json]
  mcp-ssl-doctor chain HOST[:PORT] [--proxy URL] [--servername NAME] [--system-ca FILE] [--public-ca FILE] [--timeout MS] [--json]
  mcp-ssl-doctor fix --config FILE [--server NAME]... (--ca PEM | --host HOST[:PORT] [--proxy URL] [--servername NAME])
                     [--mode combined|ca-only] [--bundle-dir DIR] [--system-ca FILE] [--public-ca FILE]
                     [--trust-unknown-ca] [--replace] [--remove-insecure] [--timeout MS] [--dry-run] [--json]
  mcp-ssl-doctor undo --config FILE [--json]

  --system-ca FILE        a PEM file standing in for the OS trust store (also: MCP_SSL_DOCTOR_SYSTEM_CA)
  --replace               point an existing, different CA variable at the new bundle
  --remove-insecure       take out settings that disable verification, once the fix is verified

Exit codes: 0 done, 2 bad input or usage, 3 the host could not be probed.
`;

/** Set by the build: each command is a bundle of its own beside dist/cli.js. */
declare const CLI_COMMAND_BUNDLES: boolean | undefined;

/** A command's bundle (dist/cli-<name>.js), so `chain` loads the prober and nothing of the fix. */
function bundled(name: string): Command {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(path.join(__dirname, `cli-${name}.js`)) as Record<string, Command>)[name];
}

/** Commands load lazily: each pays only for its own code. */
const commands: Record<string, () => Promise<Command>> =
  typeof CLI_COMMAND_BUNDLES !== 'undefined' && CLI_COMMAND_BUNDLES
    ? { scan: async () => bundled('scan'), chain: async () => bundled('chain'), fix: async () => bundled('fix'), undo: async () => bundled('undo') }
    : {
        scan: async () => (await import('./scan')).scan,
        chain: async () => (await import('./chain')).chain,
        fix: async () => (await import('./fix')).fix,
        undo: async () => (await import('./undo')).undo,
      };

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(USAGE);
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${version}\n`);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    io.stderr(`mcp-ssl-doctor: unknown command '${name}'\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  try {
    const command = await load();
    return await command(rest, io);
  } catch (error) {
    io.stderr(`mcp-ssl-doctor ${name}: ${describeError(error)}\n`);
    return exitCodeFor(error);
  }
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

/**
 * The process's output for a person: ESC / OSC / CR sequences and bidi overrides from logs, configs
 * and certificates are made visible (terminalSafe), here in one place for every command. JSON output
 * (`--json`) is written byte for byte: JSON.stringify already escapes the C0 controls.
 */
export function processIO(argv: string[], write: { stdout: (text: string) => void; stderr: (text: string) => void }): Pick<CliIO, 'stdout' | 'stderr'> {
  const json = argv.includes('--json');
  return {
    stdout: (text) => write.stdout(json ? text : terminalSafe(text)),
    stderr: (text) => write.stderr(terminalSafe(text)),
  };
}

if (require.main === module) {
  const io: CliIO = {
    ...processIO(process.argv.slice(2), {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
    }),
    readStdin,
    env: process.env,
    cwd: process.cwd(),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      io.stderr(`mcp-ssl-doctor: ${describeError(error)}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}
