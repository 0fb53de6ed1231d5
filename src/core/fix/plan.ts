// What a fix would change (a dry run): per server, the variables by runtime, what is skipped and why.
import * as os from 'node:os';
import * as path from 'node:path';
import type { VerifyResult } from '../chain/options';
import { DoctorError } from '../types';
import { buildBundle, Bundle, BundleMode, caSetWarnings, caSetWarningText, checkCaCertificates, readCertificates } from './bundle';
import { configProblemReason, configProblemText, configResolvesVariables, parseConfig, ParsedConfig } from '../config/config';
import { editServers, ServerChange, UndoStep } from '../config/edit';
import { isTrackedByGit } from '../config/git';
import { atomicSafeRead } from '../config/read';
import { findInsecure, InsecureSetting } from '../config/insecure';
import { configPathOf, defaultBundleDir, undoDir } from './paths';
import { pinExample, pythonVersionOf } from '../runtime/pythonVersion';
import { BUN_INSTALL_CA, CA_VARIABLES, RUNTIME_VARIABLES } from '../runtime/variables';
import { CONTAINER_BUNDLE_PATH, dockerBundleMount, dockerMountSource, dockerMountValue } from '../runtime/docker';
import { bunFetchesPackage, detectRuntime, launcherOf, OutOfReach, OutOfReachCode, ServerRuntime } from '../runtime/detect';
import { readRegularFile } from '../files/atomic';
import { bundleFileOf, OwnBundle, ownBundlesOf, readOwnBundle, renewedCas } from './renewal';
import { strictCaProblems, StrictProblem } from './strict';
import { transportOf } from '../model/transport';
import { strictFixedWarning, strictMaybePythonWarning, strictSkipReason } from './strict-advice';

export interface VerifyTarget {
  host: string;
  port: number;
  proxy?: string | null;
  servername?: string;
  timeoutMs?: number;
  /** The chain area's verifyTrust, injected (tests, worker). */
  verifyTrust: (options: { host: string; port: number; proxy?: string | null; servername?: string; timeoutMs?: number; caPem: string }) => Promise<VerifyResult>;
}

export interface FixOptions {
  configPath: string;
  /** The servers object inside the file, when it holds several (~/.claude.json's projects). */
  serversPath?: string[];
  /** Only these servers (by name); default every stdio server. */
  servers?: string[];
  /** The corporate CA(s): PEM text (several certificates allowed) or DER. */
  caPems: (string | Buffer)[];
  mode?: BundleMode;
  bundleDir?: string;
  home?: string;
  platform?: NodeJS.Platform;
  /** Public roots to combine with (default: Node's tls.rootCertificates). */
  publicPem?: string;
  /** Point an existing, different CA variable at the new bundle. */
  replace?: boolean;
  /**
   * The bundle files this tool wrote (its journal names them; default: read from the journal of
   * `home`). A CA variable or docker mount naming one is the tool's to renew, without `replace`.
   */
  ownBundles?: ReadonlySet<string>;
  /**
   * Servers whose runtime reads the OS store (proved by the runtime check, see runtime/systemCa.ts):
   * their env gets this switch instead of the bundle's variables.
   */
  osStore?: ReadonlyMap<string, Record<string, string>>;
  /** Take out insecure settings (only with a verified fix). */
  removeInsecure?: boolean;
  /** Whether the host expands `${userHome}`; default from the format (VS Code's yes). */
  resolvesVariables?: boolean;
  /** A host to prove the bundle against before anything is written. */
  verify?: VerifyTarget;
  /**
   * Strict-mode problems already known (from chain analysis: `strictPathProblems`, which sees the
   * leaf and intermediates too); computed from the CAs otherwise. Either way the same rule follows:
   * a Python server known to run 3.13+ is skipped, any other Python server is fixed with a warning.
   */
  strictProblems?: StrictProblem[];
  /**
   * Variables to add beside the CA variables, by server name (the session's proxy its host drops:
   * assess/route.ts). A variable the entry already sets is left as it is.
   */
  addEnv?: Record<string, Record<string, string>>;
  /** Servers that already trust the CA: only their `addEnv` is written, no CA variable. */
  routeOnly?: string[];
}

export interface FixWarning {
  code: string;
  message: string;
  server?: string;
}

