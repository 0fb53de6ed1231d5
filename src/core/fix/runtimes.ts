// Which runtime a server's command starts, and which CA variables that runtime reads.
// Adding a launcher is adding a row.

export type ServerRuntime = 'python' | 'node' | 'deno' | 'docker' | 'unknown';

export interface LauncherRow {
  /** Command base names (lowercase, without .exe/.cmd/.bat/.ps1). */
  commands: string[];
  runtime: ServerRuntime;
  /** When set, the first argument (after options) must be one of these, e.g. `uv run`, `pnpm dlx`. */
  subcommands?: string[];
  /** uv fetches the package itself (rustls): it reads SSL_CERT_FILE too. */
  viaUv?: boolean;
}

export const LAUNCHERS: LauncherRow[] = [
  { commands: ['uvx'], runtime: 'python', viaUv: true },
  { commands: ['uv'], runtime: 'python', subcommands: ['run', 'tool'], viaUv: true },
  { commands: ['python', 'python3', 'py', 'pythonw', 'pypy', 'pypy3'], runtime: 'python' },
  { commands: ['pipx'], runtime: 'python', subcommands: ['run'] },
  { commands: ['poetry', 'pdm', 'hatch', 'rye', 'pixi'], runtime: 'python', subcommands: ['run'] },
  { commands: ['conda', 'mamba', 'micromamba'], runtime: 'python', subcommands: ['run'] },
  { commands: ['npx', 'node', 'nodejs', 'bunx', 'bun', 'tsx', 'ts-node'], runtime: 'node' },
  { commands: ['pnpm', 'yarn'], runtime: 'node', subcommands: ['dlx', 'exec'] },
  { commands: ['npm'], runtime: 'node', subcommands: ['exec', 'x'] },
  { commands: ['deno'], runtime: 'deno' },
  { commands: ['docker', 'podman', 'nerdctl'], runtime: 'docker', subcommands: ['run'] },
];

/**
 * What to set per runtime (DESIGN.md). Python: SSL_CERT_FILE (OpenSSL, httpx, uv) + REQUESTS_CA_BUNDLE
 * (requests reads certifi otherwise); both replace the store, hence the combined bundle.
 * Node reads only NODE_EXTRA_CA_CERTS (adds to its roots). Deno: DENO_CERT.
 * Unknown (a Go/Rust binary, a shell script): SSL_CERT_FILE, read by OpenSSL, Go on Linux and
 * rustls-native-certs, plus NODE_EXTRA_CA_CERTS in case a script starts Node. With the combined
 * bundle neither removes public trust.
 * Docker: the image's runtime is unknown, so all of Python's and Node's, pointing inside the container.
 */
export const RUNTIME_VARIABLES: Record<ServerRuntime, string[]> = {
  python: ['SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE'],
  node: ['NODE_EXTRA_CA_CERTS'],
  deno: ['DENO_CERT'],
  docker: ['SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE', 'NODE_EXTRA_CA_CERTS'],
  unknown: ['SSL_CERT_FILE', 'NODE_EXTRA_CA_CERTS'],
};

/** Every variable that points a runtime at a CA file: an existing different value is reported. */
export const CA_VARIABLES = [
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
  'NODE_EXTRA_CA_CERTS',
  'DENO_CERT',
  'AWS_CA_BUNDLE',
  'PIP_CERT',
  'GIT_SSL_CAINFO',
];

/** Where the bundle is mounted inside a container. */
export const CONTAINER_BUNDLE_PATH = '/etc/ssl/certs/mcp-ssl-doctor.pem';

/** docker reads `--mount` as one CSV record: a field with a comma or quote is quoted, quotes doubled. */
function csvField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

function csvFields(record: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < record.length; i += 1) {
    const char = record[i];
    if (quoted && char === '"' && record[i + 1] === '"') {
      field += '"';
      i += 1;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (char === ',' && !quoted) {
      fields.push(field);
      field = '';
    } else {
      field += char;
    }
  }
  fields.push(field);
  return fields;
}

/** The `--mount` value a fix adds: the bundle, read-only, at CONTAINER_BUNDLE_PATH. */
export function dockerMountValue(bundleConfigPath: string): string {
  return [`type=bind`, csvField(`source=${bundleConfigPath}`), `target=${CONTAINER_BUNDLE_PATH}`, 'readonly'].join(',');
}

