// The tool's own bundles, kept current. Which bundle files this tool wrote (its journal names them:
// never the file name alone), what one of them holds (its corporate CAs above the public-roots
// line), whether it is stale (it lacks the root a target now presents, or its public roots are older
// than this runtime's), and the CA set a renewal writes: the new CAs first, a superseded CA of the
// same subject out (with both, Node and OpenSSL may pick the old one: CERT_SIGNATURE_FAILURE), the
// others kept.
import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { readRegularFile } from '../files/atomic';
import * as path from 'node:path';
import { BundleCert, BundleMode, bundleFileName, PUBLIC_ROOTS_MARKER, publicRoots, readCertificates } from './bundle';
import { listJournal } from './journal';
import { checkOwned, trustedOwners } from '../files/owner';
import { defaultBundleDir, undoDir } from './paths';

function api(platform: NodeJS.Platform): typeof path.posix {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** A config's spelling of a bundle path (`${userHome}/…`, forward slashes on Windows) as a file; undefined when it names no absolute file. */
export function bundleFileOf(value: string, home: string, platform: NodeJS.Platform = process.platform): string | undefined {
  const resolved = value.replace(/\$\{userHome\}/g, home);
  if (resolved.includes('${')) return undefined;
  return api(platform).isAbsolute(resolved) ? api(platform).normalize(resolved) : undefined;
}

/** Whether a raw JSON value (a host's settings `env` entry) names one of `own`. */
export function namesOwnBundle(own: ReadonlySet<string>, home: string, platform: NodeJS.Platform = process.platform): (raw: string) => boolean {
  return (raw) => {
    try {
      const value: unknown = JSON.parse(raw);
      const file = typeof value === 'string' ? bundleFileOf(value, home, platform) : undefined;
      return file !== undefined && own.has(file);
    } catch {
      return false;
    }
  };
}

/** The bundle files the journal of `home` names (config fixes and host-level edits): the tool's own. */
export async function ownBundlesOf(home: string, platform: NodeJS.Platform = process.platform, owners?: number[]): Promise<Set<string>> {
  const listing = await listJournal([undoDir(home, platform)], owners ?? (await trustedOwners(home)));
  return new Set(listing.entries.flatMap((entry) => entry.bundles).map((file) => api(platform).normalize(file)));
}

export interface OwnBundle {
  mode: BundleMode;
  /** The corporate CAs it was written for (above the public roots). */
  cas: BundleCert[];
  /** Where its public roots came from (`node v24.11.1`, `given …`); null for a bundle written before the line existed. */
  publicSource: string | null;
  /** Every certificate in it. */
  fingerprints: Set<string>;
}

function certificatesIn(text: string): BundleCert[] {
  try {
    return readCertificates(text, 'bundle');
  } catch {
    return [];
  }
}

/** Reads a bundle this tool wrote back into its parts. */
export function readOwnBundle(text: string, file: string): OwnBundle {
  const name = path.basename(file.replace(/\\/g, '/'));
  const mode: BundleMode = name.startsWith('ca-only-') ? 'ca-only' : 'combined';
  const all = certificatesIn(text);
  const marker = text.indexOf(`\n${PUBLIC_ROOTS_MARKER}`);
  let cas = all;
  let publicSource: string | null = null;
  if (marker >= 0) {
    cas = certificatesIn(text.slice(0, marker));
    publicSource = (text.slice(marker + 1 + PUBLIC_ROOTS_MARKER.length).split('\n')[0] ?? '').trim();
  } else if (mode === 'combined') {
    // Written before the line: its name is the digest of its CA set, which comes first. Not found
    // (edited by hand, renamed): no CA is carried over from it — never its public roots as CAs.
    cas = [];
    for (let count = 1; count <= Math.min(all.length, 16); count += 1) {
      if (bundleFileName(all.slice(0, count), mode) === name) {
        cas = all.slice(0, count);
        break;
      }
    }
  }
  return { mode, cas, publicSource, fingerprints: new Set(all.map((cert) => cert.sha256)) };
}

/** Why a bundle of ours needs renewing: it lacks the root a target presents now, or its public roots are older than this runtime's. */
export type BundleStale = 'missing-root' | 'public-roots';

const publicSets = new Map<string, Set<string>>();

function publicSet(publicPem: string | undefined): Set<string> {
  const key = publicPem ?? '';
  let set = publicSets.get(key);
  if (!set) publicSets.set(key, (set = new Set(publicRoots(publicPem).map((cert) => cert.sha256))));
  return set;
}

function versionParts(text: string): number[] | null {
  const match = /^(?:node )?v?(\d+)\.(\d+)\.(\d+)/.exec(text);
  return match ? match.slice(1, 4).map(Number) : null;
}

/** -1, 0, 1 as a is older than, as old as, newer than b. */
function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/**
 * Whether a bundle of ours is stale for a server whose target presents `rootSha256`. Public roots
 * count as older only when this runtime's set has a root the bundle lacks and the bundle's roots
 * do not come from a Node as new or newer (so an editor on an older Node and a newer CLI never
 * rewrite each other's bundle back and forth).
 */
export function bundleStaleness(bundle: OwnBundle, rootSha256: string | null, publicPem?: string, nodeVersion: string = process.versions.node): BundleStale | null {
  if (rootSha256 !== null && !bundle.fingerprints.has(rootSha256)) return 'missing-root';
  if (bundle.mode !== 'combined') return null;
  const current = publicSet(publicPem);
  if ([...current].every((sha) => bundle.fingerprints.has(sha))) return null;
  const was = versionParts(bundle.publicSource ?? '');
  const now = versionParts(nodeVersion);
  if (publicPem === undefined && was && now && compareVersions(now, was) <= 0) return null;
  return 'public-roots';
}

function usable(cert: BundleCert, now: Date): boolean {
  try {
    const x509 = new X509Certificate(cert.pem);
    return x509.ca && new Date(x509.validTo) >= now;
  } catch {
    return false;
  }
}

/**
 * The CAs a renewal writes: the new ones first, then those of the previous bundles that are still
 * CAs, not expired, and not superseded (a CA whose subject a new one has is the renewed one's
 * predecessor: with both in one bundle, a runtime may pick the old one and fail).
 */
export function renewedCas(fresh: BundleCert[], previous: BundleCert[], now = new Date()): { cas: BundleCert[]; superseded: BundleCert[] } {
  const subjects = new Set(fresh.map((cert) => cert.subject));
  const seen = new Set(fresh.map((cert) => cert.sha256));
  const cas = [...fresh];
  const superseded: BundleCert[] = [];
  for (const cert of previous) {
    if (seen.has(cert.sha256)) continue;
    seen.add(cert.sha256);
    if (subjects.has(cert.subject)) superseded.push(cert);
    else if (usable(cert, now)) cas.push(cert);
  }
  return { cas, superseded };
}

const BUNDLE_NAME = /^(ca-bundle|ca-only)-[0-9a-f]{12}\.pem$/;

export interface UnusedBundleOptions {
  platform?: NodeJS.Platform;
  /** Files that may name a bundle besides those the journal records (every MCP config found for the home). */
  alsoNamedIn?: string[];
  /** A bundle younger than this stays (another run may have written it and not yet its config). Default 10 minutes. */
  minAgeMs?: number;
  now?: number;
}

/**
 * Removes the bundles of a home's bundle folder that nothing needs any more: named by no journal
 * record (an undo may give one back), by no file the journal records and by none of `alsoNamedIn`
 * (a teammate's committed config names a bundle without any record here), older than `minAgeMs`,
 * owned by a trusted user. Nothing is removed while the journal holds a record it cannot read.
 */
export async function removeUnusedBundles(home: string, options: UnusedBundleOptions = {}): Promise<string[]> {
  const platform = options.platform ?? process.platform;
  const owners = await trustedOwners(home);
  const listing = await listJournal([undoDir(home, platform)], owners);
  if (listing.problems.length > 0) return [];
  const named = new Set(listing.entries.flatMap((entry) => entry.bundles).map((file) => path.basename(file.replace(/\\/g, '/'))));
  const files = [...new Set([...listing.entries.map((entry) => entry.target), ...(options.alsoNamedIn ?? [])])];
  // Regular files only (a FIFO planted at a recorded path never stalls the sweep).
  const texts = await Promise.all(files.map((file) => readRegularFile(file).then((bytes) => bytes.toString('utf8')).catch(() => '')));
  const dir = defaultBundleDir(home, platform);
  const now = options.now ?? Date.now();
  const removed: string[] = [];
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    if (!BUNDLE_NAME.test(name) || named.has(name) || texts.some((text) => text.includes(name))) continue;
    const file = path.join(dir, name);
    const stat = await fs.lstat(file).catch(() => undefined);
    if (!stat?.isFile() || now - stat.mtimeMs < (options.minAgeMs ?? 10 * 60_000)) continue;
    try {
      checkOwned(stat, file, owners, 'the bundle');
      await fs.unlink(file);
      removed.push(file);
    } catch {
      // not ours: it stays
    }
  }
  return removed;
}
