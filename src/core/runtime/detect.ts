// Which runtime a server's command starts: the launcher table and the rules that read a command
// line (a Windows `cmd /c` wrapper, a container CLI, a shell string). Adding a launcher is adding a
// row; its CA variables are a row in variables.ts.
import { findDockerImage } from './docker';

export type ServerRuntime = 'python' | 'node' | 'bun' | 'deno' | 'docker' | 'unknown';

export interface LauncherRow {
  /** Command base names (lowercase, without .exe/.cmd/.bat/.ps1). */
  commands: string[];
  runtime: ServerRuntime;
  /** When set, the first argument (after options) must be one of these, e.g. `uv run`, `pnpm dlx`. */
  subcommands?: string[];
  /** uv fetches the package itself (rustls): it reads SSL_CERT_FILE too. */
  viaUv?: boolean;
}

/** Container CLIs (`docker run` is fixed with a mount; see containerCommand for the rest). */
export const CONTAINER_CLIS = ['docker', 'podman', 'nerdctl'];

export const LAUNCHERS: LauncherRow[] = [
  { commands: ['uvx'], runtime: 'python', viaUv: true },
  { commands: ['uv'], runtime: 'python', subcommands: ['run', 'tool'], viaUv: true },
  { commands: ['python', 'python3', 'py', 'pythonw', 'pypy', 'pypy3'], runtime: 'python' },
  { commands: ['pipx'], runtime: 'python', subcommands: ['run'] },
  { commands: ['poetry', 'pdm', 'hatch', 'rye', 'pixi'], runtime: 'python', subcommands: ['run'] },
  { commands: ['conda', 'mamba', 'micromamba'], runtime: 'python', subcommands: ['run'] },
  { commands: ['npx', 'node', 'nodejs', 'tsx', 'ts-node'], runtime: 'node' },
  // Bun runs the server itself (not Node): `bunx` is `bun x`. What it reads: variables.ts.
  { commands: ['bunx', 'bun'], runtime: 'bun' },
  { commands: ['pnpm', 'yarn'], runtime: 'node', subcommands: ['dlx', 'exec'] },
  { commands: ['npm'], runtime: 'node', subcommands: ['exec', 'x'] },
  { commands: ['deno'], runtime: 'deno' },
];

/**
 * Why variables written into an entry cannot reach the server's process, as a code front ends word:
 * - `container-exec`: `docker exec` / `podman exec` / `docker compose exec|run` / `docker start -a`:
 *   the server runs in a container that exists already; the entry's env stays with the CLI.
 * - `docker-gateway`: `docker mcp gateway run`, the Docker MCP Toolkit: the gateway starts each server
 *   in a container of its own.
 * - `shell-string`: a container started inside a shell string (`sh -c "docker run ..."`): the env
 *   stays with the CLI and a mount cannot be inserted into the string.
 */
export type OutOfReachCode = 'container-exec' | 'docker-gateway' | 'shell-string';

export interface OutOfReach {
  code: OutOfReachCode;
  /** The CLI that reaches the container, as written (`docker`, `podman`, `docker compose`). */
  cli?: string;
  /** The container (exec) or compose service, when the command line names it. */
  container?: string;
  /** The runtime of the command run inside the container, when the command line says. */
  inner?: ServerRuntime;
  /** `run`: compose starts the service in a new container (its `-v`/`-e` options reach it); absent: an existing container (exec). */
  sub?: 'run';
}

export interface RuntimeGuess {
  runtime: ServerRuntime;
  viaUv: boolean;
  /** The launcher's base name, as matched. */
  launcher: string | null;
  /** Index in the entry's `args` where the docker image is (insert options before it). */
  dockerImageIndex?: number;
  /** Set when the entry's env cannot reach the server's process: the plan skips it with this code. */
  outOfReach?: OutOfReach;
  /**
   * Started through `wsl` (Windows): the server runs in the WSL distribution, which receives only the
   * variables WSLENV names (`NAME/p` translates a Windows path), and trusts the distribution's store.
   */
  viaWsl?: boolean;
}

/** `C:\\Program Files\\nodejs\\npx.cmd` → `npx`. */
export function commandBaseName(command: string): string {
  const base = command.split(/[\\/]/).pop() ?? command;
  return base.toLowerCase().replace(/\.(exe|cmd|bat|ps1|sh)$/, '');
}

/** `python3.12`, `python3.13t`, `py3` (a plain `python3` is in LAUNCHERS). */
function isVersionedPython(base: string): boolean {
  return /^python\d+(\.\d+)?t?$/.test(base) || /^py\d/.test(base);
}

/** A Python interpreter's own name (`python`, `python3.12`, `pypy3`, `pythonw`), not a launcher. */
export function isPythonExecutable(base: string): boolean {
  return /^(?:python|pythonw|pypy)(?:\d+(?:\.\d+)?t?)?$/.test(base);
}

