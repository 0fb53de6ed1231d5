// The one assessment of a configured MCP server, for every front end (`doctor`, `fix`, the editor's
// preflight, its Fix picker): server → environment → target and route → what the target presents →
// whether the server's own environment trusts it → a state, with the fix a front end may offer.
// Doctor's report, the picker's preselection and notes, and preflight's warnings are all read off
// an Assessment; no front end decides any of these again.
import type { ChainReport, Finding, Verdict } from '../types';
import { describeError } from '../types';
import { detectRuntime, launcherOf, type OutOfReach } from '../runtime/detect';
import { pythonVersionOf } from '../runtime/pythonVersion';
import { strictCaProblems, strictPathProblems } from '../fix/strict';
import { ownBundlesOf } from '../fix/renewal';
import { osStoreVariableIn } from '../runtime/systemCa';
import { staleOwnBundle, type StaleBundle } from './ownBundle';
import { decideFix, interceptionRoot, type FixDecision } from './policy';
import { mapLimit } from './pool';
import { claudeCodeSettingsEnv, effectiveEnvOf, proxyEnvOf } from './serverEnv';
import { probeTargetOf, type TargetSource } from './targets';
import { serverTrustsRoot, type TrustCheck, type VariableContext } from './trust';
import { droppedProxyOf, type DroppedProxy } from './route';
import type { HostTarget, McpServer, ServerTarget } from '../model/server';

export interface Root {
  subject: string;
  sha256: string;
}

export type ServerState = 'ok' | 'will-fail' | 'failing' | 'remote-host-trust' | 'strict-ca' | 'unreachable' | 'unknown';

/** Why a server is in its state: a code each front end words (the CLI in doctorText, the editor through l10n). */
export type StateReason =
  | 'public-root' // nothing intercepts its target
  | 'trusts-root' // its environment already trusts the intercepting root
  | 'bundle-stale' // its trust goes through a bundle this tool wrote that lacks the root its target presents now, or whose public roots are older than this runtime's (`staleBundle` says which)
  | 'root-not-trusted' // it will meet a root its runtime does not trust
  | 'unknown-root' // the root is in no store: fixed only when the user says so
  | 'log-failure' // its log shows the failure now
  | 'strict-python' // Python 3.13+ rejects this CA whatever is trusted
  | 'remote' // the host connects itself: trust is the host's
  | 'no-url' // a remote server without an https url: nothing to probe
  | 'config-not-read' // an untrusted workspace's config: the hosts it names are not probed
  | 'probe-failed'
  | 'not-fixable-verdict' // expired, hostname-mismatch, incomplete
  | 'out-of-reach' // the entry's env never reaches its process (docker exec, the Docker MCP gateway, a container in a shell string)
  | 'proxy-dropped' // the session has a proxy its host does not pass on: it goes directly, which fails, and the proxy's route works
  | 'invalid-entry';

/** What the rule reads of a chain report: small enough to keep (the editor caches it). */
export interface TargetVerdict {
  verdict: Verdict;
  /** The root of the path, when the verdict is `intercepted` or `untrusted`. */
  root: Root | null;
  /** The policy's answer for this report: `fix` (a root the OS trusts), `confirm` (a root no store knows), `refuse`. */
  action: FixDecision['action'];
}

export function verdictOf(report: ChainReport): TargetVerdict {
  return { verdict: report.verdict, root: interceptionRoot(report), action: decideFix(report).action };
}

function isReport(value: ChainReport | TargetVerdict): value is ChainReport {
  return 'presented' in value;
}

/** What a fix would do for a server: its env (its runtime's CA variables), its host's trust (remote), nothing. */
export type PlannedFix = 'env' | 'host-level' | 'none';

