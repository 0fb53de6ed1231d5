// `doctor`: every MCP server of a machine (or of the given homes), its state, and the fixes that
// would make it work — applied with `fix`. The CLI's `doctor` is input and output around this.
import type { FixResult } from '../fix/apply';
import type { BundleMode } from '../fix/bundle';
import { caSetWarnings, caSetWarningText, readCertificates } from '../fix/bundle';
import { configProblemText } from '../config/config';
import { chainTooLong } from '../chain/verdict';
import type { HostId } from '../hosts/locations';
import { RUNTIME_VARIABLES } from '../runtime/variables';
import { outOfReachReason } from '../fix/plan';
import { scanFile } from '../logs/scan';
import type { ChainReport, Finding, Verdict } from '../types';
import { describeError } from '../types';
import { assess, groupForFix, hostSettingsEnvs, targetKeyOf, type Assessment, type ServerState, type StateReason } from '../assess/assess';
import { discoverConfigRefs, MachineScope } from '../hosts/discover';
import { CaSource, fixConfig } from './fixPipeline';
import { describeHostTrustStep, HostLevelHooks, HostLevelPlanRequest, HostLevelPrepared, hostLevelRequestOf, hostPlanWouldChange, planHostLevel, runHostLevelFix } from './hostLevel';
import { readInventory } from '../config/inventory';
import { discoverMachineLogs } from '../hosts/logs';
import type { CommandRunner } from '../hostTrust/apply';
import type { TargetSource } from '../assess/targets';
import type { VariableContext } from '../assess/trust';
import type { Analyzer, ConfigRef, HostTarget, McpServer, ServerTarget } from '../model/server';

export type { ServerState, StateReason } from '../assess/assess';

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
  /** `inPlace` (host-level): the host already trusts the root, nothing to apply. */
  fix: { kind: 'env' | 'host-level' | 'none'; detail: string; inPlace?: boolean };
  /** The chain verdict at its target; null when it was not probed (a CA given by hand, no target). */
  verdict: Verdict | null;
  /** Where its target came from: its URL, an https URL in its entry, --probe-host, or its launcher's package index. */
  targetSource: TargetSource | null;
  /** Verdict incomplete: the issuer the path stops at, which no store holds (absent for a chain too long to follow). */
  missingIssuer?: string;
  verified: { by: string; ok: boolean; message: string } | null;
  /** Its log's latest TLS failure, as the runtime wrote it. */
  failure?: string;
  /** Why its target could not be probed. */
  probeError?: string;
  /** The CA variable (or `--mount`) through which it already trusts the root. */
  trustedVia?: string;
  /** An incomplete verdict that is a path too long to follow (no CA is missing). */
  chainTooLong?: boolean;
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
  /** The front end's answers for host-level fixes; by default the root is taken as confirmed by `--fix` and the store by `yesOsStore`. */
  hostLevelHooks?: HostLevelHooks;
  /** Runs the OS-store command (tests inject one). */
  runCommand?: CommandRunner;
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
  request: HostLevelPlanRequest;
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

/** The latest failure each server's own log shows (by server name). */
async function logFailures(options: DoctorOptions): Promise<Map<string, Finding>> {
  const failures = new Map<string, Finding>();
  if (options.readLogs === false) return failures;
  for (const scope of options.scopes) {
    for (const log of await discoverMachineLogs(scope).catch(() => [])) {
      // An editor's log without a server name says nothing about a server; a host's shared log (Codex,
      // Copilot CLI) names it per line, and the finding carries it.
      if (!log.server && (log.host === 'vscode' || log.host === 'cursor' || log.host === 'custom')) continue;
      try {
        for (const finding of scanFile(log.path, log.server ?? undefined)) {
          const server = finding.server ?? log.server;
          if (server && (finding.kind === 'untrusted-ca' || finding.kind === 'strict-ca')) failures.set(server, finding);
        }
      } catch {
        // An unreadable log says nothing about the server.
      }
    }
  }
  return failures;
}

export interface DoctorRun {
  result: DoctorResult;
  /** Every server's assessment (the one rule: core/assess/assess.ts). */
  assessments: Assessment[];
  /** How many servers a fix would change (`--check` fails when this is not 0). */
  pending: number;
  /** Applies every fixable change (fills result.changed and result.skipped). */
  applyFixes(): Promise<void>;
}

function missingIssuerOf(report: ChainReport | undefined): { missingIssuer?: string } {
  if (report?.verdict !== 'incomplete' || report.warnings.some((warning) => warning.code === 'chain-too-long')) return {};
  const top = report.path[report.path.length - 1] ?? report.presented[report.presented.length - 1];
  return top ? { missingIssuer: top.issuer } : {};
}

const UNKNOWN_ROOT_FIX = 'a root no store trusts: confirm its fingerprint with IT, then --trust-unknown-ca';