export interface ChangedServer {
  server: string;
  runtime: ServerRuntime;
  env: Record<string, string>;
  /** docker: the arguments inserted before the image. */
  args?: string[];
  /** The server's own runtime, run with the new environment (null: no runtime could be run). */
  verified?: { by: string; ok: boolean; message: string; route?: string | null } | null;
  /** A renewal of a bundle this tool wrote: the bundle it named before (as the config spelled it; the same path when renewed in place). */
  renewed?: string;
  /** How it trusts the root: the bundle (default), or its runtime's own OS store (`osStore`). */
  mechanism?: 'bundle' | 'os-store';
}

/** Why a server is skipped, for front ends to word (`reason` keeps the English of the CLI contract). */
export type SkipCode = OutOfReachCode | 'runtime-check' | 'os-store';

export interface SkippedServer {
  server: string;
  /** For a person (and the CLI contract's JSON): English. */
  reason: string;
  /**
   * What the front ends decide on, with their own words: an out-of-reach code (no entry edit can fix
   * it: the variables would never reach its process; never counted fixed), or `runtime-check` (its
   * own runtime still fails: `detail` is why).
   */
  code?: SkipCode;
  detail?: string;
}

export interface FixPlan {
  options: FixOptions;
  config: string;
  parsed: ParsedConfig;
  original: Buffer;
  bundle: Bundle;
  bundleDir: string;
  /** Where the undo manifest goes: per user, whatever the bundle folder (`undo --config FILE` finds it). */
  undoDir: string;
  bundlePath: string;
  /** The bundle path as written into the config. */
  bundleConfigPath: string;
  /** The new file content (BOM kept), equal to the original when nothing changes. */
  newContent: string;
  steps: UndoStep[];
  changed: ChangedServer[];
  skipped: SkippedServer[];
  insecure: InsecureSetting[];
  removedInsecure: InsecureSetting[];
  warnings: FixWarning[];
  /** Whether git tracks the config (null: no git / not a repository). */
  tracked: boolean | null;
}

const REMOTE_REASON =
  'remote server: the editor connects to it itself, so there is no child process whose environment could be set. ' +
  'In VS Code it trusts the OS certificate store (setting http.systemCertificates, on by default): have the CA installed there. ' +
  'Other hosts: their own proxy / certificate settings.';

/** The concrete next step for a server whose process the entry's env cannot reach. */
export function outOfReachReason(out: OutOfReach, bundlePath: string): string {
  const variables = RUNTIME_VARIABLES[out.inner ?? 'docker'];
  const cli = out.cli ?? 'docker';
  const container = out.container ?? 'CONTAINER';
  const env = variables.map((variable) => `-e ${variable}=${CONTAINER_BUNDLE_PATH}`).join(' ');
  switch (out.code) {
    case 'container-exec':
      if (out.sub === 'run') {
        return `starts service ${container} in a new container (${cli} run): a variable set here stays with the ${cli} CLI and never reaches the container. ` +
          `Add \`-v ${bundlePath}:${CONTAINER_BUNDLE_PATH}:ro ${env}\` to the run arguments before ${container} (or build the CA into the image)`;
      }
      return `runs inside the existing container ${container} (${cli} exec): a variable set here stays with the ${cli} CLI and never reaches the container. ` +
        `Copy the bundle in (\`${cli} cp ${bundlePath} ${container}:${CONTAINER_BUNDLE_PATH}\`) and add \`${env}\` to the exec arguments before ${container} ` +
        '(or build the CA into the image)';
    case 'docker-gateway':
      return 'the Docker MCP Toolkit gateway starts each server in a container of its own: nothing in this entry reaches them. ' +
        "Give Docker Desktop the proxy (Settings → Resources → Proxies) and have the CA trusted in the OS certificate store Docker Desktop reads; a server image that still rejects it needs the CA built in";
    case 'shell-string':
      return `starts a container (${cli} run) inside a shell string: a variable set here stays with the ${cli} CLI, and a mount cannot be inserted into the string. ` +
        `Write the command as an argument list (command "${cli}", args ["run", ...]) and run the fix again, or add \`--mount type=bind,source=${bundlePath},target=${CONTAINER_BUNDLE_PATH},readonly ${env}\` before the image yourself`;
  }
}