export interface Assessment<S extends McpServer = McpServer> {
  server: S;
  /** Where it connects first and through which proxy (its route): null for an invalid entry or a remote server without an https url. */
  target: ServerTarget | null;
  targetSource: TargetSource | null;
  state: ServerState;
  reason: StateReason;
  /** The root its target presents (or the CA given by hand). */
  root: Root | null;
  /** The verdict and the policy's action for its target; null when nothing was probed. */
  found: TargetVerdict | null;
  /** The whole analysis when a probe ran now (not a kept verdict). */
  report?: ChainReport;
  probeError?: string;
  /** The variable (or `--mount`) through which it trusts the root. */
  trustedVia?: string;
  /** CA files its environment names that could not be read. */
  unreadableCa: TrustCheck['unreadable'];
  /** Reason `bundle-stale`: the bundle of ours it names, and why it needs renewing. */
  staleBundle?: StaleBundle;
  /** Its log's latest TLS failure. */
  failure?: Finding;
  /** Why no entry edit can fix it, and where it runs (core/runtime/detect.ts): the concrete next step is the front end's to say. */
  outOfReach?: OutOfReach;
  /**
   * The session's proxy its host does not pass on (assess/route.ts), when going directly failed:
   * `target` is then the route through that proxy, and the fix adds the proxy to the entry's env.
   */
  droppedProxy?: DroppedProxy;
  fix: PlannedFix;
}

export interface AssessOptions<S extends McpServer> {
  /** The environment the MCP hosts themselves have (they pass some of it on to the servers they start). */
  hostEnv: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Where `${userHome}`/`${workspaceFolder}` resolve for a server, and the home whose host settings count. */
  contextOf: (server: S) => VariableContext;
  /** A whole report (a probe now) or a kept verdict (the editor's cache). */
  analyze: (target: ServerTarget, signal?: AbortSignal) => Promise<ChainReport | TargetVerdict>;
  probeHost?: string;
  /** false for a config whose hosts, proxies and CA files must not be read (an untrusted workspace's). */
  fromConfig?: (server: S) => boolean;
  /** A host every stdio server is known to reach (a log's, a notification's), each through its own route. */
  at?: HostTarget;
  /** The root given by hand (`--ca`): stdio servers are not probed, their trust is checked against it. */
  givenRoot?: Root & { pems: string[]; inOsStore?: boolean };
  trustUnknown?: boolean;
  /** The latest TLS failure each server's own log shows, by server name. */
  failures?: ReadonlyMap<string, Finding>;
  concurrency?: number;
  /** The public roots bundles are combined with (default: this Node's); a bundle of ours with older ones is stale. */
  publicPem?: string;
  /** The bundle files this tool wrote for a home (default: those its journal names). */
  ownBundles?: (home: string) => Promise<ReadonlySet<string>>;
  onProgress?: (done: number, total: number, target: ServerTarget) => void;
  signal?: AbortSignal;
  /**
   * The session's proxy variables (the editor's `http.proxy` as HTTPS_PROXY...); default: the proxy
   * variables of `hostEnv`. A stdio server whose host drops them goes directly (assess/route.ts).
   */
  sessionProxyEnv?: Record<string, string>;
  /** Where `sessionProxyEnv` was read when no environment carries it (the system's proxy settings). */
  sessionProxyFrom?: string;
}

/** Distinct targets analysed at once. */
export const ASSESS_CONCURRENCY = 6;

/** One key per distinct target: host (any case), port, and the proxy the server's own environment names. */
export const targetKeyOf = (target: ServerTarget): string => JSON.stringify([target.host.toLowerCase(), target.port, target.proxyEnv ?? null]);

/**
 * One fix per servers object (a file, or one of ~/.claude.json's projects), root, and target: each
 * server is verified against its own target through its own route.
 */
export function fixGroupKeyOf(server: McpServer, root: Root, target: ServerTarget | null): string {
  return JSON.stringify([server.config.path, server.config.serversPath ?? null, root.sha256, target ? targetKeyOf(target) : null]);
}

/**
 * The environment a server gets from its host: what the host passes on (plus Claude Code's settings
 * `env`), then the entry's own `env` — none of the entry's when its config may not be read.
 */
export type EnvironmentOf = (server: McpServer, home: string, fromConfig?: boolean) => Promise<Record<string, string>>;

export function environments(hostEnv: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): EnvironmentOf {
  const settingsOf = hostSettingsEnvs();
  return async (server, home, fromConfig = true) => effectiveEnvOf(fromConfig ? server : { ...server, env: {} }, hostEnv, platform, await settingsOf(server, home));
}

