// Runtime verification: before a config is written, prove the fix in the server's OWN runtime —
// the interpreter its command resolves to, with the exact environment the server will get — by one
// TLS handshake to the server's target through the proxy that environment names. Our own process
// proving the bundle says nothing about a runtime that ignores the variable (or a launcher that
// drops it, or Python 3.13's strict X.509 rules).
//
// Never starts the MCP server itself (only its interpreter, with a probe script), never runs anything
// from the network (no `uvx` download: the interpreter is called directly; docker with --pull never),
// one timeout for everything, the child killed on timeout or abort, its output read up to a cap.
import { spawn } from 'node:child_process';
import { ipFamily } from '../chain/hostPort';
import { parseProxyUrl, proxyUrlFor, redactProxyUrl, type ProxyTarget } from '../chain/proxy';
import { scanText } from '../logs/scan';
import { TRUST_VARIABLES } from './variables';
import { detectRuntime, launcherOf, type ServerRuntime } from './detect';
import { ProbeParams, denoProbe, dockerShellProbe, nodeProbe, pythonProbe } from './probes';
import { ProbeKind, Resolution, envValue, findExecutable, resolveJavaScript, resolvePython } from './resolve';

/** The way a handshake went: through this proxy (its URL without credentials), or directly (null). */
export interface Route {
  proxy: string | null;
}

export interface RuntimeCheckRequest {
  runtime: ServerRuntime;
  command: string;
  args: string[];
  /** The exact effective env incl. the new CA variables. */
  env: Record<string, string>;
  target: { host: string; port: number };
  servername?: string;
  timeoutMs?: number;
  verifyDocker?: boolean;
  cwd?: string;
  signal?: AbortSignal;
  /** Defaults to process.platform (tests). */
  platform?: NodeJS.Platform;
  /**
   * The route the chain analysis took (the CA came from there). When the server's own environment
   * sends it another way, a failure is that route's, not proof the runtime ignores its CA variable.
   */
  analysisRoute?: Route;
}

export interface RuntimeCheckResult {
  /** The runtime as it reported itself: "python 3.11.2", "node v20.20.2"; null when none ran. */
  by: string | null;
  /** true verified, false the runtime's own handshake failed, null could not run / not conclusive. */
  ok: boolean | null;
  message: string;
  /** The runtime's error, classified by the log scanner (`untrusted-ca`, `strict-ca`, ...; `unreachable` for a non-TLS failure). */
  finding?: { kind: string; message: string };
  /** What the check stood in for, e.g. the Python uv would run was not here and another one was checked. */
  note?: string;
  /** The host:port the handshake was made with. */
  target?: string;
  /** The route the handshake took (the proxy the server's environment names, or directly); absent when none was tried. */
  route?: Route;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
/** Output kept from each of the child's streams. */
const OUTPUT_CAP = 64 * 1024;


interface ProxyChoice {
  proxy: ProbeParams['proxy'];
  /** Set when the env names a proxy this check cannot speak (https://, socks). */
  unsupported?: string;
  url?: string;
}

/** The proxy a client in this environment would use for https://host:port (lowercase name first, as curl and Python do; NO_PROXY as chain/proxy.ts reads it). */
export function proxyFromEnv(env: Record<string, string>, host: string, port: number, platform: NodeJS.Platform): ProxyChoice {
  // Both spellings, the platform's way (Windows: any case), as the analysis reads them (chain/proxy.ts).
  const get = (name: string): string | undefined => (envValue(env, name, platform)?.trim() || envValue(env, name.toUpperCase(), platform)?.trim()) || undefined;
  const url = proxyUrlFor(host, port, get);
  if (!url) return { proxy: null };
  let parsed: ProxyTarget;
  try {
    parsed = parseProxyUrl(url);
  } catch {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1];
    const shown = redactProxyUrl(url);
    return { proxy: null, unsupported: scheme ? `a ${scheme} proxy (${shown}) is not checked` : `the proxy setting ${shown} is not a URL`, url: shown };
  }
  if (parsed.url.protocol !== 'http:') return { proxy: null, unsupported: `a ${parsed.url.protocol.replace(':', '')} proxy (${parsed.url.host}) is not checked`, url: parsed.display };
  const auth = parsed.authorization ? parsed.authorization.slice('Basic '.length) : null;
  return { proxy: { host: parsed.url.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.url.port), auth }, url: parsed.display };
}

interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
  spawnError?: Error;
  timedOut: boolean;
  aborted: boolean;
}

function runChild(executable: string, args: string[], env: Record<string, string>, timeoutMs: number, cwd: string | undefined, signal: AbortSignal | undefined): Promise<Run> {
  return new Promise((resolve) => {
    const run: Run = { stdout: '', stderr: '', code: null, timedOut: false, aborted: false };
    if (signal?.aborted) {
      resolve({ ...run, aborted: true });
      return;
    }
    const child = spawn(executable, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const keep = (which: 'stdout' | 'stderr') => (chunk: Buffer) => {
      if (run[which].length < OUTPUT_CAP) run[which] += chunk.toString('utf8').slice(0, OUTPUT_CAP - run[which].length);
    };
    child.stdout.on('data', keep('stdout'));
    child.stderr.on('data', keep('stderr'));
    const kill = (): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      run.timedOut = true;
      kill();
    }, timeoutMs);
    const onAbort = (): void => {
      run.aborted = true;
      kill();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(run);
    };
    child.once('error', (error) => {
      run.spawnError = error;
      finish();
    });
    child.once('close', (code) => {
      run.code = code;
      finish();
    });
  });
}

interface Check {
  label: string;
  ok: boolean;
  text: string;
}

function parseOutput(stdout: string): { by: string | null; checks: Check[] } {
  let by: string | null = null;
  const checks: Check[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const version = /^VERSION (.+)$/.exec(line);
    if (version?.[1] && by === null) by = version[1].trim() === 'unknown' ? null : version[1].trim();
    const check = /^CHECK (\S+) (OK|FAIL|SKIP)(?: (.*))?$/.exec(line);
    if (check?.[1] && check[2] !== 'SKIP') checks.push({ label: check[1], ok: check[2] === 'OK', text: (check[3] ?? '').trim() });
  }
  return { by, checks };
}

/** The CA variables a probe kind reads that are set in env (first set one wins in the message). */
function caVariableSet(kind: ProbeKind | 'docker', env: Record<string, string>, platform: NodeJS.Platform): string | null {
  return TRUST_VARIABLES[kind].find((n) => envValue(env, n, platform) !== undefined) ?? null;
}

const sameRoute = (a: Route, b: Route): boolean => a.proxy === b.proxy;

function unresolved(resolution: Resolution): RuntimeCheckResult | null {
  return 'missing' in resolution ? { by: null, ok: null, message: `not checked: ${resolution.missing}` } : null;
}

function interpret(run: Run, kind: ProbeKind | 'docker', executable: string, req: RuntimeCheckRequest, timeoutMs: number, route: Route, note: string | undefined, platform: NodeJS.Platform): RuntimeCheckResult {
  const result = { ...interpretRun(run, kind, executable, req, timeoutMs, route, note, platform), route };
  return note ? { ...result, note } : result;
}

