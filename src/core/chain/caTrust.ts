// Which store, if any, already trusts a CA given by hand (`fix --ca`, `doctor --ca`): the same
// rule as a probed chain — a root no store knows needs the user's explicit word.
import type { CertSource } from '../types';
import { pemToDers } from '../pem';
import { loadStores } from './analyze';
import { Cert } from './cert';
import type { AnalyzeOptions } from './options';
import type { TrustIndex } from './trustIndex';

function knownTo(index: TrustIndex, cert: Cert): boolean {
  return index.contains(cert) || index.issuerCandidates(cert).some((issuer) => cert.issuedBy(issuer));
}

/** 'system' or 'public' when a store holds one of the CAs (or the issuer of one); null when none does. */
export async function caTrustSource(pem: string, options: Pick<AnalyzeOptions, 'systemCaFile' | 'publicCaFile' | 'env'>): Promise<Exclude<CertSource, 'presented'> | null> {
  const certs = pemToDers(pem).map((der) => Cert.tryParse(der)).filter((cert): cert is Cert => cert !== null);
  const stores = await loadStores({ host: '', port: 0, ...options });
  if (certs.some((cert) => knownTo(stores.system, cert))) return 'system';
  if (certs.some((cert) => knownTo(stores.public, cert))) return 'public';
  return null;
}
