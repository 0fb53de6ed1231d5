// "Which servers need the fix, for which root": each server's probe target (through the proxy its
// own environment names), the distinct targets analysed concurrently, and per server whether its
// effective environment already trusts the root it meets. The editor's preflight and its "Fix MCP
// SSL" picker both ask this (one rule); the analyser and the trust check are the front end's.
import type { ChainReport, Verdict } from '../types';
import { decideFix, interceptionRoot, type FixDecision } from './policy';
import { mapLimit } from './pool';
import { proxyEnvOf } from './serverEnv';
import { probeTargetOf } from './targets';
import type { McpServer, ServerTarget } from './types';

/** What the rule reads of a chain report: small enough to keep (the editor caches it). */
export interface TargetVerdict {
  verdict: Verdict;
  /** The root of the path, when the verdict is `intercepted` or `untrusted`. */
  root: { subject: string; sha256: string } | null;
  /** The policy's answer for this report: `fix` (a root the OS trusts), `confirm` (a root no store knows), `refuse`. */
  action: FixDecision['action'];
}

export function verdictOf(report: ChainReport): TargetVerdict {
  const root = interceptionRoot(report);
  return { verdict: report.verdict, root, action: decideFix(report).action };
}

function isReport(value: ChainReport | TargetVerdict): value is ChainReport {
  return 'presented' in value;
}

/** One distinct target, the servers that reach it, and what was found there. */
export interface TargetNeeds<S extends McpServer> {
  target: ServerTarget;
  servers: S[];
  /** The analysis, when the analyser returned a whole report (not a kept verdict). */
  report?: ChainReport;
  found?: TargetVerdict;
  /** The probe failed: nothing is said about these servers. */
  error?: string;
  /** Servers whose environment does not trust the root (empty unless found.root and the policy allows a fix or a confirmation). */
  needing: S[];
  /** Servers that already trust it. */
  trusting: S[];
}

export interface NeedsResult<S extends McpServer> {
  targets: TargetNeeds<S>[];
  /** Servers with no target (an invalid entry). */
  untargeted: S[];
  /** The servers to preselect: they need a root the OS store trusts (never a root no store knows). */
  preselect: S[];
}

export interface NeedsOptions<S extends McpServer> {
  /** Where each server connects first (default: probeTargetOf through the server's own proxy variables). */
  targetOf: (server: S) => ServerTarget | null;
  /** A whole report (fresh analysis) or a kept verdict (a cache). */
  analyze: (target: ServerTarget, signal?: AbortSignal) => Promise<ChainReport | TargetVerdict>;
  /** Whether the server's effective environment already trusts the root. */
  trusts: (server: S, root: { subject: string; sha256: string }) => Promise<boolean>;
  concurrency?: number;
  onProgress?: (done: number, total: number, target: ServerTarget) => void;
  signal?: AbortSignal;
}

/** One key per distinct target: host (any case), port, and the proxy the server's own environment names. */
export const targetKeyOf = (target: ServerTarget): string => JSON.stringify([target.host.toLowerCase(), target.port, target.proxyEnv ?? null]);

/**
 * A stdio server's target as it reaches it: its probe target and the proxy variables of its
 * effective environment. `fromConfig: false` (an untrusted workspace's config) takes neither a host
 * nor a proxy from the entry: only the host's own environment's proxy.
 */
export function serverTargetOf(
  server: McpServer,
  effectiveEnv: (server: McpServer) => Record<string, string>,
  options: { probeHost?: string; fromConfig?: boolean } = {},
): ServerTarget | null {
  if (server.transport !== 'stdio') return null;
  const where = probeTargetOf(server, options);
  if (!where) return null;
  const env = effectiveEnv(options.fromConfig === false ? { ...server, env: {} } : server);
  return { host: where.host, port: where.port, proxyEnv: proxyEnvOf(env) };
}

/** The environment to probe a target with: `hostEnv` without its proxy variables, then the target's. */
export { probeEnvOf } from './serverEnv';

/** Servers grouped by their target, each distinct target analysed once (a few at a time), and the trust check per server. */
export async function serversNeedingFix<S extends McpServer>(servers: readonly S[], options: NeedsOptions<S>): Promise<NeedsResult<S>> {
  const groups = new Map<string, TargetNeeds<S>>();
  const untargeted: S[] = [];
  for (const server of servers) {
    const target = options.targetOf(server);
    if (!target) {
      untargeted.push(server);
      continue;
    }
    const key = targetKeyOf(target);
    const group = groups.get(key) ?? { target, servers: [], needing: [], trusting: [] };
    group.servers.push(server);
    groups.set(key, group);
  }
  const targets = [...groups.values()];
  let done = 0;
  await mapLimit(targets, options.concurrency ?? 4, async (group) => {
    try {
      const analysed = await options.analyze(group.target, options.signal);
      if (isReport(analysed)) group.report = analysed;
      group.found = isReport(analysed) ? verdictOf(analysed) : analysed;
    } catch (error) {
      group.error = error instanceof Error ? error.message : String(error);
    }
    done += 1;
    options.onProgress?.(done, targets.length, group.target);
  });
  const preselect = new Set<S>();
  for (const group of targets) {
    const found = group.found;
    if (!found?.root || found.action === 'refuse') continue;
    for (const server of group.servers) {
      if (await options.trusts(server, found.root)) group.trusting.push(server);
      else {
        group.needing.push(server);
        if (found.action === 'fix') preselect.add(server);
      }
    }
  }
  return { targets, untargeted, preselect: servers.filter((server) => preselect.has(server)) };
}

/** The servers that need a fix, grouped by the root they meet (one confirmation per CA). */
export function groupByRoot<S extends McpServer>(targets: readonly TargetNeeds<S>[], pick: (server: S) => boolean = () => true): { root: { subject: string; sha256: string }; action: FixDecision['action']; targets: TargetNeeds<S>[] }[] {
  const byRoot = new Map<string, { root: { subject: string; sha256: string }; action: FixDecision['action']; targets: TargetNeeds<S>[] }>();
  for (const group of targets) {
    const root = group.found?.root;
    if (!root || group.found?.action === 'refuse') continue;
    const chosen = group.servers.filter(pick);
    if (chosen.length === 0) continue;
    const entry = byRoot.get(root.sha256) ?? { root, action: group.found?.action ?? 'fix', targets: [] };
    entry.targets.push({ ...group, servers: chosen, needing: group.needing.filter(pick), trusting: group.trusting.filter(pick) });
    byRoot.set(root.sha256, entry);
  }
  return [...byRoot.values()];
}
