// The fix pipeline, one for every front end: analyse → pick CAs (policy) → strict check → plan →
// verify → apply. `fix` (CLI), `doctor --fix` and the editor's Fix all run this.
import type { FixResult } from '../fix/apply';
import { applyFix, describePlan } from '../fix/apply';
import { FixOptions, planFix } from '../fix/plan';
import { writeBundle } from '../fix/bundle';
import { trustedOwners } from '../files/owner';
import type { HostId } from '../hosts/locations';
import { readServers } from '../config/inventory';
import { describeRuntimeCheck, type RuntimeCheckResult } from '../runtime/check';
import { osStoreSwitch, osStoreSwitchOf, type TrustMode } from '../runtime/systemCa';
import { checkChangesInRuntime, RuntimeCheckOptions, verificationOf } from './runtimeVerify';
import type { StrictProblem } from '../fix/strict';
import { strictPathProblems } from '../fix/strict';
import type { ChainReport } from '../types';
import { casForFix } from '../assess/policy';
import type { Assessment } from '../assess/assess';
import { effectiveEnvOf } from '../assess/serverEnv';
import { NODE_USE_ENV_PROXY, nodeReadsEnvProxy, serverNodeVersion } from '../runtime/nodeProxy';
import type { Analyzer, HostTarget, ServerTarget } from '../model/server';

/** Where the CAs come from: given by hand, or a chain report (policy applies). */
export type CaSource = { kind: 'given'; pems: (string | Buffer)[] } | { kind: 'report'; report: ChainReport; trustUnknown: boolean };

/** The plan's options, with the CAs as a source the policy decides on and the verification as a target. */
export interface FixRequest extends Omit<FixOptions, 'caPems' | 'strictProblems' | 'verify' | 'resolvesVariables'> {
  cas: CaSource;
  /** Proof before writing: a handshake to this target trusting only the new bundle. */
  verify?: { target: ServerTarget; analyzer: Pick<Analyzer, 'verify'>; signal?: AbortSignal };
  dryRun?: boolean;
  /**
   * Prove the change in each server's own runtime before writing (the host app decides what
   * environment the server gets); a server whose runtime still fails is skipped, not written.
   */
  runtimeCheck?: Omit<RuntimeCheckOptions, 'target'> & { hostApp: HostId; target: HostTarget };
  /**
   * `bundle` (default): the bundle's variables. `auto`: a server whose runtime reads the OS store
   * (its version, proved by the runtime check) gets that switch when the root is in the OS store.
   * `os-store`: only that; a server that cannot is skipped (code `os-store`).
   */
  trustMode?: TrustMode;
  /** Whether the OS store trusts the root (the verdict `intercepted`, or a given CA the store holds). */
  rootInOsStore?: boolean;
}

export interface CasToFix {
  pems: (string | Buffer)[];
  /** From the whole analysed path (the proxy's leaf too), so advice names the certificate that fails. */
  strictProblems?: StrictProblem[];
}

export function casOf(source: CaSource): CasToFix {
  if (source.kind === 'given') return { pems: source.pems };
  return { pems: casForFix(source.report, source.trustUnknown), strictProblems: strictPathProblems(source.report.path) };
}