export async function runDoctor(options: DoctorOptions): Promise<DoctorRun> {
  const progress = options.onProgress ?? (() => {});
  const refs: { ref: ConfigRef; scope: MachineScope }[] = [];
  for (const scope of options.scopes) for (const ref of await discoverConfigRefs(scope)) refs.push({ ref, scope });
  progress(`${refs.length} MCP config(s) found`);
  const inventory = await readInventory(refs.map(({ ref }) => ref));
  const scopeOf = (server: McpServer): MachineScope => refs.find(({ ref }) => ref === server.config)?.scope ?? (options.scopes[0] as MachineScope);
  const contextOf = (server: McpServer): VariableContext => {
    const scope = scopeOf(server);
    return { home: scope.home, workspaceFolder: scope.workspaceFolders[0], env: options.hostEnv };
  };

  const given = options.givenCa ? readCertificates(options.givenCa.join(''), '--ca') : undefined;
  // A PEM bundle lists a chain leaf first: the last CA given is the root the servers must trust.
  const givenLast = given?.[given.length - 1];
  const reports = new Map<string, ChainReport>();
  const assessments = await assess(inventory.servers, {
    hostEnv: options.hostEnv,
    contextOf,
    analyze: async (target, signal) => {
      progress(`probing ${target.host}:${target.port}`);
      const report = await options.analyzer.analyze(target, signal);
      reports.set(targetKeyOf(target), report);
      return report;
    },
    probeHost: options.probeHost,
    givenRoot: givenLast && options.givenCa ? { subject: givenLast.subject, sha256: givenLast.sha256, pems: options.givenCa } : undefined,
    trustUnknown: options.trustUnknown,
    failures: await logFailures(options),
    concurrency: options.concurrency,
    signal: options.signal,
  });

  // Remote servers: one plan per home, host app and root (the fix is the host's, once).
  const hostItems = new Map<string, HostItem>();
  const planHost = async (server: McpServer, target: ServerTarget, report: ChainReport, rootSha256: string): Promise<ServerReport['fix']> => {
    const scope = scopeOf(server);
    const hostApp = server.config.hostApp;
    try {
      const key = JSON.stringify([scope.home, hostApp, rootSha256]);
      let item = hostItems.get(key);
      if (!item) {
        const request = hostLevelRequestOf(report, { hostApp, home: scope.home, platform: scope.platform, trustUnknown: options.trustUnknown === true, bundleDir: options.bundleDir, publicPem: options.publicPem, env: scope.env });
        const prepared = await planHostLevel(request);
        item = { hostApp, scope, prepared, request, target, servers: [], wouldChange: await hostPlanWouldChange(prepared.plan) };
        hostItems.set(key, item);
      }
      item.servers.push(server.name);
      const detail = item.prepared.plan.steps.map(describeHostTrustStep).join('; ');
      return { kind: 'host-level', detail, inPlace: !item.wouldChange };
    } catch (error) {
      return { kind: 'none', detail: describeError(error) };
    }
  };

  const servers: ServerReport[] = [];
  const fixable: Assessment[] = [];
  for (const assessment of assessments) {
    const { server, target, root } = assessment;
    let fix: ServerReport['fix'] = { kind: 'none', detail: '' };
    if (assessment.reason === 'unknown-root') fix = { kind: 'none', detail: UNKNOWN_ROOT_FIX };
    else if (assessment.outOfReach) fix = { kind: 'none', detail: outOfReachReason(assessment.outOfReach, '<CA bundle>') };
    else if (assessment.fix === 'env') {
      fix = { kind: 'env', detail: `set ${RUNTIME_VARIABLES[server.runtime].join(', ')} to the bundle` };
      fixable.push(assessment);
    } else if (assessment.fix === 'host-level' && target && root) {
      const report = reports.get(targetKeyOf(target));
      if (report) fix = await planHost(server, target, report, root.sha256);
    }
    servers.push({
      hostApp: server.config.hostApp,
      config: server.config.path,
      ...(server.config.project ? { project: server.config.project } : {}),
      server: server.name,
      transport: server.transport,
      runtime: server.runtime,
      target: target && { host: target.host, port: target.port },
      state: assessment.state,
      reason: assessment.reason,
      root,
      fix,
      verified: null,
      verdict: assessment.found?.verdict ?? null,
      targetSource: assessment.targetSource,
      ...missingIssuerOf(assessment.report),
      ...(assessment.failure ? { failure: assessment.failure.message } : {}),
      ...(assessment.probeError ? { probeError: assessment.probeError } : {}),
      ...(assessment.trustedVia ? { trustedVia: assessment.trustedVia } : {}),
      ...(assessment.report && chainTooLong(assessment.report) ? { chainTooLong: true } : {}),
    });
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
    assessments,
    pending: fixable.length + hostPending,
    applyFixes: async () => {
      await applyFixes(fixable, reports, options, contextOf, result);
      await applyHostFixes([...hostItems.values()], options, result);
    },
  };
}

