// The one PEM reader: certificates of PEM text as DER, DER back to PEM, fingerprints. Cheap (no
// parsing beyond base64), so a 140-root store costs ~1 ms.

const PEM_BLOCK = /-----BEGIN (?:TRUSTED |X509 )?CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END (?:TRUSTED |X509 )?CERTIFICATE-----/g;

/** Every certificate of a PEM text, as DER. A "TRUSTED CERTIFICATE" keeps its trailing aux data. */
export function pemToDers(text: string): Buffer[] {
  const out: Buffer[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) out.push(Buffer.from(match[1] ?? '', 'base64'));
  return out;
}

export function derToPem(der: Uint8Array): string {
  const body = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

/** SHA-256 of DER, lowercase hex without separators, as everywhere in the contract. */
export function sha256Hex(der: Uint8Array): string {
  // node:crypto on first use: the extension activates without it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('node:crypto') as typeof import('node:crypto')).createHash('sha256').update(der).digest('hex');
}

/** The fingerprints of every certificate in PEM text. */
export function pemFingerprints(text: string): Set<string> {
  return new Set(pemToDers(text).map(sha256Hex));
}