export async function fixConfig(request: FixRequest): Promise<FixResult> {
  const cas = casOf(request.cas);
  const verify = request.verify;
  const options: FixOptions = {
    configPath: request.configPath,
    serversPath: request.serversPath,
    servers: request.servers,
    mode: request.mode,
    bundleDir: request.bundleDir,
    home: request.home,
    platform: request.platform,
    publicPem: request.publicPem,
    replace: request.replace,
    removeInsecure: request.removeInsecure,
    addEnv: request.addEnv,
    routeOnly: request.routeOnly,
    caPems: cas.pems,
    strictProblems: cas.strictProblems,
    verify: verify && {
      host: verify.target.host,
      port: verify.target.port,
      verifyTrust: (probe) => verify.analyzer.verify({ ...verify.target, host: probe.host, port: probe.port }, probe.caPem, verify.signal),
    },
  };
  let plan = await planFix(options);
  if (request.dryRun) return describePlan(plan);
  const check = request.runtimeCheck;
  if (!check || plan.changed.length === 0) {
    const result = await applyFix(plan);
    if (result.changed.length === 0) return result;
    return {
      ...result,
      changed: result.changed.map((change) => ({ ...change, verified: null })),
      warnings: [...result.warnings, { code: 'runtime-check', message: 'not verified in the servers\' own runtimes (--no-runtime-check, or no host to reach: give --host)' }],
    };
  }

  // The runtime reads the bundle: write it first (content-named, so nothing is replaced).
  await writeBundle(plan.bundle, plan.bundleDir, { owners: await trustedOwners(request.home) });
  const servers = await readServers({ hostApp: check.hostApp, path: request.configPath, scope: 'user', resolvesVariables: true, serversPath: request.serversPath });
  const mode = request.trustMode ?? 'bundle';
  // The runtime's own OS store: tried in the server's own runtime; taken only at a version that reads it.
  const osStore = new Map<string, Record<string, string>>();
  const osResults = new Map<string, RuntimeCheckResult>();
  const osSkipped: FixResult['skipped'] = [];
  if (mode !== 'bundle' && request.rootInOsStore === true) {
    const tries = plan.changed.flatMap((change) => {
      const candidate = change.runtime === 'docker' ? null : osStoreSwitchOf(change.runtime);
      return candidate ? [{ ...change, env: candidate.env }] : [];
    });
    for (const [server, result] of await checkChangesInRuntime(servers, tries, check)) {
      const change = tries.find((entry) => entry.server === server);
      const proved = change && result.ok === true ? osStoreSwitch(change.runtime, result.by) : null;
      if (proved) {
        osStore.set(server, proved.env);
        osResults.set(server, result);
      }
    }
  }
  if (mode === 'os-store') {
    for (const change of plan.changed.filter((entry) => !osStore.has(entry.server))) {
      const detail = request.rootInOsStore !== true ? 'the root is in no OS store' : change.runtime === 'docker' ? 'a container has its own store (the bundle mount stays)' : osStoreSwitchOf(change.runtime) ? `its runtime does not read the OS store (${osStoreSwitchOf(change.runtime)?.since ?? ''} and later do)` : `${change.runtime} has no switch to the OS store`;
      osSkipped.push({ server: change.server, reason: `os-store: ${detail}; --trust-mode auto or bundle writes the bundle`, code: 'os-store', detail });
    }
  }
  const bundleChanged = plan.changed.filter((change) => !osStore.has(change.server) && !osSkipped.some((skip) => skip.server === change.server));
  const results = new Map([...(await checkChangesInRuntime(servers, bundleChanged, check)), ...osResults]);
  const failing = [...results.entries()].filter(([, result]) => result.ok === false);
  const skipped = [
    ...osSkipped,
    ...failing.map(([server, result]) => ({ server, reason: `runtime-check: ${describeRuntimeCheck(result)}`, code: 'runtime-check' as const, detail: describeRuntimeCheck(result) })),
  ];
  if (skipped.length > 0 || osStore.size > 0) {
    const kept = plan.changed.map((change) => change.server).filter((name) => !skipped.some((skip) => skip.server === name));
    if (kept.length === 0) return { ...describePlan(plan), dryRun: false, changed: [], skipped: [...plan.skipped, ...skipped] };
    plan = await planFix({ ...options, servers: kept, ...(osStore.size > 0 ? { osStore } : {}) });
  }
  const result = await applyFix(plan);
  const unverified = result.changed.flatMap((change) => {
    const checked = results.get(change.server);
    return checked && checked.ok === null ? [{ code: 'runtime-check', server: change.server, message: describeRuntimeCheck(checked) }] : [];
  });
  return {
    ...result,
    changed: result.changed.map((change) => {
      const checked = results.get(change.server);
      return { ...change, verified: checked ? verificationOf(checked) : null };
    }),
    skipped: [...result.skipped, ...skipped],
    warnings: [...result.warnings, ...unverified],
  };
}

/**
 * What a fix adds for the servers of a group whose host drops the session's proxy (assess/route.ts):
 * the proxy's variables beside the CA (`addEnv`), with NODE_USE_ENV_PROXY=1 for a Node server whose
 * own node reads it (runtime/nodeProxy.ts: found through the PATH the server gets, as the runtime
 * check finds it); `routeOnly` for a server that already trusts the root. Every front end passes it
 * to fixConfig as it is.
 */
export function routeFixOf(group: readonly Assessment[], hostEnv: NodeJS.ProcessEnv, hostSettingsEnv?: Record<string, string>): Pick<FixRequest, 'addEnv' | 'routeOnly'> {
  const addEnv: Record<string, Record<string, string>> = {};
  const routeOnly: string[] = [];
  for (const { server, reason, droppedProxy, trustedVia } of group) {
    if (reason !== 'proxy-dropped' || !droppedProxy?.env) continue;
    const env = { ...droppedProxy.env };
    if (server.runtime === 'node') {
      const version = serverNodeVersion(server.command, server.args, effectiveEnvOf(server, hostEnv, process.platform, hostSettingsEnv));
      if (version && nodeReadsEnvProxy(version)) env[NODE_USE_ENV_PROXY] = '1';
    }
    addEnv[server.name] = env;
    if (trustedVia) routeOnly.push(server.name);
  }
  return Object.keys(addEnv).length > 0 ? { addEnv, routeOnly } : {};
}
