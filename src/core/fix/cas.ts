import type { ChainReport } from '../types';

/**
 * The CAs a bundle needs for a chain: every CA of the built path after the leaf. Intermediates
 * the proxy sends are harmless to include; those it does not send are needed, because OpenSSL
 * does not fetch missing intermediates.
 */
export function casToTrust(report: ChainReport): string[] {
  return report.path.slice(1).filter((cert) => cert.ca && cert.pem).map((cert) => cert.pem as string);
}
