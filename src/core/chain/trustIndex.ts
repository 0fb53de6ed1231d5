// A trust store indexed by subject name bytes and subject key identifier, built from DER without
// parsing certificates with OpenSSL: only the few candidates of a lookup are ever fully parsed.
import { Cert } from './cert';

export class TrustIndex {
  private readonly bySubject = new Map<string, Cert[]>();
  private readonly byKeyId = new Map<string, Cert[]>();
  private readonly fingerprints = new Set<string>();
  private fingerprintsReady = false;
  readonly certs: Cert[];

  constructor(ders: Iterable<Buffer>) {
    this.certs = [];
    for (const der of ders) {
      const cert = Cert.tryParse(der);
      if (!cert) continue;
      this.certs.push(cert);
      push(this.bySubject, cert.subjectKey, cert);
      const keyId = cert.subjectKeyId;
      if (keyId) push(this.byKeyId, keyId, cert);
    }
  }

  get size(): number {
    return this.certs.length;
  }

  /** Certificates that may have issued `cert`: same name, or the key its AKI names. */
  issuerCandidates(cert: Cert): Cert[] {
    const byName = this.bySubject.get(cert.issuerKey) ?? [];
    const aki = cert.authorityKeyId;
    const byKey = aki ? (this.byKeyId.get(aki) ?? []) : [];
    return byKey.length === 0 ? byName : [...new Set([...byName, ...byKey])];
  }

  /** The store holds this certificate, or the same name with the same key (a re-issued root). */
  contains(cert: Cert): boolean {
    if (!this.fingerprintsReady) {
      for (const c of this.certs) this.fingerprints.add(c.sha256);
      this.fingerprintsReady = true;
    }
    if (this.fingerprints.has(cert.sha256)) return true;
    return (this.bySubject.get(cert.subjectKey) ?? []).some((c) => c.skeleton.spki.equals(cert.skeleton.spki));
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
