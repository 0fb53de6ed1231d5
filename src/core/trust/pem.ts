// PEM bundles as DER certificates: cheap (no parsing beyond base64), so a 140-root store costs ~1 ms.

const BLOCK = /-----BEGIN (?:TRUSTED |X509 )?CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END (?:TRUSTED |X509 )?CERTIFICATE-----/g;

/** Every certificate of a PEM text, as DER. A "TRUSTED CERTIFICATE" keeps its trailing aux data. */
export function pemToDers(text: string): Buffer[] {
  const out: Buffer[] = [];
  for (const match of text.matchAll(BLOCK)) out.push(Buffer.from(match[1]!, 'base64'));
  return out;
}

export function derToPem(der: Uint8Array): string {
  const body = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}
