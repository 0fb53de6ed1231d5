// analyzeHost: probe, build the path against the stores, and say what it means.
import type { ChainReport, ChainWarning, PathCert, Verdict } from '../types';
import { loadPublicRoots } from '../trust/publicRoots';
import { loadSystemStore } from '../trust/systemStore';
import type { AnalyzeOptions } from './options';
import type { Cert } from './cert';
import { matchesHost } from './hostname';
import { BuiltPath, MAX_DEPTH, Stores, buildPath } from './path';
import { probeChain } from './probe';
import { strictProblems, strictWarnings } from './strict';
import { TrustIndex } from './trustIndex';
import { CHAIN_TOO_LONG } from './verdict';

const publicIndexCache = new Map<string, Promise<TrustIndex>>();
const systemIndexCache = new WeakMap<object, TrustIndex>();

/** The public roots and the OS store, indexed once per process (a worker reuses them). */
export async function loadStores(options: AnalyzeOptions): Promise<Stores> {
  const publicKey = options.publicCaFile ?? '';
  let publicIndex = publicIndexCache.get(publicKey);
  if (!publicIndex) {
    publicIndex = loadPublicRoots(options.publicCaFile).then((ders) => new TrustIndex(ders));
    publicIndexCache.set(publicKey, publicIndex);
    publicIndex.catch(() => publicIndexCache.delete(publicKey));
  }
  const systemStore = await loadSystemStore({ file: options.systemCaFile, env: options.env });
  let systemIndex = systemIndexCache.get(systemStore);
  if (!systemIndex) {
    systemIndex = new TrustIndex(systemStore.ders);
    systemIndexCache.set(systemStore, systemIndex);
  }
  return { public: await publicIndex, system: systemIndex };
}

export async function analyzeHost(options: AnalyzeOptions): Promise<ChainReport> {
  // The stores load while the handshake runs; a bad CA file is reported before a network failure.
  const [stores, probe] = await Promise.allSettled([loadStores(options), probeChain(options)]);
  if (stores.status === 'rejected') throw stores.reason;
  if (probe.status === 'rejected') throw probe.reason;
  return buildReport(options, probe.value.presented, probe.value.proxy, stores.value);
}

export function buildReport(
  options: Pick<AnalyzeOptions, 'host' | 'port' | 'servername'>,
  presented: Cert[],
  proxy: string | null,
  stores: Stores,
  now = new Date(),
): ChainReport {
  const built = buildPath(presented, stores, now);
  const path: PathCert[] = built.entries.map((entry) => ({ ...entry.cert.info(), source: entry.source }));
  const warnings: ChainWarning[] = [];
  if (!built.root && built.entries.length >= MAX_DEPTH) {
    // Not "too little": too much. Say so plainly instead of suggesting a missing CA.
    warnings.push({
      code: CHAIN_TOO_LONG,
      message:
        `The server sent a chain of ${presented.length} certificates; paths longer than ${MAX_DEPTH} are not followed ` +
        '(clients limit the depth too: OpenSSL to 100, many far lower). No CA is missing: a chain this long is a misconfigured ' +
        'or hostile server or proxy, and no bundle will make it verify.',
    });
  }
  if (built.root) {
    warnings.push(...strictWarnings(strictProblems(built.entries.map((e) => e.cert))));
    const fetched = built.entries.slice(1, -1).filter((e) => e.source !== 'presented');
    if (fetched.length > 0) {
      warnings.push({
        code: 'intermediates-not-sent',
        message:
          `The server did not send ${fetched.length === 1 ? 'the issuing CA' : `${fetched.length} issuing CAs`} ` +
          `(${fetched.map((e) => e.cert.info().subject).join('; ')}): a bundle must hold them as well as the root, ` +
          'since OpenSSL-based clients do not fetch missing intermediates.',
      });
    }
  }
  return {
    host: options.host,
    port: options.port,
    proxy,
    presented: presented.map((cert) => cert.info()),
    path,
    root: built.root ? { subject: built.root.cert.info().subject, sha256: built.root.cert.sha256, source: built.root.source } : null,
    verdict: verdictOf(built, presented, options.servername ?? options.host, now),
    trust: built.trust,
    warnings,
  };
}

function verdictOf(built: BuiltPath, presented: Cert[], name: string, now: Date): Verdict {
  const leaf = presented[0];
  if (!leaf) return 'incomplete';
  const checked = built.root ? built.entries.map((e) => e.cert) : presented;
  if (checked.some((cert) => !cert.validAt(now))) return 'expired';
  if (!matchesHost(leaf, name)) return 'hostname-mismatch';
  if (!built.root) return 'incomplete';
  if (built.trust.public) return 'trusted';
  if (built.trust.system) return 'intercepted';
  return 'untrusted';
}
