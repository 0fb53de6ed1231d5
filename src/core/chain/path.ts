// Path building: from the leaf, find each issuer among the presented certificates, the OS store
// and the public roots (by name and key identifier), verify every signature, try every candidate
// (cross-signed roots, duplicate subjects), and keep the best path.
import type { CertSource } from '../types';
import type { Cert } from './cert';
import type { TrustIndex } from './trustIndex';

export interface PathEntry {
  cert: Cert;
  source: CertSource;
}

export interface BuiltPath {
  entries: PathEntry[];
  /** The self-signed root (or store-held anchor) the path ends at; null when incomplete. */
  root: PathEntry | null;
  trust: { public: boolean; system: boolean };
}

export interface Stores {
  system: TrustIndex;
  public: TrustIndex;
}

/** The longest path followed (leaf to root); a longer presented chain is reported as such. */
export const MAX_DEPTH = 10;
const MAX_PATHS = 64;

export function buildPath(presented: Cert[], stores: Stores, now = new Date()): BuiltPath {
  const leaf = presented[0];
  if (!leaf) return { entries: [], root: null, trust: { public: false, system: false } };
  const presentedSet = new Set(presented.map((c) => c.sha256));
  const complete: BuiltPath[] = [];
  let best: BuiltPath | null = null;

  const finish = (entries: PathEntry[], root: PathEntry | null): void => {
    const trust = root
      ? { public: stores.public.contains(root.cert), system: stores.system.contains(root.cert) }
      : { public: false, system: false };
    const path: BuiltPath = { entries: [...entries], root, trust };
    complete.push(path);
    if (!best || compare(path, best, now) < 0) best = path;
  };

  const candidatesFor = (cert: Cert, inPath: Set<string>): PathEntry[] => {
    const found = new Map<string, PathEntry>();
    const add = (candidate: Cert, source: CertSource): void => {
      if (inPath.has(candidate.sha256) || found.has(candidate.sha256)) return;
      found.set(candidate.sha256, { cert: candidate, source: presentedSet.has(candidate.sha256) ? 'presented' : source });
    };
    for (const c of presented) if (c.subjectKey === cert.issuerKey) add(c, 'presented');
    for (const c of stores.public.issuerCandidates(cert)) add(c, 'public');
    for (const c of stores.system.issuerCandidates(cert)) add(c, 'system');
    return [...found.values()].filter((entry) => cert.issuedBy(entry.cert));
  };

  const walk = (entries: PathEntry[], inPath: Set<string>): void => {
    if (complete.length >= MAX_PATHS) return;
    const last = entries[entries.length - 1]!;
    if (last.cert.selfSigned) return finish(entries, last);
    const candidates = entries.length < MAX_DEPTH ? candidatesFor(last.cert, inPath) : [];
    if (candidates.length === 0) {
      // A store-held CA with no issuer in sight is an anchor (partial chain); else the path is incomplete.
      const anchored = stores.public.contains(last.cert) || stores.system.contains(last.cert);
      return finish(entries, anchored && entries.length > 1 ? last : null);
    }
    for (const candidate of candidates) {
      inPath.add(candidate.cert.sha256);
      entries.push(candidate);
      walk(entries, inPath);
      entries.pop();
      inPath.delete(candidate.cert.sha256);
    }
  };

  walk([{ cert: leaf, source: 'presented' }], new Set([leaf.sha256]));
  return best!;
}

function trustRank(path: BuiltPath): number {
  if (!path.root) return 0;
  if (path.trust.public) return 3;
  if (path.trust.system) return 2;
  return 1;
}

/** Negative when a is the better path: more trusted, then fewer expired certificates, then shorter. */
function compare(a: BuiltPath, b: BuiltPath, now: Date): number {
  const rank = trustRank(b) - trustRank(a);
  if (rank !== 0) return rank;
  const expired = (p: BuiltPath): number => p.entries.filter((e) => !e.cert.validAt(now)).length;
  const validity = expired(a) - expired(b);
  if (validity !== 0) return validity;
  return a.entries.length - b.entries.length;
}