function interpretRun(run: Run, kind: ProbeKind | 'docker', executable: string, req: RuntimeCheckRequest, timeoutMs: number, route: Route, note: string | undefined, platform: NodeJS.Platform): RuntimeCheckResult {
  const via = routeText(route);
  const { by, checks } = parseOutput(run.stdout);
  const withNote = (text: string): string => (note ? `${text} (${note})` : text);
  const target = `${req.target.host}:${req.target.port}`;
  if (run.spawnError) return { by: null, ok: null, message: withNote(`could not start ${executable}: ${run.spawnError.message}`) };
  if (run.aborted) return { by, ok: null, message: withNote(`${by ?? executable}: aborted`) };
  const failed = checks.find((c) => !c.ok);
  if (run.timedOut && !failed) {
    return {
      by,
      ok: null,
      message: withNote(`${by ?? executable}: no result within ${timeoutMs} ms (the handshake with ${target} ${via} did not finish); killed`),
    };
  }
  if (checks.length > 0 && !failed && run.code === 0) {
    return { by, ok: true, target, message: withNote(`${by ?? executable} verified the handshake with ${target} ${via}`) };
  }
  if (failed) {
    const finding = scanText(failed.text, 'runtime-check')[0];
    if (!finding) {
      return {
        by,
        ok: null,
        message: withNote(`${by ?? executable} could not reach ${target} ${via}: ${failed.text}`),
        finding: { kind: 'unreachable', message: failed.text },
      };
    }
    let message = failed.text;
    if (failed.label === 'requests') {
      message = `the bundle in REQUESTS_CA_BUNDLE does not verify ${target} as requests loads it: ${failed.text}`;
    } else if (finding.kind === 'untrusted-ca' && req.analysisRoute && !sameRoute(route, req.analysisRoute)) {
      // Another route may meet another certificate: nothing here says the runtime ignored its variable.
      const found = routeText(req.analysisRoute);
      return {
        by,
        ok: false,
        message: withNote(`the handshake went ${via} (the server's environment sends it that way) but the CA was found ${found}, so this says nothing about the CA variables: ${failed.text}`),
        finding: { kind: finding.kind, message: failed.text },
      };
    } else if (finding.kind === 'untrusted-ca') {
      const variable = caVariableSet(kind, req.env, platform);
      if (variable) message = `this runtime ignores ${variable}: ${failed.text}`;
    }
    return { by, ok: false, message: withNote(`${message} (the handshake went ${via})`), finding: { kind: finding.kind, message: failed.text } };
  }
  const tail = (run.stderr.trim() || run.stdout.trim()).split(/\r?\n/).slice(-3).join(' | ');
  return { by, ok: null, message: withNote(`${by ?? executable} exited with code ${run.code ?? 'null'} without a result${tail ? `: ${tail}` : ''}`) };
}

/** The route a client in this environment takes to host:port: the proxy's URL (no credentials), or null. */
export function routeOf(choice: ProxyChoice): Route {
  return { proxy: choice.proxy ? (choice.url ?? `http://${choice.proxy.host}:${choice.proxy.port}`) : null };
}

export function routeText(route: Route): string {
  return route.proxy ? `through ${route.proxy}` : 'directly';
}

/**
 * `docker run` for the check: the entry's own options (mounts, -e, --network ...) and image, with
 * `--rm --pull never` (nothing fetched), `sh` as entrypoint running whichever probe the image can,
 * the probes passed by name from our env; -i/-t/-d/--name/--entrypoint and the server's own
 * arguments dropped. A string says why no such command line can be made.
 */
export function dockerCheckArgs(req: Pick<RuntimeCheckRequest, 'command' | 'args'>): string[] | string {
  const { rest, offset } = launcherOf(req.command, req.args);
  const run = rest.indexOf('run');
  const image = detectRuntime(req.command, req.args).dockerImageIndex;
  if (run === -1 || image === undefined) return 'docker: no image found in the command line';
  const options = req.args.slice(offset + run + 1, image);
  const kept: string[] = [];
  for (let i = 0; i < options.length; i += 1) {
    const arg = options[i] ?? '';
    if (/^-(?:i|t|it|ti|d)$|^--(?:interactive|tty|detach|rm)$/.test(arg) || /^--(?:name|entrypoint|pull)=/.test(arg)) continue;
    if (arg === '--name' || arg === '--entrypoint' || arg === '--pull') {
      i += 1;
      continue;
    }
    kept.push(arg);
  }
  return ['run', '--rm', '--pull', 'never', '--entrypoint', 'sh', ...kept, '-e', 'MCP_SSL_DOCTOR_PY', '-e', 'MCP_SSL_DOCTOR_JS',
    req.args[image] ?? '', '-c', dockerShellProbe()];
}

