
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/** The DER bytes of every certificate in PEM text (bundles hold hundreds). */
export function pemCertificates(text: string): Buffer[] {
  const certs: Buffer[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) certs.push(Buffer.from(match[1].replace(/\s+/g, ''), 'base64'));
  return certs;
}

/** SHA-256 of DER, lowercase hex without separators, as everywhere in the contract. */
export function sha256Hex(der: Buffer): string {
  // node:crypto on first use: the extension activates without it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('node:crypto') as typeof import('node:crypto')).createHash('sha256').update(der).digest('hex');
}

/** The fingerprints of every certificate in PEM text. */
export function pemFingerprints(text: string): Set<string> {
  return new Set(pemCertificates(text).map(sha256Hex));
}
