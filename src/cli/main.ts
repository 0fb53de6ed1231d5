import * as path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { version } from '../../package.json';
import { terminalSafe } from '../core/text';
import { CliIO, Command, EXIT_USAGE, describeError, exitCodeFor } from './io';

const COMMAND_USAGE: Record<string, string> = {
  scan: `  mcp-ssl-doctor scan [FILE...] [--json]
                     (no FILE: standard input, or the editors' MCP logs when it is a terminal)`,
  chain: `  mcp-ssl-doctor chain HOST[:PORT] [--proxy URL] [--servername NAME] [--system-ca FILE] [--public-ca FILE] [--timeout MS] [--json]`,
  fix: `  mcp-ssl-doctor fix --config FILE [--server NAME]... (--ca PEM | --host HOST[:PORT] [--proxy URL] [--servername NAME])
                     [--mode combined|ca-only] [--bundle-dir DIR] [--system-ca FILE] [--public-ca FILE]
                     [--trust-unknown-ca] [--replace] [--remove-insecure] [--timeout MS] [--no-runtime-check] [--verify-docker]
                     [--host-app ID] [--trust-mode bundle|auto|os-store] [--dry-run] [--json]
  mcp-ssl-doctor fix --host-level HOSTAPP (--host HOST[:PORT] | --ca PEM) [--settings FILE] [--yes] [--yes-os-store]
                     [--proxy URL] [--bundle-dir DIR] [--system-ca FILE] [--public-ca FILE] [--trust-unknown-ca]
                     [--replace] [--timeout MS] [--dry-run] [--json]
                     (remote MCP servers: the host connects itself, so the CA goes into the host — vscode, cursor,
                     claude-code, ... — its settings, and with --yes-os-store the OS store; at a terminal it asks first)`,
  undo: `  mcp-ssl-doctor undo [--config FILE | --home DIR] [--bundle-dir DIR] [--json]
                     (--config: the last fix of that file; --home, or neither: everything recorded for that home,
                     or yours, newest first)`,
  doctor: `  mcp-ssl-doctor doctor [--workspace DIR]... [--home DIR]... [--ca PEM] [--proxy URL] [--probe-host HOST[:PORT]]
                     [--fix [--yes] [--yes-os-store]] [--check] [--trust-unknown-ca] [--bundle-dir DIR] [--mode combined|ca-only]
                     [--trust-mode auto|bundle|os-store]
                     [--system-ca FILE] [--public-ca FILE] [--timeout MS] [--no-logs] [--no-runtime-check] [--verify-docker] [--json]`,
};

/** Options of one command, for its own --help (the shared NOTES name options of fix and doctor). */
const COMMAND_NOTES: Record<string, string> = {
  undo: `
  --config FILE           take back the last fix of FILE: an MCP config, or a host's settings file a host-level fix
                          changed; later edits of it stay. Run it again for the fix before
  --home DIR              take back everything recorded for DIR (as root: another user's home, after doctor --home DIR),
                          newest first; the bundles and empty folders the fixes created go too
  --bundle-dir DIR        also look in DIR/undo (where an older release kept its records)
  --json                  the result as JSON

With neither --config nor --home: everything recorded for your home.
Exit codes: 0 done, 2 nothing to undo, bad input, or a record that cannot be trusted (the file is left as it is).
`,
};

const NOTES = `
  --system-ca FILE        a PEM file standing in for the OS trust store (also: MCP_SSL_DOCTOR_SYSTEM_CA)
  --trust-unknown-ca      trust a root that no store knows (only when IT confirms its fingerprint)
  --replace               point an existing, different CA variable at the new bundle
  --remove-insecure       take out settings that disable verification, once the fix is verified
  fix --host-app ID       the MCP host that reads the config (vscode, cursor, claude-desktop, claude-code, cline, ...):
                          its rules give the servers their environment in the runtime check (default: by the file's place)
  doctor --check          change nothing; exit 1 when a fix would change something, a config cannot be read,
                          or a server will fail that --fix cannot fix (fleet detection scripts)
  doctor --yes-os-store   host-level fixes of remote servers may add the root to your OS store (macOS, Windows)
  doctor --home DIR       as root: the MCP configs of other users' homes (files keep their owner and mode)
  doctor --trust-mode M   auto (default): a server whose own runtime reads the OS store (Node ≥ 22.19 / 24.6:
                          NODE_USE_SYSTEM_CA=1; Deno: DENO_TLS_CA_STORE) gets that switch when the store holds the root
                          and its runtime check proves it, else the bundle; bundle: always the bundle; os-store: only the switch

Exit codes: 0 done, 1 doctor --check found something to fix (or doctor --fix could not fix all, or a config could not be read),
2 bad input or usage, 3 a host could not be probed.
`;

const USAGE = `mcp-ssl-doctor — find the CA a TLS-inspecting proxy signs with and point MCP servers at it

Usage:
${Object.values(COMMAND_USAGE).join('\n')}
${NOTES}`;

/** Set by the build: each command is a bundle of its own beside dist/cli.js. */
declare const CLI_COMMAND_BUNDLES: boolean | undefined;

const NAMES = ['scan', 'chain', 'fix', 'undo', 'doctor'] as const;

/** A command's bundle (dist/cli-<name>.js), so `chain` loads the prober and nothing of the fix. */
function bundled(name: string): Command {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(path.join(__dirname, `cli-${name}.js`)) as Record<string, Command>)[name] as Command;
}

/** Commands load lazily: each pays only for its own code. */
const commands: Record<string, () => Promise<Command>> =
  typeof CLI_COMMAND_BUNDLES !== 'undefined' && CLI_COMMAND_BUNDLES
    ? Object.fromEntries(NAMES.map((name) => [name, async () => bundled(name)]))
    : {
        scan: async () => (await import('./scan')).scan,
        chain: async () => (await import('./chain')).chain,
        fix: async () => (await import('./fix')).fix,
        undo: async () => (await import('./undo')).undo,
        doctor: async () => (await import('./doctor')).doctor,
      };

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic && COMMAND_USAGE[topic]) {
      io.stdout(`Usage:\n${COMMAND_USAGE[topic]}\n${COMMAND_NOTES[topic] ?? NOTES}`);
      return 0;
    }
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
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`Usage:\n${COMMAND_USAGE[name]}\n${COMMAND_NOTES[name] ?? NOTES}`);
    return 0;
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

async function prompt(question: string): Promise<string> {
  const readline = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await readline.question(question);
  } finally {
    readline.close();
  }
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
  // `mcp-ssl-doctor scan … | head -1`: a reader that went away is no error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  const io: CliIO = {
    ...processIO(process.argv.slice(2), {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
    }),
    readStdin,
    stdinStream: () => process.stdin,
    env: process.env,
    cwd: process.cwd(),
    isTTY: { stdin: process.stdin.isTTY === true, stdout: process.stdout.isTTY === true, stderr: process.stderr.isTTY === true },
    prompt,
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