export async function runtimeCheck(req: RuntimeCheckRequest): Promise<RuntimeCheckResult> {
  const platform = req.platform ?? process.platform;
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (req.runtime === 'unknown') {
    return { by: null, ok: null, message: `not checked: the runtime of ${req.command} is unknown (no interpreter to run a handshake in)` };
  }
  if (req.runtime === 'docker' && !req.verifyDocker) {
    return { by: null, ok: null, message: 'docker: checked in the image only with --verify-docker' };
  }
  const choice = proxyFromEnv(req.env, req.target.host, req.target.port, platform);
  if (choice.unsupported) return { by: null, ok: null, message: `not checked: ${choice.unsupported}` };
  const params: ProbeParams = {
    host: req.target.host,
    port: req.target.port,
    servername: req.servername ?? (ipFamily(req.target.host) !== 0 ? null : req.target.host),
    proxy: choice.proxy,
    timeoutSeconds: Math.ceil(timeoutMs / 1000) + 1,
  };
  const route = routeOf(choice);

  if (req.runtime === 'docker') {
    const docker = findExecutable(launcherOf(req.command, req.args).offset > 0 ? 'docker' : req.command, req.env, platform, req.cwd);
    if (!docker) return { by: null, ok: null, message: `not checked: ${req.command} is not on the server's PATH` };
    const args = dockerCheckArgs(req);
    if (typeof args === 'string') return { by: null, ok: null, message: `not checked: ${args}` };
    const env = { ...req.env, MCP_SSL_DOCTOR_PY: pythonProbe(params), MCP_SSL_DOCTOR_JS: nodeProbe(params) };
    const run = await runChild(docker, args, env, timeoutMs, req.cwd, req.signal);
    return interpret(run, 'docker', docker, req, timeoutMs, route, undefined, platform);
  }

  const resolution = req.runtime === 'python'
    ? resolvePython(req.command, req.args, req.env, platform, req.cwd)
    : resolveJavaScript(req.command, req.args, req.env, platform, req.cwd, req.runtime);
  const missing = unresolved(resolution);
  if (missing || 'missing' in resolution) return missing ?? { by: null, ok: null, message: 'not checked' };
  const { kind, executable, preArgs, note, emulateStrict } = resolution;
  const args = kind === 'python' ? [...preArgs, '-I', '-c', pythonProbe(params)]
    : kind === 'deno' ? ['eval', '--quiet', denoProbe(params)]
      : ['-e', nodeProbe(params)];
  // The env exactly as the server gets it; the one addition is the probe's strict switch when an
  // older Python stands in for a 3.13+ one (see probes.ts, pythonProbe).
  const env = emulateStrict ? { ...req.env, MCP_SSL_DOCTOR_PY_STRICT: '1' } : req.env;
  const run = await runChild(executable, args, env, timeoutMs, req.cwd, req.signal);
  return interpret(run, kind, executable, req, timeoutMs, route, note, platform);
}

/** One line for a person: "verified by python 3.11.2: OK", "python 3.11.2 still fails: <error>". */
export function describeRuntimeCheck(result: RuntimeCheckResult): string {
  if (result.ok === true) return `verified by ${result.by ?? 'the runtime'}: OK${result.target ? `, a handshake with ${result.target}${result.route ? ` ${routeText(result.route)}` : ''}` : ''}${result.note ? ` (${result.note})` : ''}`;
  if (result.ok === false) return `${result.by ?? 'the runtime'} still fails: ${result.message}`;
  return result.by ? `not verified by ${result.by}: ${result.message}` : `not verified: ${result.message}`;
}