/** The launcher actually started: `cmd /c npx ...` (Windows) is `npx`; `offset` is where its own args start. */
export function launcherOf(command: string, args: string[]): { base: string; rest: string[]; offset: number } {
  let base = commandBaseName(command);
  let offset = 0;
  if ((base === 'cmd' || base === 'powershell' || base === 'pwsh') && args.length > 0) {
    const slash = args.findIndex((arg) => /^[/-](c|k|command)$/i.test(arg));
    if (slash !== -1 && args[slash + 1] !== undefined) {
      base = commandBaseName(args[slash + 1] as string);
      offset = slash + 2;
    }
  }
  if (base === 'wsl' && args.length > offset) {
    // wsl [-d DISTRO] [-u USER] [--cd DIR] [-e | --exec | --] COMMAND ARGS (Microsoft's `wsl --help`).
    let at = offset;
    while (at < args.length) {
      const arg = args[at] ?? '';
      if (arg === '-e' || arg === '--exec' || arg === '--') {
        at += 1;
        break;
      }
      if (WSL_VALUE_OPTIONS.has(arg)) at += 2;
      else if (arg.startsWith('-')) at += 1;
      else break;
    }
    if (args[at] !== undefined) {
      base = commandBaseName(args[at] as string);
      offset = at + 1;
    }
  }
  return { base, rest: args.slice(offset), offset };
}

/** Options of `wsl` before the command that take a value. */
const WSL_VALUE_OPTIONS = new Set(['-d', '--distribution', '--distribution-id', '-u', '--user', '--cd', '--shell-type']);

/** Whether the command line starts `wsl` (directly or through `cmd /c`): the server runs in a WSL distribution. */
function startsWsl(command: string, args: string[]): boolean {
  const base = commandBaseName(command);
  if (base === 'wsl') return true;
  if (base !== 'cmd' && base !== 'powershell' && base !== 'pwsh') return false;
  const slash = args.findIndex((arg) => /^[/-](c|k|command)$/i.test(arg));
  return slash !== -1 && commandBaseName(args[slash + 1] ?? '') === 'wsl';
}

/** Options of the container CLIs (and of `compose`) before the subcommand that take a value. */
const GLOBAL_VALUE_OPTIONS = new Set([
  '--context', '-c', '-H', '--host', '--config', '--log-level', '-l', '--tlscacert', '--tlscert', '--tlskey', '--connection',
  '--url', '--identity', '--root', '--runroot', '--namespace', '-n', '--address', '-a',
  // compose
  '-f', '--file', '-p', '--project-name', '--profile', '--env-file', '--project-directory', '--ansi', '--progress', '--parallel',
]);

function subcommandIndex(args: string[], from: number): number {
  for (let i = from; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('-')) return i;
    if (GLOBAL_VALUE_OPTIONS.has(arg)) i += 1;
  }
  return -1;
}

type ContainerCommand = { kind: 'run'; image: number } | ({ kind: 'out-of-reach' } & OutOfReach);

/**
 * What a container CLI command line does: `run` (a new container: fixable with a mount; `image` is
 * the image's index in `rest`), or a container the entry's env cannot reach; undefined for anything else.
 */
function containerCommand(base: string, rest: string[]): ContainerCommand | undefined {
  const compose = (cli: string, from: number): ContainerCommand | undefined => {
    const at = subcommandIndex(rest, from);
    const sub = rest[at] ?? '';
    if (sub !== 'exec' && sub !== 'run') return undefined;
    return { kind: 'out-of-reach', ...inside(cli, at + 1), ...(sub === 'run' ? { sub } : {}) };
  };
  const inside = (cli: string, from: number): OutOfReach => {
    const at = findDockerImage(rest, from);
    const container = at === -1 ? undefined : rest[at];
    const command = at === -1 ? undefined : rest[at + 1];
    const inner = command && !command.startsWith('-') ? detectRuntime(command, rest.slice(at + 2)).runtime : undefined;
    return { code: 'container-exec', cli, container, inner: inner === 'unknown' ? undefined : inner };
  };
  if (base === 'docker-compose' || base === 'podman-compose') return compose(base, 0);
  if (base === 'docker-mcp' && rest.includes('gateway')) return { kind: 'out-of-reach', code: 'docker-gateway', cli: base };
  if (!CONTAINER_CLIS.includes(base)) return undefined;
  const at = subcommandIndex(rest, 0);
  const sub = rest[at] ?? '';
  if (sub === 'run') {
    const image = findDockerImage(rest, at + 1);
    return { kind: 'run', image };
  }
  if (sub === 'container' && rest[at + 1] === 'run') return { kind: 'run', image: findDockerImage(rest, at + 2) };
  if (sub === 'exec' || sub === 'start' || sub === 'attach') return { kind: 'out-of-reach', ...inside(base, at + 1) };
  if (sub === 'container' && rest[at + 1] === 'exec') return { kind: 'out-of-reach', ...inside(base, at + 2) };
  if (sub === 'compose') return compose(`${base} compose`, at + 1);
  if (sub === 'mcp' && rest.includes('gateway')) return { kind: 'out-of-reach', code: 'docker-gateway', cli: `${base} mcp` };
  return undefined;
}

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'fish']);

/**
 * The command text of a shell-string server: `sh -c "..."`, `bash -lc "..."`, `cmd /c "npx -y x"`,
 * `powershell -Command "..."` (the real command inside one string); null for anything else.
 */
