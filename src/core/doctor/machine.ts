// `doctor`: every MCP server of a machine (or of the given homes), its state, and the fixes that
// would make it work — applied with `fix`. The CLI's `doctor` is input and output around this.
import type { FixResult } from '../fix/apply';
import type { BundleMode } from '../fix/bundle';
import { caSetWarnings, caSetWarningText, readCertificates } from '../fix/bundle';
import { pythonVersionOf } from '../fix/python-version';
import { launcherOf, RUNTIME_VARIABLES } from '../fix/runtimes';
import { strictCaProblems, strictPathProblems } from '../fix/strict';
import { scanFile } from '../logs/scan';
import type { ChainReport, Finding } from '../types';
import { describeError } from '../types';
import { discoverConfigRefs, MachineScope } from './discover';
import { discoverMachineLogs } from './machineLogs';
import { CaSource, fixConfig } from './fixPipeline';
import { readInventory } from './inventory';
import { configProblemText } from '../fix/config';
import { casForFix, decideFix, interceptionRoot } from './policy';
import { chainTooLong } from '../chain/verdict';
import { describeHostTrustStep, hostPlanWouldChange, HostLevelPrepared, prepareHostLevel } from './hostLevel';
import type { HostId } from '../fix/locations';
import { DoctorError } from '../types';
import { mapLimit } from './pool';
import { serverTargetOf, targetKeyOf } from './needs';
import { claudeCodeSettingsEnv, effectiveEnvOf } from './serverEnv';
import { probeTargetOf } from './targets';
import { serverTrustsRoot } from './trust';
import type { Analyzer, ConfigRef, HostTarget, McpServer, ServerTarget } from './types';

export type ServerState = 'ok' | 'will-fail' | 'failing' | 'remote-host-trust' | 'strict-ca' | 'unreachable' | 'unknown';

/** Why a server is in its state: a code each front end words (the CLI's words: doctorText). */
export type StateReason =
  | 'public-root' // nothing intercepts its target
  | 'trusts-root' // its environment already trusts the intercepting root
  | 'root-not-trusted' // it will meet a root its runtime does not trust
  | 'unknown-root' // the root is in no store: fixed only when the user says so
  | 'log-failure' // its log shows the failure now
  | 'strict-python' // Python 3.13+ rejects this CA whatever is trusted
  | 'remote' // the host connects itself: trust is the host's
  | 'probe-failed'
  | 'not-fixable-verdict' // expired, hostname-mismatch, incomplete
  | 'invalid-entry';

export interface ServerReport {
  hostApp: string;
  config: string;
  /** Claude Code's local scope: the project folder whose servers these are. */
  project?: string;
  server: string;
  transport: McpServer['transport'];
  runtime: McpServer['runtime'];
  target: HostTarget | null;
  state: ServerState;
  reason: StateReason;
  root: { subject: string; sha256: string } | null;
  fix: { kind: 'env' | 'host-level' | 'none'; detail: string };
  verified: { by: string; ok: boolean; message: string } | null;
  /** The log line of a failure, the probe error, the verdict: one line for a person. */
  message: string;
}

