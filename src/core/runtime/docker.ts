// A `docker run` server: where the bundle is mounted inside its container, the `--mount` a fix adds,
// and where the image is among the arguments.

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
  // docker exec / compose exec|run
  '--detach-keys', '--project-name', '--file', '-f', '--profile', '--project-directory', '--index',
]);

function firstNonOption(args: string[], from: number): number {
  for (let i = from; i < args.length; i += 1) {
    if (!(args[i] ?? '').startsWith('-')) return i;
  }
  return -1;
}

/** The first argument from `from` on that is not an option or an option's value: the image (run), the container (exec), the service (compose). */
export function findDockerImage(args: string[], from: number): number {
  for (let i = from; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (arg === '--') return firstNonOption(args, i + 1);
    if (!arg.startsWith('-')) return i;
    if (DOCKER_VALUE_OPTIONS.has(arg)) i += 1;
  }
  return -1;
}