export function shellString(command: string | undefined, args: string[]): string | null {
  if (!command) return null;
  const base = commandBaseName(command);
  if (SHELLS.has(base)) {
    const flag = args.findIndex((arg) => /^-[a-z]*c[a-z]*$/i.test(arg));
    return flag !== -1 && args[flag + 1] !== undefined ? (args[flag + 1] as string) : null;
  }
  if (base === 'cmd' || base === 'powershell' || base === 'pwsh') {
    const flag = args.findIndex((arg) => /^[/-](c|k|command)$/i.test(arg));
    const first = args[flag + 1];
    // `cmd /c npx -y x` is an argument list (launcherOf reads it); one argument with spaces is a string.
    if (flag !== -1 && first !== undefined && /\s/.test(first.trim())) return args.slice(flag + 1).join(' ');
  }
  return null;
}

/** Shell words, roughly as POSIX shells split them (quotes kept together), one list per simple command. */
export function shellCommands(text: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = '';
  let quote: string | null = null;
  let inWord = false;
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] as string;
    if (quote) {
      if (char === quote) quote = null;
      else if (char === '\\' && quote === '"' && i + 1 < text.length) word += text[(i += 1)];
      else word += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (char === '\\' && i + 1 < text.length) {
      word += text[(i += 1)];
      inWord = true;
    } else if (/\s/.test(char) && char !== '\n') {
      endWord();
    } else if (char === ';' || char === '&' || char === '|' || char === '\n' || char === '(' || char === ')') {
      endCommand();
    } else {
      word += char;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}

/** Words a shell command starts with that only wrap the real command. */
const WRAPPERS = new Set(['exec', 'env', 'command', 'nohup', 'time']);

/** A container reached from inside a shell string: the entry's env cannot get there. */
function shellOutOfReach(text: string): OutOfReach | undefined {
  for (const words of shellCommands(text)) {
    let at = 0;
    while (at < words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[at] ?? '') || WRAPPERS.has(words[at] ?? ''))) at += 1;
    const command = words[at];
    if (command === undefined) continue;
    const base = commandBaseName(command);
    const found = containerCommand(base, words.slice(at + 1));
    if (found?.kind === 'run') return { code: 'shell-string', cli: base };
    if (found) {
      const { code, cli, container, inner, sub } = found;
      return { code, cli, container, inner, ...(sub ? { sub } : {}) };
    }
  }
  return undefined;
}

/** Whether a Bun command line fetches its package first (`bunx x`, `bun x x`): Bun's installer, whose CA is not the runtime's (variables.ts). */
export function bunFetchesPackage(command: string, args: string[]): boolean {
  const { base, rest } = launcherOf(command, args);
  return base === 'bunx' || (base === 'bun' && rest.find((arg) => !arg.startsWith('-')) === 'x');
}

/** Guesses the runtime from the entry's command and args; args are offsets into the entry's own array. */
export function detectRuntime(command: string | undefined, args: string[]): RuntimeGuess {
  if (!command) return { runtime: 'unknown', viaUv: false, launcher: null };
  const guess = detectLauncher(command, args);
  return startsWsl(command, args) ? { ...guess, viaWsl: true } : guess;
}

function detectLauncher(command: string, args: string[]): RuntimeGuess {
  const { base, rest, offset } = launcherOf(command, args);
  const text = shellString(command, args);
  const inString = text === null ? undefined : shellOutOfReach(text);
  if (inString) return { runtime: 'unknown', viaUv: false, launcher: base, outOfReach: inString };
  if (isVersionedPython(base)) return { runtime: 'python', viaUv: false, launcher: base };
  const container = containerCommand(base, rest);
  if (container?.kind === 'run') {
    return { runtime: 'docker', viaUv: false, launcher: base, dockerImageIndex: container.image === -1 ? undefined : container.image + offset };
  }
  if (container) {
    const { code, cli, container: name, inner, sub } = container;
    return { runtime: 'unknown', viaUv: false, launcher: base, outOfReach: { code, cli, container: name, inner, ...(sub ? { sub } : {}) } };
  }
  for (const row of LAUNCHERS) {
    if (!row.commands.includes(base)) continue;
    if (row.subcommands && !rest.some((arg) => row.subcommands?.includes(arg))) continue;
    return { runtime: row.runtime, viaUv: row.viaUv ?? false, launcher: base };
  }
  // A shell string (`powershell -NoProfile -Command "npx -y x"`, `cmd /c "uvx x"`, `bash -lc "cd app && uvx x"`): the
  // runtime of the first of its commands that names one; each inherits the entry's env through the shell.
  for (const words of text === null ? [] : shellCommands(text)) {
    if (words[0] === undefined || words[0] === command) continue;
    const inner = detectRuntime(words[0], words.slice(1));
    if (inner.runtime !== 'unknown' && inner.runtime !== 'docker') return { runtime: inner.runtime, viaUv: inner.viaUv, launcher: inner.launcher };
  }
  return { runtime: 'unknown', viaUv: false, launcher: base };
}