/** Whether `docker run` arguments already hand NAME to the container (`-e NAME`, `-e NAME=…`, `--env`). */
function dockerPassesEnv(args: string[], name: string): boolean {
  return args.some((arg, i) => {
    const value = arg === '-e' || arg === '--env' ? args[i + 1] : /^(?:-e|--env)=(.*)$/.exec(arg)?.[1];
    return value !== undefined && (value === name || value.startsWith(`${name}=`));
  });
}

/**
 * A server started through `wsl` receives only the variables WSLENV names (Microsoft, "Share
 * Environment Vars between WSL and Windows": `NAME/p` translates a Windows path into its /mnt form).
 * Names the new variables there, keeping the entry's own list: a CA file's path translated when the
 * fix runs on Windows, as it is when it runs inside WSL (a Linux path already).
 */
function wslEnvFor(current: string | number | null | undefined, change: ServerChange, platform: NodeJS.Platform): void {
  const own = current === undefined || current === null ? '' : String(current);
  const listed = new Set(own.split(':').filter(Boolean).map((entry) => entry.split('/')[0]));
  const names = [...Object.keys(change.add), ...Object.keys(change.replace)].filter((name) => name !== 'WSLENV' && !listed.has(name));
  if (names.length === 0) return;
  const added = names.map((name) => (platform === 'win32' && CA_VARIABLES.includes(name) ? `${name}/p` : name));
  const value = [own, ...added].filter(Boolean).join(':');
  if (own) change.replace.WSLENV = value;
  else change.add.WSLENV = value;
}