/** What a server's host adds from its own settings (Claude Code's settings `env`), read once per home. */
export function hostSettingsEnvs(): (server: Pick<McpServer, 'config'>, home: string) => Promise<Record<string, string> | undefined> {
  const claudeEnvs = new Map<string, Promise<Record<string, string>>>();
  return async (server, home) => {
    if (server.config.hostApp !== 'claude-code') return undefined;
    let settings = claudeEnvs.get(home);
    if (!settings) claudeEnvs.set(home, (settings = claudeCodeSettingsEnv(home)));
    return settings;
  };
}

/**
 * A server's target as it reaches it. A stdio server: its probe target, through the proxy variables
 * of its environment. A remote server: its url, through the host's own proxy (the analyser's).
 */
export function routeOf(server: McpServer, env: Record<string, string>, options: { probeHost?: string; fromConfig?: boolean; at?: HostTarget }): { target: ServerTarget; source: TargetSource } | null {
  if (server.transport === 'invalid') return null;
  const where = probeTargetOf(server, options);
  if (!where) return null;
  if (server.transport === 'remote') return { target: { host: where.host, port: where.port }, source: where.source };
  const at = options.at;
  return { target: { host: at?.host ?? where.host, port: at?.port ?? where.port, proxyEnv: proxyEnvOf(env) }, source: at ? 'config' : where.source };
}

function strictPython(server: McpServer, report: ChainReport | undefined, givenPems: string[] | undefined): boolean {
  if (server.runtime !== 'python') return false;
  const problems = report ? strictPathProblems(report.path) : strictCaProblems((givenPems ?? []).map((pem) => ({ pem })));
  if (problems.length === 0) return false;
  const { base, rest } = launcherOf(server.command, server.args);
  return pythonVersionOf(base, rest, server.env)?.strict === true;
}

interface Probed {
  report?: ChainReport;
  found?: TargetVerdict;
  error?: string;
}