/** The `--mount` argument that mounts something at CONTAINER_BUNDLE_PATH, if any. */
export function dockerBundleMount(args: string[]): string | undefined {
  return args.find((arg) => csvFields(arg).some((field) => field === `target=${CONTAINER_BUNDLE_PATH}` || field === `dst=${CONTAINER_BUNDLE_PATH}` || field === `destination=${CONTAINER_BUNDLE_PATH}`));
}

/** Where the bundle mounted at CONTAINER_BUNDLE_PATH comes from (the `source=` of that mount). */
export function dockerMountSource(args: string[]): string | undefined {
  const mount = dockerBundleMount(args);
  const source = mount ? csvFields(mount).find((field) => /^(?:source|src)=/.test(field)) : undefined;
  return source?.slice(source.indexOf('=') + 1);
}

/** docker run options that take a value (so the image is the first argument not consumed by one). */
const DOCKER_VALUE_OPTIONS = new Set([
  '-e', '--env', '--env-file', '-v', '--volume', '--mount', '-p', '--publish', '--name', '-w', '--workdir', '-u', '--user',
  '--network', '--net', '--entrypoint', '-l', '--label', '--platform', '--pull', '-h', '--hostname', '--add-host',
  '--cpus', '-m', '--memory', '--restart', '--runtime', '--device', '--dns', '--cap-add', '--cap-drop', '--security-opt',
  '--ulimit', '--log-driver', '--log-opt', '--ipc', '--pid', '--gpus', '--tmpfs', '--cidfile', '--label-file', '--stop-signal',
  '--health-cmd', '--userns', '--group-add', '--shm-size', '--expose', '--link', '--volumes-from', '--cgroupns', '--uts',
]);

export interface RuntimeGuess {
  runtime: ServerRuntime;
  viaUv: boolean;
  /** The launcher's base name, as matched. */
  launcher: string | null;
  /** Index in the entry's `args` where the docker image is (insert options before it). */
  dockerImageIndex?: number;
}

/** `C:\\Program Files\\nodejs\\npx.cmd` → `npx`. */
export function commandBaseName(command: string): string {
  const base = command.split(/[\\/]/).pop() ?? command;
  return base.toLowerCase().replace(/\.(exe|cmd|bat|ps1|sh)$/, '');
}

function isVersionedPython(base: string): boolean {
  return /^python\d+(\.\d+)?t?$/.test(base) || /^py\d/.test(base);
}

function firstNonOption(args: string[], from: number): number {
  for (let i = from; i < args.length; i += 1) {
    if (!(args[i] ?? '').startsWith('-')) return i;
  }
  return -1;
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
  return { base, rest: args.slice(offset), offset };
}

/** Guesses the runtime from the entry's command and args; args are offsets into the entry's own array. */
export function detectRuntime(command: string | undefined, args: string[]): RuntimeGuess {
  if (!command) return { runtime: 'unknown', viaUv: false, launcher: null };
  const { base, rest, offset } = launcherOf(command, args);
  if (isVersionedPython(base)) return { runtime: 'python', viaUv: false, launcher: base };
  for (const row of LAUNCHERS) {
    if (!row.commands.includes(base)) continue;
    if (row.subcommands) {
      const sub = rest.findIndex((arg) => row.subcommands?.includes(arg));
      if (sub === -1) continue;
      if (row.runtime === 'docker') {
        const image = findDockerImage(rest, sub + 1);
        return { runtime: 'docker', viaUv: false, launcher: base, dockerImageIndex: image === -1 ? undefined : image + offset };
      }
    }
    return { runtime: row.runtime, viaUv: row.viaUv ?? false, launcher: base };
  }
  return { runtime: 'unknown', viaUv: false, launcher: base };
}

function findDockerImage(args: string[], from: number): number {
  for (let i = from; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (arg === '--') return firstNonOption(args, i + 1);
    if (!arg.startsWith('-')) return i;
    if (DOCKER_VALUE_OPTIONS.has(arg)) i += 1;
  }
  return -1;
}
