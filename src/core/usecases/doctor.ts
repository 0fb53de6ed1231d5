// `doctor`: every MCP server of a machine (or of the given homes), its state, and the fixes that
// would make it work — applied with `fix`. The CLI's `doctor` is input and output around this.
import type { FixResult } from '../fix/apply';
import type { BundleMode } from '../fix/bundle';
import { caSetWarnings, caSetWarningText, readCertificates } from '../fix/bundle';
import { configProblemText } from '../config/config';
import { chainTooLong } from '../chain/verdict';
import type { HostId } from '../hosts/locations';
import { RUNTIME_VARIABLES } from '../runtime/variables';
import { removeUnusedBundles } from '../fix/renewal';
import type { TrustMode } from '../runtime/systemCa';
import { outOfReachReason } from '../fix/plan';
import { scanFile } from '../logs/scan';
import type { ChainReport, Finding, Verdict } from '../types';
import { describeError } from '../types';
import { assess, groupForFix, hostSettingsEnvs, type Assessment, type ServerState, type StateReason } from '../assess/assess';
import { discoverConfigRefs, MachineScope } from '../hosts/discover';
import { CaSource, fixConfig, routeFixOf } from './fixPipeline';
import { describeHostTrustStep, HostLevelHooks, HostLevelPlanRequest, HostLevelPrepared, hostLevelRequestOf, hostPlanWouldChange, planHostLevel, runHostLevelFix } from './hostLevel';
import { readInventory } from '../config/inventory';
import { PROXY_VARIABLES } from '../assess/serverEnv';
import { readSystemProxy, type SystemProxy } from '../hosts/systemProxy';
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
  /** Reason `bundle-stale`: the bundle this tool wrote that it names, and why it needs renewing (`missing-root`, `public-roots`). */
  bundle?: { path: string; via: string; stale: 'missing-root' | 'public-roots' };
  /**
   * The session's proxy its host does not pass on (reason `proxy-dropped`, or a failed probe of a
   * server that goes directly because of it): the proxy's URL without credentials, where it was read
   * when no environment carries it, why going directly (and through it) failed, the variables a fix
   * adds (none where a password would be written in clear).
   */
  droppedProxy?: { url: string; credentials: boolean; from?: string; directError?: string; sessionError?: string; adds: string[] };
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
  /** Bundle or the runtime's own OS store (runtime/systemCa.ts); default `bundle`. */
  trustMode?: TrustMode;
  /** Whether the OS store holds the CA given by hand (`givenCa`). */
  givenCaInOsStore?: boolean;
  /** The front end's answers for host-level fixes; by default the root is taken as confirmed by `--fix` and the store by `yesOsStore`. */
  hostLevelHooks?: HostLevelHooks;
  /** Runs the OS-store command (tests inject one). */
  runCommand?: CommandRunner;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
  /** Reads the proxy macOS / Windows keep outside the environment (tests inject one). */
  readSystemProxy?: (platform: NodeJS.Platform) => Promise<SystemProxy | null>;
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
  /** A renewal of a bundle this tool wrote: the bundle the server named before (the same path when renewed in place). */
  renewed?: string;
  /** `os-store`: the server's runtime reads the OS store (its env got the switch, `bundle` is not used by it). */
  mechanism?: 'os-store';
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
  /** Bundles of the tool's own that nothing names any more (no config found, no undo record), removed by `--fix`. */
  removedBundles?: string[];
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

/** What a fix adds for the route, and (with `NODE_USE_ENV_PROXY`) the switch a Node server reads it by. */
function routeFixDetail(assessment: Assessment): string {
  const dropped = assessment.droppedProxy;
  const host = assessment.server.config.hostApp;
  if (!dropped) return '';
  if (!dropped.env) {
    return `the session's proxy ${dropped.url} needs a password and ${host} expands no \${env:NAME} in a server's env: ` +
      `writing it would leave the password in clear in its config. Run a local relay that holds the credentials ` +
      '(px, cntlm) and set HTTPS_PROXY in the entry\'s env to it, then run doctor --fix again';
  }
  // No root: nothing intercepts the target through the proxy, and the fix writes a route only beside a CA.
  return `add ${Object.keys(dropped.env).join(', ')} (${whoseProxy(assessment)}) to its env by hand: nothing intercepts its target, so no CA is needed`;
}