/** Assesses every server: each distinct target probed once (a few at a time), then one state per server. */
export async function assess<S extends McpServer>(servers: readonly S[], options: AssessOptions<S>): Promise<Assessment<S>[]> {
  const envOf = environments(options.hostEnv, options.platform);
  const sessionEnv = options.sessionProxyEnv ?? proxyEnvOf(Object.fromEntries(Object.entries(options.hostEnv).filter((e): e is [string, string] => typeof e[1] === 'string')));
  const fromConfig = (server: S): boolean => options.fromConfig?.(server) ?? true;
  const given = options.givenRoot;
  const prepared = await Promise.all(
    servers.map(async (server) => {
      const context = options.contextOf(server);
      const env = server.transport === 'stdio' ? await envOf(server, context.home, fromConfig(server)) : {};
      const route = routeOf(server, env, { probeHost: options.probeHost, fromConfig: fromConfig(server), at: server.transport === 'stdio' ? options.at : undefined });
      const dropped = server.transport === 'stdio' && route && !given ? droppedProxyOf(server, env, sessionEnv, route.target, options.platform) : null;
      if (dropped && options.sessionProxyFrom) dropped.from = options.sessionProxyFrom;
      return { server, context, env, route, dropped };
    }),
  );

  const toProbe = new Map<string, ServerTarget>();
  for (const { server, route } of prepared) {
    if (route && (server.transport === 'remote' || !given)) toProbe.set(targetKeyOf(route.target), route.target);
  }
  const probed = new Map<string, Probed>();
  let done = 0;
  const probeAll = async (distinct: ServerTarget[], total: number): Promise<void> => {
    await mapLimit(distinct, options.concurrency ?? ASSESS_CONCURRENCY, async (target) => {
      let outcome: Probed;
      try {
        const analysed = await options.analyze(target, options.signal);
        outcome = isReport(analysed) ? { report: analysed, found: verdictOf(analysed) } : { found: analysed };
      } catch (error) {
        outcome = { error: describeError(error) };
      }
      probed.set(targetKeyOf(target), outcome);
      done += 1;
      options.onProgress?.(done, total, target);
    });
  };
  await probeAll([...toProbe.values()], toProbe.size);
  // A server whose host drops the session's proxy goes directly; where that fails, the session's
  // route is probed too: what the server meets once the fix hands it the proxy.
  const viaSession = new Map<string, ServerTarget>();
  for (const { route, dropped } of prepared) {
    if (route && dropped && probed.get(targetKeyOf(route.target))?.error) viaSession.set(targetKeyOf(dropped.target), dropped.target);
  }
  const second = [...viaSession.keys()].filter((key) => !probed.has(key)).map((key) => viaSession.get(key) as ServerTarget);
  if (second.length > 0) await probeAll(second, toProbe.size + second.length);

  const ownByHome = new Map<string, Promise<ReadonlySet<string>>>();
  const ownOf = (home: string): Promise<ReadonlySet<string>> => {
    let own = ownByHome.get(home);
    if (!own) {
      own = (options.ownBundles ?? ((h: string) => ownBundlesOf(h, options.platform)))(home).catch(() => new Set<string>());
      ownByHome.set(home, own);
    }
    return own;
  };
  const staleOf = async (server: S, env: Record<string, string>, context: VariableContext, rootSha256: string): Promise<StaleBundle | null> =>
    fromConfig(server) ? staleOwnBundle(server, env, context, rootSha256, await ownOf(context.home), { publicPem: options.publicPem, platform: options.platform }) : null;

  const assessments: Assessment<S>[] = [];
  for (const { server, context, env, route, dropped } of prepared) {
    const direct = route && (server.transport === 'remote' || !given) ? probed.get(targetKeyOf(route.target)) : undefined;
    // Going directly failed and the session's route answers: that route is the one the fix gives it.
    const session = dropped && direct?.error ? probed.get(targetKeyOf(dropped.target)) : undefined;
    const rerouted = dropped && session && !session.error ? { ...dropped, directError: direct?.error ?? '' } : undefined;
    const target = rerouted ? rerouted.target : route?.target ?? null;
    const probe = rerouted ? session : direct;
    const found = probe?.found ?? null;
    const base = {
      server,
      target,
      targetSource: route?.source ?? null,
      found,
      ...(probe?.report ? { report: probe.report } : {}),
      ...(probe?.error ? { probeError: probe.error } : {}),
      unreadableCa: [] as TrustCheck['unreadable'],
      ...(options.failures?.get(server.name) ? { failure: options.failures.get(server.name) } : {}),
      ...(dropped && direct?.error ? { droppedProxy: { ...dropped, directError: direct.error, ...(session?.error ? { sessionError: session.error } : {}) } } : {}),
    };
    const failure = base.failure;
    const say = (state: ServerState, reason: StateReason, root: Root | null, fix: PlannedFix = 'none', extra: Partial<Assessment<S>> = {}): void => {
      assessments.push({ ...base, state, reason, root, fix, ...extra });
    };
    if (server.transport === 'invalid') {
      say('unknown', 'invalid-entry', null);
      continue;
    }
    if (probe?.error) {
      say('unreachable', 'probe-failed', null);
      continue;
    }
    if (server.transport === 'remote') {
      if (!target) say(fromConfig(server) ? 'ok' : 'unknown', fromConfig(server) ? 'no-url' : 'config-not-read', null);
      else if (!found || found.verdict === 'trusted') say('ok', 'public-root', null);
      else if (found.root && found.action !== 'refuse') {
        const allowed = found.action === 'fix' || options.trustUnknown === true;
        say('remote-host-trust', allowed ? 'remote' : 'unknown-root', found.root, allowed ? 'host-level' : 'none');
      } else say('unknown', 'not-fixable-verdict', null);
      continue;
    }
    const root = given ? { subject: given.subject, sha256: given.sha256 } : found?.root ?? null;
    if (!root || (!given && found?.action === 'refuse')) {
      // Through the proxy nothing intercepts: the route alone is missing (no CA to add).
      if (found?.verdict === 'trusted' && rerouted) say(failure ? 'failing' : 'will-fail', 'proxy-dropped', null);
      else if (found?.verdict === 'trusted') say(failure ? 'failing' : 'ok', 'public-root', null);
      else say('unknown', 'not-fixable-verdict', null);
      continue;
    }
    // Python 3.13+ rejects such a CA whatever is trusted: said before looking at what the server trusts.
    if (strictPython(server, probe?.report, given?.pems)) {
      say('strict-ca', 'strict-python', root);
      continue;
    }
    // A config that may not be read names no CA file to read: its servers count as not trusting.
    let trust: TrustCheck = fromConfig(server) ? await serverTrustsRoot(server, root.sha256, env, context) : { trusted: false, unreadable: [] };
    // Its runtime reads the OS store (the switch a fix writes only once the runtime check proved it), and the store holds the root.
    const osSwitch = fromConfig(server) ? osStoreVariableIn(server.runtime, env) : undefined;
    if (!trust.trusted && osSwitch && (given ? given.inOsStore === true : found?.verdict === 'intercepted')) trust = { trusted: true, via: osSwitch, unreadable: trust.unreadable };
    if (trust.trusted && rerouted) {
      // It trusts the root already: the route alone is missing.
      say(failure ? 'failing' : 'will-fail', 'proxy-dropped', root, rerouted.env ? 'env' : 'none', { trustedVia: trust.via, unreadableCa: trust.unreadable });
      continue;
    }
    if (trust.trusted) {
      // It works, but through a bundle of ours whose public roots are older than this runtime's: --fix renews it.
      const named = await staleOf(server, env, context, root.sha256);
      // Only the file it trusts through counts (another variable's stale bundle is not what it uses).
      const stale = named?.stale === 'public-roots' && named.via === trust.via ? named : null;
      if (stale) say('ok', 'bundle-stale', root, 'env', { trustedVia: trust.via, unreadableCa: trust.unreadable, staleBundle: stale });
      else say('ok', 'trusts-root', root, 'none', { trustedVia: trust.via, unreadableCa: trust.unreadable });
      continue;
    }
    const outOfReach = detectRuntime(server.command, server.args).outOfReach;
    if (outOfReach) {
      say(failure ? 'failing' : 'will-fail', 'out-of-reach', root, 'none', { outOfReach, unreadableCa: trust.unreadable });
      continue;
    }
    const unknownRoot = !given && found?.action === 'confirm' && options.trustUnknown !== true;
    if (rerouted && !unknownRoot) {
      // The CA and the route, in one change: or none, where the proxy's password would be written in clear.
      say(failure ? 'failing' : 'will-fail', 'proxy-dropped', root, rerouted.env ? 'env' : 'none', { unreadableCa: trust.unreadable });
      continue;
    }
    const stale = unknownRoot ? null : await staleOf(server, env, context, root.sha256);
    say(failure ? 'failing' : 'will-fail', unknownRoot ? 'unknown-root' : stale ? 'bundle-stale' : failure ? 'log-failure' : 'root-not-trusted', root, unknownRoot ? 'none' : 'env', {
      unreadableCa: trust.unreadable,
      ...(stale ? { staleBundle: stale } : {}),
    });
  }
  return assessments;
}

