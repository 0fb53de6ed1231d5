// One certificate, parsed only as far as it is used: the DER skeleton eagerly (cheap), Node's
// X509Certificate (OpenSSL) on demand for signatures, names, validity and host checks.
import { X509Certificate, createHash } from 'node:crypto';
import type { CertInfo } from '../types';
import { derToPem } from '../pem';
import { CertSkeleton, OID, parseSkeleton, readAuthorityKeyId, readBasicConstraints, readSubjectKeyId } from './der';

const CURVE_BITS: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521, secp256k1: 256 };

export class Cert {
  readonly der: Buffer;
  readonly skeleton: CertSkeleton;
  private x509Cache?: X509Certificate;
  private sha256Cache?: string;
  private selfSignedCache?: boolean;
  private readonly issuedByCache = new Map<Cert, boolean>();

  constructor(der: Buffer) {
    this.skeleton = parseSkeleton(der);
    // A "TRUSTED CERTIFICATE" block carries OpenSSL aux data after the certificate.
    this.der = this.skeleton.length === der.length ? der : der.subarray(0, this.skeleton.length);
  }

  /** Parses, or returns null for bytes that are not a certificate. */
  static tryParse(der: Buffer): Cert | null {
    try {
      return new Cert(der);
    } catch {
      return null;
    }
  }

  get x509(): X509Certificate {
    return (this.x509Cache ??= new X509Certificate(this.der));
  }

  get sha256(): string {
    return (this.sha256Cache ??= createHash('sha256').update(this.der).digest('hex'));
  }

  get subjectKey(): string {
    return this.skeleton.subject.toString('latin1');
  }

  get issuerKey(): string {
    return this.skeleton.issuer.toString('latin1');
  }

  get subjectKeyId(): string | null {
    const ext = this.skeleton.extensions.get(OID.subjectKeyIdentifier);
    return ext ? readSubjectKeyId(ext.value).toString('hex') : null;
  }

  get authorityKeyId(): string | null {
    const ext = this.skeleton.extensions.get(OID.authorityKeyIdentifier);
    return ext ? (readAuthorityKeyId(ext.value)?.toString('hex') ?? null) : null;
  }

  get isCa(): boolean {
    const ext = this.skeleton.extensions.get(OID.basicConstraints);
    return ext ? readBasicConstraints(ext.value).ca : false;
  }

  /** `issuer` signed this certificate: names and key identifiers match (OpenSSL's X509_check_issued) and the signature verifies. */
  issuedBy(issuer: Cert): boolean {
    let result = this.issuedByCache.get(issuer);
    if (result === undefined) {
      try {
        result = this.x509.checkIssued(issuer.x509) && this.x509.verify(issuer.x509.publicKey);
      } catch {
        result = false;
      }
      this.issuedByCache.set(issuer, result);
    }
    return result;
  }

  get selfSigned(): boolean {
    return (this.selfSignedCache ??= this.skeleton.subject.equals(this.skeleton.issuer) && this.issuedBy(this));
  }

  get notBefore(): Date {
    return new Date(this.x509.validFrom);
  }

  get notAfter(): Date {
    return new Date(this.x509.validTo);
  }

  validAt(when: Date): boolean {
    return this.notBefore <= when && when <= this.notAfter;
  }

  get pem(): string {
    return derToPem(this.der);
  }

  info(): CertInfo {
    const x = this.x509;
    const key = x.publicKey;
    const details = key.asymmetricKeyDetails;
    const keySize = details?.modulusLength ?? (details?.namedCurve ? CURVE_BITS[details.namedCurve] : undefined);
    const info: CertInfo = {
      subject: formatName(x.subject),
      issuer: formatName(x.issuer),
      sha256: this.sha256,
      notBefore: this.notBefore.toISOString(),
      notAfter: this.notAfter.toISOString(),
      selfSigned: this.selfSigned,
      ca: this.isCa,
      keyType: key.asymmetricKeyType,
      serialNumber: x.serialNumber.toLowerCase(),
      pem: this.pem,
    };
    if (keySize !== undefined) info.keySize = keySize;
    return info;
  }
}

/** Node prints one attribute a line in DER order; the CLI shows them the way openssl does: `C=US, O=Corp, CN=Root`. */
export function formatName(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}
