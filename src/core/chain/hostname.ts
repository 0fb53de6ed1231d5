import { ipFamily } from './hostPort';
import type { Cert } from './cert';

/**
 * The leaf is valid for the name a client would check: DNS names by the subjectAltName (wildcards
 * in the left-most label only, never partial: `*.example.com`, not `a*.example.com`; the subject CN
 * only when there is no DNS SAN), IP literals by IP SAN entries only. OpenSSL's X509_check_host/ip.
 */
export function matchesHost(leaf: Cert, name: string): boolean {
  const host = name.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (ipFamily(host)) return leaf.x509.checkIP(host) !== undefined;
  return leaf.x509.checkHost(host, { subject: 'default', wildcards: true, partialWildcards: false, multiLabelWildcards: false }) !== undefined;
}
