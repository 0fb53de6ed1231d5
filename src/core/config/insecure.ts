// Settings that switch TLS verification off: the copy-paste "fixes" found in configs. Reported,
// removed only on request once the proper fix is verified; never written.
import type { EnvValue, ServerEntry } from './config';
import { detectRuntime, launcherOf } from '../runtime/detect';

export interface InsecureSetting {
  server: string;
  /** `env.NAME` or `args[i]`. */
  where: string;
  setting: string;
  /**
   * How to take it out: an env key, a new value for it (NODE_OPTIONS keeps its other flags), or
   * args indexes (flag plus its value; none: reported only, never cut).
   */
  removal: { env: string } | { envValue: { name: string; value: string } } | { args: number[] };
}

/** The flags inside NODE_OPTIONS that switch verification off. */
const INSECURE_NODE_OPTIONS = /(^|\s+)(--tls-reject-unauthorized=false|--no-check-certificate)(?=\s|$)/g;

/** `-k` means "insecure" only to curl; to any other program (a server's own args) it means something else. */
const CURL_LIKE = new Set(['curl']);

const FALSY = /^(0|false|no|off)$/i;
const ANY = /.*/;

/** env name → values that disable verification. */
const INSECURE_ENV: { name: RegExp; value: RegExp }[] = [
  { name: /^NODE_TLS_REJECT_UNAUTHORIZED$/, value: FALSY },
  { name: /^PYTHONHTTPSVERIFY$/, value: FALSY },
  { name: /^(GIT_SSL_NO_VERIFY|UV_INSECURE_HOST|PIP_TRUSTED_HOST|UV_ALLOW_INSECURE_HOST)$/, value: ANY },
  // requests < 2.32 treated an empty CURL_CA_BUNDLE as verify=False.
  { name: /^CURL_CA_BUNDLE$/, value: /^$/ },
  { name: /^(.*_)?(SSL_VERIFY|VERIFY_SSL|TLS_VERIFY|VERIFY_TLS|SSL_VERIFICATION|CERT_VERIFY)$/i, value: FALSY },
  { name: /^(.*_)?(INSECURE|SKIP_TLS_VERIFY|TLS_SKIP_VERIFY|NO_VERIFY_SSL|DISABLE_SSL_VERIFICATION|INSECURE_SKIP_VERIFY)$/i, value: /^(1|true|yes|on)$/i },
];

/** Flags (exact) → whether the next argument is their value. */
const INSECURE_FLAGS: Record<string, boolean> = {
  '--insecure': false,
  '-k': false,
  '--no-verify-ssl': false,
  '--no-verify': false,
  '--no-check-certificate': false,
  '--disable-ssl-verification': false,
  '--ssl-no-verify': false,
  '--skip-tls-verify': false,
  '--tls-skip-verify': false,
  '--insecure-skip-tls-verify': false,
  '--trusted-host': true,
  '--allow-insecure-host': true,
};

const INSECURE_TEXT = /verify\s*=\s*False|ssl\s*=\s*False|rejectUnauthorized\s*:\s*false|--insecure-skip-tls-verify=true/;

function envText(value: EnvValue): string {
  return value === null ? '' : String(value);
}

export function findInsecure(server: ServerEntry): InsecureSetting[] {
  const found: InsecureSetting[] = [];
  for (const [name, value] of Object.entries(server.env)) {
    if (value === null) continue;
    if (INSECURE_ENV.some((row) => row.name.test(name) && row.value.test(envText(value)))) {
      found.push({ server: server.name, where: `env.${name}`, setting: `${name}=${envText(value)}`, removal: { env: name } });
    } else if (name === 'NODE_OPTIONS' && new RegExp(INSECURE_NODE_OPTIONS.source).test(envText(value))) {
      // Only the flag goes: `--max-old-space-size=...` and the rest stay.
      const rest = envText(value).replace(INSECURE_NODE_OPTIONS, '').trim();
      found.push({
        server: server.name,
        where: `env.${name}`,
        setting: `${name}=${envText(value)}`,
        removal: rest === '' ? { env: name } : { envValue: { name, value: rest } },
      });
    }
  }
  const { base, offset } = launcherOf(server.command ?? '', server.args);
  const guess = detectRuntime(server.command, server.args);
  const dockerImage = guess.runtime === 'docker' ? guess.dockerImageIndex : undefined;
  let skipNext = false;
  server.args.forEach((arg, index) => {
    if (skipNext) {
      skipNext = false;
      return;
    }
    const [flag, inline] = arg.split('=', 2) as [string, string | undefined];
    if (dockerImage !== undefined && index < dockerImage && (arg === '-e' || arg === '--env') && index + 1 < dockerImage) {
      // docker's own `-e NAME=VALUE` (before the image): the container's environment.
      const pair = server.args[index + 1] ?? '';
      const [name, envValue] = [pair.split('=', 1)[0] ?? '', pair.includes('=') ? pair.slice(pair.indexOf('=') + 1) : undefined];
      if (envValue !== undefined && INSECURE_ENV.some((row) => row.name.test(name) && row.value.test(envValue))) {
        found.push({ server: server.name, where: `args[${index}]`, setting: `${arg} ${pair}`, removal: { args: [index, index + 1] } });
      }
      skipNext = true;
      return;
    }
    if (flag in INSECURE_FLAGS) {
      const takesValue = INSECURE_FLAGS[flag] === true && inline === undefined && index + 1 < server.args.length;
      const indexes = takesValue ? [index, index + 1] : [index];
      // `-k` is cut only where it is curl's: elsewhere it is reported, never removed.
      const removable = flag !== '-k' || (CURL_LIKE.has(base) && index >= offset);
      found.push({ server: server.name, where: `args[${index}]`, setting: indexes.map((i) => server.args[i]).join(' '), removal: { args: removable ? indexes : [] } });
      if (takesValue) skipNext = true;
    } else if (INSECURE_TEXT.test(arg)) {
      // Inside a code string (python -c "...verify=False..."): report only, never cut into it.
      found.push({ server: server.name, where: `args[${index}]`, setting: arg, removal: { args: [] } });
    }
  });
  return found;
}
