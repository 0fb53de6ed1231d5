// The CA bundle: public roots + the corporate CA(s), deduplicated, named by the CA set so that a
// rotated CA gets a new file and a second run writes nothing new.
import { createHash, X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { rootCertificates } from 'node:tls';
import { derToPem, pemToDers, sha256Hex } from '../pem';
import { DoctorError } from '../types';
import { readRegularFile, writeFileAtomic } from '../files/atomic';
import { checkOwned, ensurePrivateDir, trustedOwners } from '../files/owner';

export type BundleMode = 'combined' | 'ca-only';

export interface BundleCert {
  subject: string;
  sha256: string;
  pem: string;
}

export interface Bundle {
  mode: BundleMode;
  fileName: string;
  pem: string;
  /** The corporate CA(s), as given. */
  cas: BundleCert[];
  /** How many certificates in all. */
  count: number;
}

function describe(der: Buffer): BundleCert {
  const cert = new X509Certificate(der);
  return {
    subject: cert.subject.split('\n').join(', '),
    sha256: sha256Hex(der),
    pem: derToPem(der),
  };
}

/** Certificates of a PEM text (or one DER certificate); `source` names it in errors. */
export function readCertificates(data: string | Buffer, source: string): BundleCert[] {
  const text = typeof data === 'string' ? data : data.toString('latin1');
  const ders = pemToDers(text);
  try {
    if (ders.length > 0) return ders.map(describe);
    if (typeof data !== 'string' && data.length > 0 && data[0] === 0x30) return [describe(data)];
  } catch (error) {
    throw new DoctorError('usage', `${source}: not a readable certificate (${error instanceof Error ? error.message : String(error)})`);
  }
  throw new DoctorError('usage', `${source}: no certificate in it (expected PEM "BEGIN CERTIFICATE" blocks or one DER certificate)`);
}

/**
 * More CAs than this in what the user gives (`--ca`) is worth a warning. A TLS-inspecting proxy
 * re-signs with one root, sometimes through an intermediate or two; a company with several proxies
 * or a root rotation under way has a handful. The OS store holds about 140 and the public roots
 * Node ships about 145: a file with more than 10 is almost surely a whole trust store (or a dump of
 * every certificate someone could find), and everything in it becomes a trust anchor for the changed
 * servers, under the name "corporate CA". 10 leaves room for every real set seen so far.
 */
export const MANY_CAS = 10;

/** What is worth a word about a set of given certificates (codes: the front ends word them). */
export type CaSetWarning =
  | { code: 'many-cas'; count: number; limit: number }
  | { code: 'not-ca'; count: number };

export function caSetWarnings(certs: BundleCert[]): CaSetWarning[] {
  const warnings: CaSetWarning[] = [];
  const distinct = new Map(certs.map((cert) => [cert.sha256, cert]));
  let notCa = 0;
  for (const cert of distinct.values()) {
    try {
      if (!new X509Certificate(cert.pem).ca) notCa += 1;
    } catch {
      notCa += 1;
    }
  }
  if (distinct.size - notCa > MANY_CAS) warnings.push({ code: 'many-cas', count: distinct.size - notCa, limit: MANY_CAS });
  if (notCa > 0) warnings.push({ code: 'not-ca', count: notCa });
  return warnings;
}

/** English wording of a CaSetWarning (the CLI's). */
export function caSetWarningText(warning: CaSetWarning): string {
  return warning.code === 'many-cas'
    ? `the CA file holds ${warning.count} CA certificates (more than ${warning.limit}): every one of them becomes trusted by the changed servers. ` +
        'A proxy needs only its root (and perhaps an intermediate or two): is this a whole trust store? Give only your proxy\'s CA (`mcp-ssl-doctor chain HOST` shows it)'
    : `the CA file holds ${warning.count} certificate(s) that are not CAs (server or user certificates): trusting them fixes nothing lasting; give the CA that issued them`;
}

/** Refuses what cannot be a trust anchor: a non-CA, an expired CA. */
export function checkCaCertificates(cas: BundleCert[], now = new Date()): void {
  for (const ca of cas) {
    const cert = new X509Certificate(ca.pem);
    if (!cert.ca) {
      throw new DoctorError('refused', `${ca.subject} (sha256 ${ca.sha256}) is not a CA certificate: trusting a leaf fixes nothing lasting; find the CA that issued it`);
    }
    if (new Date(cert.validTo) < now) {
      throw new DoctorError('refused', `${ca.subject} (sha256 ${ca.sha256}) expired on ${cert.validTo}: ask IT for the current CA`);
    }
  }
}

/** Where the public roots of a bundle come from: this Node's own (`node vX.Y.Z`) or a given file (`given <digest>`). */
function publicRootsSource(publicPem?: string): string {
  if (publicPem === undefined) return `node v${process.versions.node}`;
  return `given ${createHash('sha256').update(publicPem).digest('hex').slice(0, 12)}`;
}

/** The line between a bundle's corporate CAs and its public roots; the tool reads its own bundles back by it. */
export const PUBLIC_ROOTS_MARKER = '# public roots: ';

export function publicRoots(publicPem: string | undefined): BundleCert[] {
  if (publicPem !== undefined) return readCertificates(publicPem, 'public roots');
  return rootCertificates.flatMap(pemToDers).map((der) => ({ subject: '', sha256: sha256Hex(der), pem: derToPem(der) }));
}

/** Subjects of public roots, parsed once per process (the extension builds bundles repeatedly). */
const subjects = new Map<string, string>();

function subjectOf(cert: BundleCert): string {
  if (cert.subject) return cert.subject;
  let subject = subjects.get(cert.sha256);
  if (subject === undefined) {
    try {
      subject = new X509Certificate(cert.pem).subject.split('\n').join(', ');
    } catch {
      subject = '(unreadable subject)';
    }
    subjects.set(cert.sha256, subject);
  }
  return subject;
}

/** The name depends only on the CA set and the mode, not on the public roots (they change with Node). */
export function bundleFileName(cas: BundleCert[], mode: BundleMode): string {
  const key = [...new Set(cas.map((ca) => ca.sha256))].sort().join('\n');
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 12);
  return `${mode === 'combined' ? 'ca-bundle' : 'ca-only'}-${digest}.pem`;
}

