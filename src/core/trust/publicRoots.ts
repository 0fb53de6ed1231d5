// The public roots: what Node ships (Mozilla's list), the store runtimes like Node, certifi and
// webpki-roots trust by default. A PEM file replaces them (tests).
import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { DoctorError } from '../types';
import { pemToDers } from '../pem';

export async function loadPublicRoots(file?: string): Promise<Buffer[]> {
  if (file) return readCaFile(file);
  return rootCertificates.map((pem) => pemToDers(pem)[0]!).filter(Boolean);
}

/** A PEM file of CA certificates given by the user: missing or empty is a usage error. */
export async function readCaFile(file: string): Promise<Buffer[]> {
  let text: string;
  try {
    text = await readFile(file, 'latin1');
  } catch (error) {
    throw new DoctorError('usage', `cannot read CA file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file });
  }
  const ders = pemToDers(text);
  if (ders.length === 0) throw new DoctorError('usage', `no PEM certificate in ${file}`, { file });
  return ders;
}