/** One fix per servers object, root and target (assess.ts's fixGroupKeyOf): each server proved against its own target, through its own route. */
async function applyFixes(
  fixable: Assessment[],
  reports: ReadonlyMap<string, ChainReport>,
  options: DoctorOptions,
  contextOf: (server: McpServer) => VariableContext,
  result: DoctorResult,
): Promise<void> {
  const settingsOf = hostSettingsEnvs();
  for (const group of groupForFix(fixable)) {
    const first = group[0] as Assessment;
    const { server, target } = first;
    const context = contextOf(server);
    const report = target ? reports.get(targetKeyOf(target)) : undefined;
    const cas: CaSource = options.givenCa ? { kind: 'given', pems: options.givenCa } : { kind: 'report', report: report as ChainReport, trustUnknown: options.trustUnknown === true };
    const config = server.config.path;
    options.onProgress?.(`fixing ${config}`);
    let outcome: FixResult;
    try {
      outcome = await fixConfig({
        configPath: config,
        serversPath: server.config.serversPath,
        servers: group.map((entry) => entry.server.name),
        cas,
        // A CA given by hand needs no probe; its handshake proof is the runtime check's.
        verify: target && !options.givenCa ? { target, analyzer: options.analyzer, signal: options.signal } : undefined,
        mode: options.mode,
        bundleDir: options.bundleDir,
        home: context.home,
        publicPem: options.publicPem,
        // A CA variable the user set stays: the server is skipped with the reason (nothing is lost).
        replace: false,
        runtimeCheck:
          options.noRuntimeCheck || !target
            ? undefined
            : {
                hostApp: server.config.hostApp,
                target,
                hostEnv: options.hostEnv,
                hostSettingsEnv: await settingsOf(server, context.home),
                context,
                verifyDocker: options.verifyDocker,
                signal: options.signal,
              },
      });
    } catch (error) {
      for (const entry of group) result.skipped.push({ config, server: entry.server.name, reason: describeError(error) });
      continue;
    }
    for (const change of outcome.changed) {
      result.changed.push({ config, server: change.server, env: change.env, bundle: outcome.bundle, verified: change.verified ?? null });
      const report = result.servers.find((entry) => entry.config === config && entry.server === change.server);
      if (report) report.verified = change.verified ?? null;
    }
    for (const skip of outcome.skipped) result.skipped.push({ config, server: skip.server, reason: skip.reason });
  }
}

/**
 * The host-level fixes: each host app's steps once, through the one orchestration (hostLevel.ts):
 * proved first by a handshake trusting only the bundle; the OS store only with `yesOsStore`; nothing
 * written after a failed store step. Claude Desktop has nothing to apply.
 */
async function applyHostFixes(items: HostItem[], options: DoctorOptions, result: DoctorResult): Promise<void> {
  // `--fix` asked the person (or was given --yes) before applying.
  const hooks: HostLevelHooks = options.hostLevelHooks ?? { confirmRoot: async () => true, confirmOsStore: async () => options.yesOsStore === true };
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
      const outcome = await runHostLevelFix({
        ...item.request,
        servers: item.servers,
        proof: { target: item.target, verify: (pem) => options.analyzer.verify(item.target, pem, options.signal) },
        hooks,
        run: options.runCommand,
      });
      if (outcome.status === 'proof-failed') {
        skip(`host-level: a handshake with ${item.target.host}:${item.target.port} trusting only the bundle fails (${outcome.proofError ?? 'unknown error'})`);
        continue;
      }
      if (outcome.status === 'declined' || !outcome.applied) {
        skip('host-level: not confirmed; nothing changed');
        continue;
      }
      const applied = outcome.applied;
      const verified = { by: 'handshake', ok: true, message: `a handshake with ${item.target.host}:${item.target.port} trusting only the bundle succeeds` };
      const byFile = new Map<string, { env: Record<string, string>; settings: Record<string, boolean> }>();
      for (const { step, outcome: done, detail } of applied.steps) {
        if (done === 'kept-existing' && step.kind === 'claude-code-env') skip(`host-level: env.${step.variable} in ${step.file} already names ${detail ?? 'another file'}: kept (mcp-ssl-doctor fix --host-level ${item.hostApp} --replace points it at the bundle)`);
        if (done === 'failed') skip(`host-level: ${describeHostTrustStep(step)} failed: ${detail ?? ''}${applied.stopped === 'os-store-failed' ? '; nothing was written after it' : ''}`);
        if (done !== 'changed' && done !== 'unchanged') continue;
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
            bundle: outcome.prepared.bundle.path,
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