/** The proxy a server does not get: the session's, which its host drops, or the system's, which no environment carries. */
function whoseProxy(assessment: Assessment): string {
  return assessment.droppedProxy?.from
    ? `the system's proxy, which no environment carries (${assessment.droppedProxy.from})`
    : `the session's proxy, which ${assessment.server.config.hostApp} does not pass on`;
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
  // The session's proxy: the environment's, else the one the system keeps outside it (macOS, Windows).
  const platform = options.scopes[0]?.platform ?? process.platform;
  const envProxy = PROXY_VARIABLES.some((name) => options.hostEnv[name]);
  const systemProxy = envProxy ? null : await (options.readSystemProxy ?? readSystemProxy)(platform).catch(() => null);
  const assessments = await assess(inventory.servers, {
    hostEnv: options.hostEnv,
    ...(systemProxy && Object.keys(systemProxy.env).length > 0 ? { sessionProxyEnv: systemProxy.env, sessionProxyFrom: systemProxy.source } : {}),
    contextOf,
    analyze: (target, signal) => {
      progress(`probing ${target.host}:${target.port}`);
      return options.analyzer.analyze(target, signal);
    },
    probeHost: options.probeHost,
    givenRoot: givenLast && options.givenCa ? { subject: givenLast.subject, sha256: givenLast.sha256, pems: options.givenCa, inOsStore: options.givenCaInOsStore === true } : undefined,
    trustUnknown: options.trustUnknown,
    publicPem: options.publicPem,
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
    const routeVariables = assessment.reason === 'proxy-dropped' && assessment.droppedProxy?.env ? Object.keys(assessment.droppedProxy.env) : [];
    if (assessment.reason === 'unknown-root') fix = { kind: 'none', detail: UNKNOWN_ROOT_FIX };
    else if (assessment.outOfReach) fix = { kind: 'none', detail: outOfReachReason(assessment.outOfReach, '<CA bundle>') };
    else if (assessment.fix === 'env') {
      const route = routeVariables.length > 0 ? `set ${routeVariables.join(', ')} (${whoseProxy(assessment)}${server.runtime === 'node' ? '; NODE_USE_ENV_PROXY=1 where its node reads it' : ''})` : '';
      const ca = `${RUNTIME_VARIABLES[server.runtime].join(', ')} to the bundle`;
      const detail = !route ? `set ${ca}` : assessment.trustedVia ? `${route}: it already trusts ${root?.subject ?? 'the root'} through ${assessment.trustedVia}` : `${route} and ${ca}`;
      fix = { kind: 'env', detail };
      fixable.push(assessment);
    } else if (assessment.reason === 'proxy-dropped') {
      fix = { kind: 'none', detail: routeFixDetail(assessment) };
    } else if (assessment.fix === 'host-level' && target && root && assessment.report) {
      fix = await planHost(server, target, assessment.report, root.sha256);
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
      ...(assessment.staleBundle ? { bundle: { path: assessment.staleBundle.file, via: assessment.staleBundle.via, stale: assessment.staleBundle.stale } } : {}),
      ...(assessment.droppedProxy
        ? {
            droppedProxy: {
              url: assessment.droppedProxy.url,
              credentials: assessment.droppedProxy.credentials,
              ...(assessment.droppedProxy.from ? { from: assessment.droppedProxy.from } : {}),
              ...(assessment.droppedProxy.directError ? { directError: assessment.droppedProxy.directError } : {}),
              ...(assessment.droppedProxy.sessionError ? { sessionError: assessment.droppedProxy.sessionError } : {}),
              adds: assessment.droppedProxy.env ? Object.keys(assessment.droppedProxy.env) : [],
            },
          }
        : {}),
    });
  }

  const result: DoctorResult = {
    configs: refs.map(({ ref }) => ({ hostApp: ref.hostApp, path: ref.path, ...(ref.project ? { project: ref.project } : {}) })),
    unreadable: inventory.unreadable.map(({ config, message }) => ({ config: config.path, message })),
    warnings: [
      ...(systemProxy?.pac
        ? [{ code: 'system-pac', message: `the system proxy is chosen by a PAC file (${systemProxy.pac}), which is not evaluated here: a server that goes directly where the PAC names a proxy needs HTTPS_PROXY in its env (or run doctor with HTTPS_PROXY set to that proxy)` }]
        : []),
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
      await applyFixes(fixable, options, contextOf, result);
      await applyHostFixes([...hostItems.values()], options, result);
      // A renewal leaves the previous bundle to its undo record; what nothing names any more goes (the default bundle folder only).
      if (!options.bundleDir) {
        const configs = [...result.configs.map((config) => config.path), ...result.unreadable.map((bad) => bad.config)];
        for (const scope of options.scopes) {
          const removed = await removeUnusedBundles(scope.home, { platform: scope.platform, alsoNamedIn: configs }).catch(() => []);
          if (removed.length > 0) result.removedBundles = [...(result.removedBundles ?? []), ...removed];
        }
      }
    },
  };
}

/** One fix per servers object, root and target (assess.ts's fixGroupKeyOf): each server proved against its own target, through its own route. */
async function applyFixes(
  fixable: Assessment[],
  options: DoctorOptions,
  contextOf: (server: McpServer) => VariableContext,
  result: DoctorResult,
): Promise<void> {
  const settingsOf = hostSettingsEnvs();
  for (const group of groupForFix(fixable)) {
    const first = group[0] as Assessment;
    const { server, target, report } = first;
    const context = contextOf(server);
    const cas: CaSource = options.givenCa ? { kind: 'given', pems: options.givenCa } : { kind: 'report', report: report as ChainReport, trustUnknown: options.trustUnknown === true };
    const config = server.config.path;
    options.onProgress?.(`fixing ${config}`);
    const route = routeFixOf(group, options.hostEnv, await settingsOf(server, context.home));
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
        trustMode: options.trustMode,
        rootInOsStore: options.givenCa ? options.givenCaInOsStore === true : first.found?.verdict === 'intercepted',
        ...route,
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
      result.changed.push({
        config,
        server: change.server,
        env: change.env,
        bundle: outcome.bundle,
        verified: change.verified ?? null,
        ...(change.renewed ? { renewed: change.renewed } : {}),
        ...(change.mechanism === 'os-store' ? { mechanism: 'os-store' as const } : {}),
      });
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
    let skipped = false;
    const skip = (reason: string): void => {
      skipped = true;
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
      // Called verified only where every step of it was applied (a failed or kept step is a skip, said).
      for (const report of skipped ? [] : result.servers) {
        if (report.hostApp === item.hostApp && item.servers.includes(report.server) && report.state === 'remote-host-trust') report.verified = verified;
      }
    } catch (error) {
      skip(`host-level: ${describeError(error)}`);
    }
  }
}
