// The editor's view of the core's fix and config code: what the fix flow, the server list and
// the preflight need, in their terms. No logic of its own beyond adapting shapes.
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import type { ChainReport, PathCert, Runtime } from '../core/types';
import { describeError } from '../core/types';
import type { VerifyResult } from '../core/chain/index';
import { parseHostPort as parseHostPortStrict } from '../core/chain/hostPort';
import type { FixResult } from '../core/fix/apply';
import type { ConfigLocation } from '../core/fix/discover';
import type { ServerRuntime } from '../core/fix/runtimes';
export { CONTAINER_BUNDLE_PATH } from '../core/fix/runtimes';
import type { UndoResult } from '../core/fix/undo';
import * as path from 'node:path';
import type { ServerRef } from './fixFlow';

type Fixer = typeof import('./fixer');
let fixer: Fixer | undefined;

/** dist/fixer.js, beside dist/extension.js, required on first use. */
function loadFixer(): Fixer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  fixer ??= require(path.join(__dirname, 'fixer.js')) as Fixer;
  return fixer;
}

export { describeError as describe };
export type ApplyOutcome = FixResult;

/** Every MCP config of this window's folders and of the user, any host. */
export function discover(folders: string[]): Promise<ConfigLocation[]> {
  return loadFixer().discoverConfigs({ workspaceFolders: folders, home: os.homedir(), platform: process.platform, env: process.env });
}

export interface ApplyRequest {
  configPath: string;
  servers: string[];
  caPems: string[];
  mode: 'combined' | 'ca-only';
  bundleDir?: string;
  /** Proof before writing: a handshake to the analysed host trusting only the new bundle. */
  verify: { host: string; port: number; run: (caPem: string) => Promise<VerifyResult> };
  /** The analysed path (the proxy's leaf too), so strict-mode advice names the certificate that fails, as the CLI's does. */
  path: PathCert[];
}

/** Plan, verify and write the fix of one config file (the core refuses anything unverified). */
export async function applyForConfig(request: ApplyRequest): Promise<FixResult> {
  const { planFix, applyFix, strictPathProblems } = loadFixer();
  const plan = await planFix({
    configPath: request.configPath,
    servers: request.servers,
    caPems: request.caPems,
    mode: request.mode,
    bundleDir: request.bundleDir,
    verify: { host: request.verify.host, port: request.verify.port, verifyTrust: (options) => request.verify.run(options.caPem) },
    strictProblems: strictPathProblems(request.path),
  });
  return applyFix(plan);
}

export function undo(configPath: string, bundleDir: string | undefined): Promise<UndoResult> {
  return loadFixer().undoFix({ configPath, bundleDir });
}

export interface ConfiguredServer {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  url?: string;
  runtime: ServerRuntime;
  /** Only stdio servers run a child process whose env we can set. */
  stdio: boolean;
  /** CA variables the entry already sets. */
  caVariables: string[];
}

export async function readServers(configPath: string): Promise<ConfiguredServer[]> {
  const { parseConfig, detectRuntime, CA_VARIABLES } = loadFixer();
  const config = parseConfig(configPath, await readFile(configPath, 'utf8'));
  return config.servers.map((server) => {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(server.env)) if (value !== null) env[key] = String(value);
    const remote = Boolean(server.url) || (server.type !== undefined && server.type !== 'stdio') || !server.command;
    return {
      name: server.name,
      command: server.command ?? '',
      args: server.args,
      env,
      url: server.url,
      runtime: detectRuntime(server.command, server.args).runtime,
      stdio: !remote,
      caVariables: CA_VARIABLES.filter((variable) => variable in env),
    };
  });
}

export function variablesFor(runtime: ServerRuntime | Runtime): string[] {
  const { RUNTIME_VARIABLES } = loadFixer();
  return RUNTIME_VARIABLES[runtime as ServerRuntime] ?? RUNTIME_VARIABLES.unknown;
}

/** `host`, `host:port`, `[v6]:port` → host and port; undefined when it is not one. */
export function parseHostPort(value: string): { host: string; port: number } | undefined {
  try {
    return parseHostPortStrict(value);
  } catch {
    return undefined;
  }
}

/** The https hosts a server names in its args or env: where it will connect. */
export function hostsOfServer(server: Pick<ConfiguredServer, 'args' | 'env'>): { host: string; port: number }[] {
  const hosts: { host: string; port: number }[] = [];
  for (const text of [...server.args, ...Object.values(server.env)]) {
    for (const match of text.matchAll(/https:\/\/[^\s"'<>]+/g)) {
      try {
        const url = new URL(match[0]);
        const host = url.hostname.replace(/^\[|\]$/g, '');
        if (host && !hosts.some((known) => known.host === host)) hosts.push({ host, port: url.port ? Number(url.port) : 443 });
      } catch {
        // not a URL after all
      }
    }
  }
  return hosts;
}

/** The hosts `uvx` and `npx` download from: where a server without a URL will connect first. */
export const DEFAULT_PROBE = { python: { host: 'pypi.org', port: 443 }, node: { host: 'registry.npmjs.org', port: 443 } } as const;

/** The host a server will reach: a URL in its args or env, else the probe host setting, else by runtime. */
export function probeTargetFor(server: Pick<ConfiguredServer, 'args' | 'env' | 'runtime'> | undefined, probeHost: string): { host: string; port: number } {
  const fromConfig = server ? hostsOfServer(server)[0] : undefined;
  if (fromConfig) return fromConfig;
  const configured = probeHost ? parseHostPort(probeHost) : undefined;
  if (configured) return configured;
  return server?.runtime === 'node' ? DEFAULT_PROBE.node : DEFAULT_PROBE.python;
}

export { casToTrust } from '../core/fix/cas';

export function bundleFolder(configured: string | undefined): string {
  return configured || loadFixer().defaultBundleDir(os.homedir());
}

/** The same fix from a terminal, for untrusted workspaces and scripts. */
export function cliCommand(servers: ServerRef[], report: ChainReport): string {
  const quote = (value: string) => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);
  const byConfig = new Map<string, string[]>();
  for (const server of servers) byConfig.set(server.configPath, [...(byConfig.get(server.configPath) ?? []), server.name]);
  return [...byConfig.entries()]
    .map(([config, names]) => `mcp-ssl-doctor fix --config ${quote(config)} ${names.map((name) => `--server ${quote(name)}`).join(' ')} --host ${quote(`${report.host}:${report.port}`)}`)
    .join(' && ');
}