/** A server the fix is for: its environment does not trust the root its target presents (a root no store knows included: the user decides). */
export const needsRoot = (assessment: Assessment): boolean => (assessment.state === 'will-fail' || assessment.state === 'failing') && assessment.root !== null;

/** Preselected in the editor's picker: it needs a root the OS store trusts (never a root no store knows). */
export const preselected = (assessment: Assessment): boolean => needsRoot(assessment) && assessment.found?.action === 'fix';

/** The assessments that need a fix, grouped by the root they meet (one confirmation per CA). */
export function groupByRoot<S extends McpServer>(assessments: readonly Assessment<S>[]): { root: Root; action: FixDecision['action']; assessments: Assessment<S>[] }[] {
  const byRoot = new Map<string, { root: Root; action: FixDecision['action']; assessments: Assessment<S>[] }>();
  for (const assessment of assessments) {
    if (!needsRoot(assessment) || !assessment.root) continue;
    const entry = byRoot.get(assessment.root.sha256) ?? { root: assessment.root, action: assessment.found?.action ?? 'fix', assessments: [] };
    entry.assessments.push(assessment);
    byRoot.set(assessment.root.sha256, entry);
  }
  return [...byRoot.values()];
}

/** The assessments of one fix each (fixGroupKeyOf). */
export function groupForFix<S extends McpServer>(assessments: readonly Assessment<S>[]): Assessment<S>[][] {
  const groups = new Map<string, Assessment<S>[]>();
  for (const assessment of assessments) {
    if (!assessment.root) continue;
    const key = fixGroupKeyOf(assessment.server, assessment.root, assessment.target);
    groups.set(key, [...(groups.get(key) ?? []), assessment]);
  }
  return [...groups.values()];
}