export async function planFix(options: FixOptions): Promise<FixPlan> {
  const home = options.home ?? os.homedir();
  const platform = options.platform ?? process.platform;
  const mode = options.mode ?? 'combined';
  const bundleDir = options.bundleDir ?? defaultBundleDir(home, platform);
  const cas = options.caPems.flatMap((pem, i) => readCertificates(pem, `CA #${i + 1}`));
  if (cas.length === 0) throw new DoctorError('usage', 'no CA certificate given');
  checkCaCertificates(cas);

  const tracked = isTrackedByGit(options.configPath);
  const { bytes: original, text: rawText } = await atomicSafeRead(options.configPath);
  const parsed = parseConfig(options.configPath, rawText, options.serversPath);
  const wanted = options.servers && options.servers.length > 0 ? options.servers : undefined;

  // The tool's own bundles these servers name are renewed: their CAs carried over (a superseded one out).
  const own = options.ownBundles ?? (await ownBundlesOf(home, platform));
  const ownFileOf = (value: string): string | undefined => {
    const file = bundleFileOf(value, home, platform);
    return file !== undefined && own.has(file) ? file : undefined;
  };
  const previous = new Map<string, OwnBundle & { text: string }>();
  for (const server of parsed.servers) {
    if ((wanted && !wanted.includes(server.name)) || transportOf(server) !== 'stdio') continue;
    const values = [...CA_VARIABLES.map((variable) => server.env[variable]), dockerMountSource(server.args)];
    for (const value of values) {
      const file = typeof value === 'string' ? ownFileOf(value) : undefined;
      if (!file || previous.has(file)) continue;
      const text = await readRegularFile(file, { noFollow: true }).then((bytes) => bytes.toString('utf8'), () => undefined);
      if (text !== undefined) previous.set(file, { ...readOwnBundle(text, file), text });
    }
  }
  const renewal = renewedCas(cas, [...previous.values()].flatMap((entry) => entry.cas));
  const bundle = buildBundle(renewal.cas, mode, options.publicPem);
  const bundlePath = (platform === 'win32' ? path.win32 : path.posix).join(bundleDir, bundle.fileName);
  const onDisk = previous.get((platform === 'win32' ? path.win32 : path.posix).normalize(bundlePath))?.text;
  /** The bundle this fix writes replaces an older content of ours at the same path (new public roots). */
  const renewsInPlace = onDisk !== undefined && onDisk !== bundle.pem;
  const resolvesVariables = options.resolvesVariables ?? configResolvesVariables(parsed.file, parsed.format);
  const bundleConfigPath = configPathOf(bundlePath, home, resolvesVariables, platform);
  const warnings: FixWarning[] = [];
  const changed: ChangedServer[] = [];
  const skipped: SkippedServer[] = [];
  const insecure: InsecureSetting[] = [];
  const removedInsecure: InsecureSetting[] = [];
  const changes: ServerChange[] = [];

  for (const warning of caSetWarnings(cas)) warnings.push({ code: warning.code, message: caSetWarningText(warning) });
  for (const duplicate of parsed.duplicates) {
    warnings.push({ code: 'duplicate-key', message: `key "${duplicate.key}" appears more than once (${duplicate.line}:${duplicate.column}); editors read only the last one` });
  }
  if (!resolvesVariables) {
    warnings.push({ code: 'machine-specific-path', message: `this host does not expand \${userHome}: the bundle path ${bundleConfigPath} is specific to this machine` });
  }
  for (const old of renewal.superseded) {
    warnings.push({ code: 'superseded-ca', message: `${old.subject} (sha256 ${old.sha256}) is left out of the renewed bundle: a CA of the same name replaces it` });
  }
  if (mode === 'ca-only') {
    warnings.push({ code: 'ca-only', message: 'CA-only bundle: SSL_CERT_FILE / REQUESTS_CA_BUNDLE then trust nothing else, so hosts the proxy does not intercept will fail' });
  }

  for (const problem of parsed.problems) {
    // Entries the file holds but no host can start: left alone, said (with the file's other servers fixed).
    if (problem.code === 'ignored-servers-key') warnings.push({ code: problem.code, message: configProblemText(problem) });
    else if (!wanted || wanted.includes(problem.server)) skipped.push({ server: problem.server, reason: configProblemReason(problem) });
  }
  for (const name of wanted ?? []) {
    if (parsed.problems.some((problem) => 'server' in problem && problem.server === name)) continue;
    if (!parsed.servers.some((server) => server.name === name)) {
      const known = parsed.servers.map((server) => server.name).join(', ') || '(none)';
      throw new DoctorError('usage', `no server named "${name}" in this file; servers: ${known}`, { file: options.configPath });
    }
  }
  // Parsing extensions costs a few ms: only when a server's runtime may be Python.
  let strictCache = options.strictProblems;
  const strictOf = (): StrictProblem[] => (strictCache ??= strictCaProblems(cas));
  const canRemoveInsecure = options.removeInsecure === true && options.verify !== undefined;
  if (options.removeInsecure && !options.verify) {
    warnings.push({ code: 'insecure-kept', message: 'insecure settings are removed only once the fix is verified against a host (--host); they were left in place' });
  }

  for (const server of parsed.servers) {
    if (wanted && !wanted.includes(server.name)) continue;
    const found = findInsecure(server);
    insecure.push(...found);
    const transport = transportOf(server);
    if (transport === 'remote') {
      skipped.push({ server: server.name, reason: REMOTE_REASON });
      continue;
    }
    if (transport === 'invalid' || !server.command) {
      skipped.push({ server: server.name, reason: 'no command: not a stdio server' });
      continue;
    }
    const guess = detectRuntime(server.command, server.args);
    if (guess.outOfReach) {
      skipped.push({ server: server.name, code: guess.outOfReach.code, reason: outOfReachReason(guess.outOfReach, bundlePath) });
      continue;
    }
    if (guess.runtime === 'python' && strictOf().length > 0) {
      const { base, rest } = launcherOf(server.command, server.args);
      const version = pythonVersionOf(base, rest, server.env);
      const pin = pinExample(base);
      if (version?.strict === true) {
        const reason = strictSkipReason(strictOf(), version, pin);
        skipped.push({ server: server.name, reason });
        warnings.push({ code: 'strict-ca', server: server.name, message: reason });
        continue;
      }
      warnings.push({ code: 'strict-ca', server: server.name, message: strictFixedWarning(strictOf(), version, pin) });
    }
    if ((guess.runtime === 'docker' || guess.runtime === 'unknown') && strictOf().length > 0) {
      warnings.push({ code: 'strict-ca', server: server.name, message: strictMaybePythonWarning(strictOf()) });
    }
    if (guess.runtime === 'unknown') {
      warnings.push({
        code: 'unknown-runtime',
        server: server.name,
        message: `could not tell the runtime of "${server.command}": set SSL_CERT_FILE and NODE_EXTRA_CA_CERTS, which cover OpenSSL, Go, rustls-native-certs and Node`,
      });
    }
    if (guess.runtime === 'bun' && bunFetchesPackage(server.command, server.args)) {
      warnings.push({
        code: 'bun-install-ca',
        server: server.name,
        message: `the server runs in Bun, which reads NODE_EXTRA_CA_CERTS; bunx first downloads the package with Bun's installer, which takes its CA from ${BUN_INSTALL_CA.file} (\`${BUN_INSTALL_CA.key}\`), not from that variable: if the download fails behind the proxy, add cafile = "${bundlePath}" under [install] in ${BUN_INSTALL_CA.global}`,
      });
    }
    if (server.envFile) {
      warnings.push({ code: 'env-file', server: server.name, message: `the server also reads ${server.envFile}; a CA variable set there is overridden by the entry's env` });
    }
    const change: ServerChange = { server: server.name, add: {}, replace: {}, removeEnv: [], removeArgs: [] };
    const variables = RUNTIME_VARIABLES[guess.runtime];
    let conflict: string | undefined;

    if (guess.runtime === 'docker') {
      if (guess.dockerImageIndex === undefined) {
        skipped.push({ server: server.name, reason: 'docker run: could not find the image among the arguments' });
        continue;
      }
      // The route: its variables go into the entry's env (the docker CLI's), and `-e NAME` hands each
      // on to the container; no value (a proxy's password) on the command line.
      const route = Object.entries(options.addEnv?.[server.name] ?? {}).filter(([name]) => server.env[name] === undefined || server.env[name] === null);
      for (const [name, value] of route) change.add[name] = value;
      const routeArgs = route.filter(([name]) => !dockerPassesEnv(server.args, name)).flatMap(([name]) => ['-e', name]);
      const mount = dockerMountValue(bundleConfigPath);
      const existing = dockerBundleMount(server.args);
      const source = dockerMountSource(server.args);
      const ownMount = source !== undefined && ownFileOf(source) !== undefined;
      const containerEnv = Object.fromEntries(variables.map((v) => [v, CONTAINER_BUNDLE_PATH]));
      const routeOnly = options.routeOnly?.includes(server.name) === true;
      if (existing === mount || routeOnly) {
        if (route.length > 0) {
          if (routeArgs.length > 0) change.insertArgs = { index: guess.dockerImageIndex, values: routeArgs };
          changed.push({ server: server.name, runtime: guess.runtime, env: Object.fromEntries(route), ...(routeArgs.length > 0 ? { args: routeArgs } : {}) });
        } else if (existing === mount && ownMount && renewsInPlace) {
          changed.push({ server: server.name, runtime: guess.runtime, env: containerEnv, renewed: source });
        } else {
          skipped.push({ server: server.name, reason: 'already mounts this bundle: nothing to change' });
          continue;
        }
      } else if (existing && ownMount) {
        change.replaceArgs = [{ from: existing, to: mount }];
        if (routeArgs.length > 0) change.insertArgs = { index: guess.dockerImageIndex, values: routeArgs };
        changed.push({ server: server.name, runtime: guess.runtime, env: { ...containerEnv, ...Object.fromEntries(route) }, args: ['--mount', mount, ...routeArgs], renewed: source });
      } else if (existing && !options.replace) {
        skipped.push({ server: server.name, reason: `already mounts another bundle (${existing}); pass --replace to point it at the new one` });
        continue;
      } else {
        const values = ['--mount', mount, ...variables.flatMap((variable) => ['-e', `${variable}=${CONTAINER_BUNDLE_PATH}`]), ...routeArgs];
        change.insertArgs = { index: guess.dockerImageIndex, values };
        changed.push({ server: server.name, runtime: guess.runtime, env: { ...containerEnv, ...Object.fromEntries(route) }, args: values });
        if (existing) warnings.push({ code: 'docker-existing-mount', server: server.name, message: `an older mount (${existing}) stays in args; remove it by hand` });
      }
    } else if (options.osStore?.has(server.name)) {
      // Its runtime reads the OS store: the switch goes in, no bundle variable.
      const switchEnv = options.osStore.get(server.name) ?? {};
      for (const [variable, value] of Object.entries(switchEnv)) {
        const current = server.env[variable];
        if (current === undefined || current === null) change.add[variable] = value;
        else if (String(current) !== value) change.replace[variable] = value;
      }
      const env = { ...change.add, ...change.replace };
      if (Object.keys(env).length > 0) changed.push({ server: server.name, runtime: guess.runtime, env, mechanism: 'os-store' });
      else skipped.push({ server: server.name, reason: `already reads the OS store (${Object.keys(switchEnv).join(', ')}): nothing to change` });
    } else {
      let renewed: string | undefined;
      const inPlace: Record<string, string> = {};
      for (const variable of options.routeOnly?.includes(server.name) ? [] : variables) {
        const current = server.env[variable];
        if (current === undefined || current === null) change.add[variable] = bundleConfigPath;
        else if (String(current) !== bundleConfigPath) {
          // A bundle of ours is renewed; a file of the user's own is theirs (--replace takes it over).
          if (ownFileOf(String(current))) {
            change.replace[variable] = bundleConfigPath;
            renewed = renewed ?? String(current);
          } else if (options.replace) change.replace[variable] = bundleConfigPath;
          else conflict = conflict ?? `${variable}=${String(current)}`;
        } else if (renewsInPlace && ownFileOf(bundleConfigPath)) inPlace[variable] = bundleConfigPath;
      }
      for (const [variable, value] of Object.entries(options.addEnv?.[server.name] ?? {})) {
        if (server.env[variable] === undefined || server.env[variable] === null) change.add[variable] = value;
      }
      for (const variable of CA_VARIABLES) {
        const current = server.env[variable];
        if (!variables.includes(variable) && current !== undefined && current !== null) {
          warnings.push({ code: 'other-ca-variable', server: server.name, message: `${variable}=${String(current)} is set too; this runtime does not read it for its trust` });
        }
      }
      if (conflict) {
        skipped.push({
          server: server.name,
          reason: `already sets ${conflict}; left alone (pass --replace to point it at ${bundleConfigPath})`,
        });
        continue;
      }
      if (guess.viaWsl) wslEnvFor(server.env.WSLENV, change, platform);
      const env = { ...change.add, ...change.replace };
      if (Object.keys(env).length > 0) {
        changed.push({ server: server.name, runtime: guess.runtime, env: { ...inPlace, ...env }, ...(renewed ? { renewed } : {}) });
      } else if (Object.keys(inPlace).length > 0) {
        // The same file, its content renewed (new public roots): no config edit.
        changed.push({ server: server.name, runtime: guess.runtime, env: inPlace, renewed: bundleConfigPath });
      } else {
        skipped.push({ server: server.name, reason: `already points at ${bundleConfigPath}: nothing to change` });
      }
    }
    if (canRemoveInsecure) {
      for (const setting of found) {
        if ('envValue' in setting.removal) change.replace[setting.removal.envValue.name] = setting.removal.envValue.value;
        else if ('env' in setting.removal) change.removeEnv.push(setting.removal.env);
        else if (setting.removal.args.length > 0) change.removeArgs.push(...setting.removal.args);
        else continue;
        removedInsecure.push(setting);
      }
    }
    const touches =
      Object.keys(change.add).length + Object.keys(change.replace).length + change.removeEnv.length + change.removeArgs.length > 0 ||
      change.insertArgs !== undefined ||
      (change.replaceArgs ?? []).length > 0;
    if (touches) changes.push(change);
  }
  if (insecure.length > 0 && !canRemoveInsecure) {
    warnings.push({
      code: 'insecure',
      message: `${insecure.length} setting(s) turn TLS verification off (${insecure.map((s) => `${s.server}: ${s.setting}`).join('; ')}); with the CA trusted they are not needed: remove them (--remove-insecure with --host)`,
    });
  }

  const edited = changes.length > 0 ? editServers(parsed, changes) : { text: parsed.text, steps: [] };
  const newContent = (parsed.bom ? '\uFEFF' : '') + edited.text;
  return {
    options,
    config: options.configPath,
    parsed,
    original,
    bundle,
    bundleDir,
    undoDir: undoDir(home, platform),
    bundlePath,
    bundleConfigPath,
    newContent,
    steps: edited.steps,
    changed,
    skipped,
    insecure,
    removedInsecure,
    warnings,
    tracked: await tracked,
  };
}
