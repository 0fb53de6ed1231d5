// The CA bundle: public roots + the corporate CA(s), deduplicated, named by the CA set so that a
// rotated CA gets a new file and a second run writes nothing new.
import { createHash, X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { rootCertificates } from 'node:tls';
import { derToPem, pemToDers, sha256Hex } from '../pem';
import { DoctorError } from '../types';
import { writeFileAtomic } from './atomic';

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

function publicRoots(publicPem: string | undefined): BundleCert[] {
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
  if (mode === 'combined') publicRoots(publicPem).forEach(add);
  return { mode, fileName: bundleFileName(cas, mode), pem: parts.join('\n'), cas, count };
}

export interface WrittenBundle {
  path: string;
  /** False when the file already held exactly this content. */
  written: boolean;
}

export async function writeBundle(bundle: Bundle, bundleDir: string): Promise<WrittenBundle> {
  const target = path.join(bundleDir, bundle.fileName);
  try {
    await fs.mkdir(bundleDir, { recursive: true, mode: 0o755 });
  } catch (error) {
    throw new DoctorError('io', `cannot create the bundle folder ${bundleDir}: ${(error as Error).message}`);
  }
  const existing = await fs.readFile(target, 'utf8').catch(() => undefined);
  if (existing === bundle.pem) return { path: target, written: false };
  await writeFileAtomic(target, bundle.pem, { mode: 0o644 });
  return { path: target, written: true };
}