export interface DoctorOptions {
  /** One per home (admin mode: several). */
  scopes: MachineScope[];
  /** The environment MCP hosts pass on to the servers they start (the CLI's own). */
  hostEnv: NodeJS.ProcessEnv;
  analyzer: Analyzer;
  /** A CA given by hand (IT knows it): no probe is needed for stdio servers. */
  givenCa?: string[];
  trustUnknown?: boolean;
  probeHost?: string;
  mode?: BundleMode;
  publicPem?: string;
  /** A bundle folder for every home instead of each home's own. */
  bundleDir?: string;
  concurrency?: number;
  readLogs?: boolean;
  /** Skip proving fixes in each server's own runtime (machines without the runtimes). */
  noRuntimeCheck?: boolean;
  verifyDocker?: boolean;
  /** Host-level fixes may add the root to the user's OS store (macOS, Windows) — never without this. */
  yesOsStore?: boolean;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

export interface DoctorChange {
  config: string;
  server: string;
  env: Record<string, string>;
  bundle: string;
  verified: { by: string; ok: boolean; message: string } | null;
  /** A remote server's host-level change: `config` is the host's settings file (not the MCP config). */
  kind?: 'host-level';
  /** Editor settings a host-level change set (`http.systemCertificates`...). */
  settings?: Record<string, boolean>;
}

/** One host app's host-level plan for the remote servers of one home that meet one root. */
interface HostItem {
  hostApp: HostId;
  scope: MachineScope;
  prepared: HostLevelPrepared;
  caPems: string[];
  target: ServerTarget;
  servers: string[];
  wouldChange: boolean;
}

export interface DoctorResult {
  configs: { hostApp: string; path: string; project?: string }[];
  unreadable: { config: string; message: string }[];
  /** Entries of readable configs no host starts (not an object, `env` not an object) and ignored server sets. */
  warnings: { config?: string; code: string; server?: string; message: string }[];
  servers: ServerReport[];
  changed: DoctorChange[];
  skipped: { config: string; server: string; reason: string }[];
}

interface Probed {
  report?: ChainReport;
  error?: string;
}

/** The latest failure each server's own log shows (by server name). */
async function logFailures(options: DoctorOptions): Promise<Map<string, Finding>> {
  const failures = new Map<string, Finding>();
  if (options.readLogs === false) return failures;
  for (const scope of options.scopes) {
    for (const log of await discoverMachineLogs(scope).catch(() => [])) {
      if (!log.server) continue;
      try {
        for (const finding of scanFile(log.path, log.server)) if (finding.kind === 'untrusted-ca' || finding.kind === 'strict-ca') failures.set(log.server, finding);
      } catch {
        // An unreadable log says nothing about the server.
      }
    }
  }
  return failures;
}

function isStrictPython(server: McpServer, report: ChainReport | undefined, givenCa: string[] | undefined): boolean {
  if (server.runtime !== 'python') return false;
  const problems = report ? strictPathProblems(report.path) : strictCaProblems((givenCa ?? []).map((pem) => ({ pem })));
  if (problems.length === 0) return false;
  const { base, rest } = launcherOf(server.command, server.args);
  return pythonVersionOf(base, rest, server.env)?.strict === true;
}

export interface DoctorRun {
  result: DoctorResult;
  /** How many servers a fix would change (`--check` fails when this is not 0). */
  pending: number;
  /** Applies every fixable change (fills result.changed and result.skipped). */
  applyFixes(): Promise<void>;
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorRun> {
  const progress = options.onProgress ?? (() => {});
  const refs: { ref: ConfigRef; scope: MachineScope }[] = [];
  for (const scope of options.scopes) for (const ref of await discoverConfigRefs(scope)) refs.push({ ref, scope });
  progress(`${refs.length} MCP config(s) found`);
  const inventory = await readInventory(refs.map(({ ref }) => ref));
  const scopeOf = (server: McpServer): MachineScope => refs.find(({ ref }) => ref === server.config)?.scope ?? (options.scopes[0] as MachineScope);
  const failures = await logFailures(options);

  const given = options.givenCa ? readCertificates(options.givenCa.join(''), '--ca') : undefined;
  // A PEM bundle lists a chain leaf first: the last CA given is the root the servers must trust.
  const givenRoot = given?.[given.length - 1];

  // Each distinct target once, a few at a time.
  const targets = new Map<string, ServerTarget>();
  const targetOf = new Map<McpServer, ServerTarget | null>();
  for (const server of inventory.servers) {
    // A stdio server reaches its target through the proxy its own environment names (needs.ts, the
    // editor's rule too); for a remote one the host connects itself, through its own proxy.
    const remote = server.transport === 'remote' ? probeTargetOf(server) : null;
    const target =
      server.transport === 'stdio'
        ? serverTargetOf(server, (entry) => effectiveEnvOf(entry, options.hostEnv), { probeHost: options.probeHost })
        : remote && { host: remote.host, port: remote.port };
    targetOf.set(server, target);
    const needsProbe = server.transport === 'remote' || !given;
    if (target && needsProbe) targets.set(targetKeyOf(target), target);
  }
  progress(`probing ${targets.size} host(s)`);
  const probed = new Map<string, Probed>();
  await mapLimit([...targets.values()], options.concurrency ?? 6, async (target) => {
    try {
      probed.set(targetKeyOf(target), { report: await options.analyzer.analyze(target, options.signal) });
    } catch (error) {
      probed.set(targetKeyOf(target), { error: describeError(error) });
    }
    progress(`probed ${target.host}:${target.port}`);
  });

  // Remote servers: one plan per home, host app and root (the fix is the host's, once).
  const hostItems = new Map<string, HostItem>();
  const planHost = async (server: McpServer, target: ServerTarget, report: ChainReport, rootSha256: string): Promise<{ reason: StateReason; fix: ServerReport['fix'] }> => {
    const scope = scopeOf(server);
    const hostApp = server.config.hostApp;
    try {
      const caPems = casForFix(report, options.trustUnknown === true);
      const key = JSON.stringify([scope.home, hostApp, rootSha256]);
      let item = hostItems.get(key);
      if (!item) {
        const prepared = await prepareHostLevel({
          hostApp,
          home: scope.home,
          platform: scope.platform,
          caPems,
          rootSha256,
          rootInOsStore: report.verdict === 'intercepted',
          bundleDir: options.bundleDir,
          publicPem: options.publicPem,
          env: scope.env,
          writeBundle: false,
        });
        item = { hostApp, scope, prepared, caPems, target, servers: [], wouldChange: await hostPlanWouldChange(prepared.plan) };
        hostItems.set(key, item);
      }
      item.servers.push(server.name);
      const detail = item.prepared.plan.steps.map(describeHostTrustStep).join('; ');
      return { reason: 'remote', fix: { kind: 'host-level', detail: item.wouldChange ? detail : `in place: ${detail}` } };
    } catch (error) {
      if (error instanceof DoctorError && error.detail?.reason === 'unknown-root') {
        return { reason: 'unknown-root', fix: { kind: 'none', detail: 'a root no store trusts: confirm its fingerprint with IT, then --trust-unknown-ca' } };
      }
      return { reason: 'remote', fix: { kind: 'none', detail: describeError(error) } };
    }
  };

  // Claude Code's settings `env` reaches every server it starts: read once per home.
  const claudeEnvs = new Map<string, Promise<Record<string, string>>>();
  const claudeEnvOf = (home: string): Promise<Record<string, string>> => {
    let env = claudeEnvs.get(home);
    if (!env) claudeEnvs.set(home, (env = claudeCodeSettingsEnv(home)));
    return env;
  };
  const servers: ServerReport[] = [];
  const fixable: { server: McpServer; target: ServerTarget | null; report?: ChainReport }[] = [];
  for (const server of inventory.servers) {
    const target = targetOf.get(server) ?? null;
    const probe = target ? probed.get(targetKeyOf(target)) : undefined;
    const base = {
      hostApp: server.config.hostApp,
      config: server.config.path,
      ...(server.config.project ? { project: server.config.project } : {}),
      server: server.name,
      transport: server.transport,
      runtime: server.runtime,
      target: target && { host: target.host, port: target.port },
      verified: null,
    };
    const report = probe?.report;
    const rootOfReport = report ? interceptionRoot(report) : null;
    const none = { kind: 'none' as const, detail: '' };
    if (server.transport === 'invalid') {
      servers.push({ ...base, state: 'unknown', reason: 'invalid-entry', root: null, fix: none, message: 'neither a command nor a url: the host cannot start it' });
      continue;
    }
    if (probe?.error && (server.transport === 'remote' || !given)) {
      servers.push({ ...base, state: 'unreachable', reason: 'probe-failed', root: null, fix: none, message: probe.error });
      continue;
    }
    if (server.transport === 'remote') {
      if (!report || report.verdict === 'trusted') servers.push({ ...base, state: 'ok', reason: 'public-root', root: null, fix: none, message: report ? 'verifies to a public root' : 'no https url to probe' });
      else if (rootOfReport && target) {
        const planned = await planHost(server, target, report, rootOfReport.sha256);
        servers.push({ ...base, state: 'remote-host-trust', reason: planned.reason, root: rootOfReport, fix: planned.fix, message: `the host connects itself to a target re-signed by ${rootOfReport.subject}` });
      }
      else servers.push({ ...base, state: 'unknown', reason: 'not-fixable-verdict', root: null, fix: none, message: `verdict ${report.verdict}` });
      continue;
    }
    const root = given && givenRoot ? { subject: givenRoot.subject, sha256: givenRoot.sha256 } : rootOfReport;
    if (!root) {
      const verdict = report?.verdict ?? 'unknown';
      const failure = failures.get(server.name);
      if (verdict === 'trusted') servers.push({ ...base, state: failure ? 'failing' : 'ok', reason: 'public-root', root: null, fix: none, message: failure ? `${failure.message} (but nothing intercepts ${report?.host}: another cause)` : 'verifies to a public root' });
      else servers.push({ ...base, state: 'unknown', reason: 'not-fixable-verdict', root: null, fix: none, message: report && chainTooLong(report) ? 'certificate path too long to follow (no CA is missing; no bundle helps)' : `verdict ${verdict}` });
      continue;
    }
    const scope = scopeOf(server);
    const env = effectiveEnvOf(server, options.hostEnv, process.platform, server.config.hostApp === 'claude-code' ? await claudeEnvOf(scope.home) : undefined);
    // Python 3.13+ rejects such a CA whatever is trusted: said before looking at what the server trusts.
    if (isStrictPython(server, report, options.givenCa)) {
      servers.push({ ...base, state: 'strict-ca', reason: 'strict-python', root, fix: none, message: 'Python 3.13+ rejects this CA under strict X.509 rules: IT must reissue it, or run the server on Python 3.12' });
      continue;
    }
    const trust = await serverTrustsRoot(server, root.sha256, env, { home: scope.home, workspaceFolder: scope.workspaceFolders[0], env: options.hostEnv });
    if (trust.trusted) {
      servers.push({ ...base, state: 'ok', reason: 'trusts-root', root, fix: none, message: `trusts ${root.subject} through ${trust.via}` });
      continue;
    }
    const failure = failures.get(server.name);
    const unknownRoot = !given && report !== undefined && decideFix(report).action === 'confirm' && !options.trustUnknown;
    const variables = RUNTIME_VARIABLES[server.runtime].join(', ');
    servers.push({
      ...base,
      state: failure ? 'failing' : 'will-fail',
      reason: unknownRoot ? 'unknown-root' : failure ? 'log-failure' : 'root-not-trusted',
      root,
      fix: unknownRoot ? { kind: 'none', detail: 'a root no store trusts: confirm its fingerprint with IT, then --trust-unknown-ca' } : { kind: 'env', detail: `set ${variables} to the bundle` },
      message: failure ? failure.message : `runtime does not trust ${root.subject}`,
    });
    if (!unknownRoot) fixable.push({ server, target, report });
  }

  const result: DoctorResult = {
    configs: refs.map(({ ref }) => ({ hostApp: ref.hostApp, path: ref.path, ...(ref.project ? { project: ref.project } : {}) })),
    unreadable: inventory.unreadable.map(({ config, message }) => ({ config: config.path, message })),
    warnings: [
      ...caSetWarnings(given ?? []).map((warning) => ({ code: warning.code, message: `--ca: ${caSetWarningText(warning)}` })),
      ...inventory.warnings.map(({ config, code, detail }) => ({ config: config.path, code, ...('server' in detail ? { server: detail.server } : {}), message: configProblemText(detail) })),
    ],
    servers,
    changed: [],
    skipped: [],
  };
  const hostPending = [...hostItems.values()].filter((item) => item.wouldChange).reduce((sum, item) => sum + item.servers.length, 0);
  return {
    result,
    pending: fixable.length + hostPending,
    applyFixes: async () => {
      await applyFixes(fixable, options, scopeOf, result);
      await applyHostFixes([...hostItems.values()], options, result);
    },
  };
}

async function applyFixes(
  fixable: { server: McpServer; target: ServerTarget | null; report?: ChainReport }[],
  options: DoctorOptions,
  scopeOf: (server: McpServer) => MachineScope,
  result: DoctorResult,
): Promise<void> {
  // One fix per config (and servers object) and CA source.
  const groups = new Map<string, typeof fixable>();
  for (const item of fixable) {
    const key = JSON.stringify([item.server.config.path, item.server.config.serversPath ?? null, options.givenCa ? 'given' : item.target && targetKeyOf(item.target)]);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  for (const group of groups.values()) {
    const first = group[0] as (typeof fixable)[number];
    const scope = scopeOf(first.server);
    const cas: CaSource = options.givenCa ? { kind: 'given', pems: options.givenCa } : { kind: 'report', report: first.report as ChainReport, trustUnknown: options.trustUnknown === true };
    const config = first.server.config.path;
    options.onProgress?.(`fixing ${config}`);
    let outcome: FixResult;
    try {
      outcome = await fixConfig({
        configPath: config,
        serversPath: first.server.config.serversPath,
        servers: group.map(({ server }) => server.name),
        cas,
        verify: first.target && !options.givenCa ? { target: first.target, analyzer: options.analyzer, signal: options.signal } : undefined,
        mode: options.mode,
        bundleDir: options.bundleDir,
        home: scope.home,
        publicPem: options.publicPem,
        // A CA variable the user set stays: the server is skipped with the reason (nothing is lost).
        replace: false,
        runtimeCheck:
          options.noRuntimeCheck || !first.target
            ? undefined
            : {
                hostApp: first.server.config.hostApp,
                target: first.target,
                hostEnv: options.hostEnv,
                context: { home: scope.home, workspaceFolder: scope.workspaceFolders[0], env: options.hostEnv },
                verifyDocker: options.verifyDocker,
                signal: options.signal,
              },
      });
    } catch (error) {
      for (const { server } of group) result.skipped.push({ config, server: server.name, reason: describeError(error) });
      continue;
    }
    for (const change of outcome.changed) {
      result.changed.push({ config, server: change.server, env: change.env, bundle: outcome.bundle, verified: change.verified ?? null });
      const report = result.servers.find((server) => server.config === config && server.server === change.server);
      if (report) report.verified = change.verified ?? null;
    }
    for (const skip of outcome.skipped) result.skipped.push({ config, server: skip.server, reason: skip.reason });
  }
}

/**
 * The host-level fixes: each host app's file steps once (its settings), proved first by a handshake
 * trusting only the bundle. The OS store only with `yesOsStore`; Claude Desktop has nothing to apply.
 */
async function applyHostFixes(items: HostItem[], options: DoctorOptions, result: DoctorResult): Promise<void> {
  const { applyHostTrust } = await import('../hostTrust/apply');
  for (const item of items) {
    const osStore = options.yesOsStore === true && item.prepared.plan.steps.some((step) => step.kind === 'os-store' && step.runsHere);
    if (!item.wouldChange && !osStore) continue;
    const fileStep = item.prepared.plan.steps.find((step) => step.kind === 'claude-code-env' || step.kind === 'editor-setting');
    const config = fileStep && 'file' in fileStep ? fileStep.file : item.hostApp;
    const skip = (reason: string): void => {
      for (const server of item.servers) result.skipped.push({ config, server, reason });
    };
    options.onProgress?.(`fixing ${item.hostApp} (host-level)`);
    try {
      const check = await options.analyzer.verify(item.target, item.prepared.bundle.pem, options.signal);
      if (!check.ok) {
        skip(`host-level: a handshake with ${item.target.host}:${item.target.port} trusting only the bundle fails (${check.error ?? 'unknown error'})`);
        continue;
      }
      const verified = { by: 'handshake', ok: true, message: `a handshake with ${item.target.host}:${item.target.port} trusting only the bundle succeeds` };
      const written = await prepareHostLevel({
        hostApp: item.hostApp,
        home: item.scope.home,
        platform: item.scope.platform,
        caPems: item.caPems,
        rootSha256: item.prepared.root.sha256,
        rootInOsStore: !item.prepared.plan.steps.some((step) => step.kind === 'os-store'),
        bundleDir: options.bundleDir,
        publicPem: options.publicPem,
        env: item.scope.env,
        writeBundle: true,
      });
      const applied = await applyHostTrust(written.plan, { confirmedOsStore: options.yesOsStore === true });
      const byFile = new Map<string, { env: Record<string, string>; settings: Record<string, boolean> }>();
      for (const { step, outcome, detail } of applied.steps) {
        if (outcome === 'kept-existing' && step.kind === 'claude-code-env') skip(`host-level: env.${step.variable} in ${step.file} already names ${detail ?? 'another file'}: kept (mcp-ssl-doctor fix --host-level ${item.hostApp} --replace points it at the bundle)`);
        if (outcome === 'failed') skip(`host-level: ${describeHostTrustStep(step)} failed: ${detail ?? ''}`);
        if (outcome !== 'changed' && outcome !== 'unchanged') continue;
        if (step.kind !== 'claude-code-env' && step.kind !== 'editor-setting') continue;
        const entry = byFile.get(step.file) ?? { env: {}, settings: {} };
        if (step.kind === 'claude-code-env') entry.env[step.variable] = step.value;
        else entry.settings[step.key] = step.value;
        byFile.set(step.file, entry);
      }
      for (const file of applied.files.filter((f) => f.changed)) {
        const entry = byFile.get(file.file) ?? { env: {}, settings: {} };
        for (const server of item.servers) {
          result.changed.push({
            config: file.file,
            server,
            env: entry.env,
            ...(Object.keys(entry.settings).length > 0 ? { settings: entry.settings } : {}),
            bundle: written.bundle.path,
            verified,
            kind: 'host-level',
          });
        }
      }
      for (const report of result.servers) {
        if (report.hostApp === item.hostApp && item.servers.includes(report.server) && report.state === 'remote-host-trust') report.verified = verified;
      }
    } catch (error) {
      skip(`host-level: ${describeError(error)}`);
    }
  }
}