export function buildBundle(cas: BundleCert[], mode: BundleMode, publicPem?: string): Bundle {
  const seen = new Set<string>();
  const parts: string[] = [
    `# mcp-ssl-doctor CA bundle (${mode === 'combined' ? 'public roots + corporate CA' : 'corporate CA only'}).`,
    '# Written by mcp-ssl-doctor; a re-run replaces it. Each certificate: subject / sha256 above it.',
    '',
  ];
  let count = 0;
  const add = (cert: BundleCert): void => {
    if (seen.has(cert.sha256)) return;
    seen.add(cert.sha256);
    count += 1;
    parts.push(`# ${subjectOf(cert)}`, `# sha256 ${cert.sha256}`, cert.pem.trimEnd(), '');
  };
  // The corporate CA first: a reader sees at the top what this file is for.
  cas.forEach(add);
  if (mode === 'combined') {
    parts.push(`${PUBLIC_ROOTS_MARKER}${publicRootsSource(publicPem)}`, '');
    publicRoots(publicPem).forEach(add);
  }
  return { mode, fileName: bundleFileName(cas, mode), pem: parts.join('\n'), cas, count };
}

export interface WrittenBundle {
  path: string;
  /** False when the file already held exactly this content. */
  written: boolean;
}

export interface WriteBundleOptions {
  /** The uids trusted to own the folder and the file (default: this user). */
  owners?: number[];
}

/**
 * Writes the bundle into a private folder (created 0700; an existing one must be ours and not
 * writable by others). The file's name is predictable, so what is there is never trusted blindly:
 * a link is refused (never followed), a file of another user or writable by others is refused, and
 * an existing file is reused only when its content is exactly this bundle.
 */
export async function writeBundle(bundle: Bundle, bundleDir: string, options: WriteBundleOptions = {}): Promise<WrittenBundle> {
  const owners = options.owners ?? (await trustedOwners());
  const target = path.join(bundleDir, bundle.fileName);
  await ensurePrivateDir(bundleDir, owners, 'the bundle folder');
  let stat;
  try {
    stat = await fs.lstat(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new DoctorError('io', `cannot read the bundle: ${(error as Error).message}`, { file: target });
  }
  if (stat) {
    if (stat.isSymbolicLink()) {
      throw new DoctorError('refused', 'the bundle path is a symbolic link: refusing to follow it (someone may have planted it). Remove it and run again', { file: target });
    }
    if (!stat.isFile()) throw new DoctorError('refused', 'the bundle path is not a regular file: remove it and run again', { file: target });
    checkOwned(stat, target, owners, 'the bundle file');
    const existing = await readRegularFile(target, { noFollow: true });
    if (existing.equals(Buffer.from(bundle.pem, 'utf8'))) return { path: target, written: false };
  }
  await writeFileAtomic(target, bundle.pem, { mode: 0o644, noFollow: true });
  return { path: target, written: true };
}
