// A minimal DER reader for the few certificate fields the hot path needs: the issuer and subject
// names as bytes (to index trust stores without parsing every certificate), the public key bytes,
// and the extensions with their critical flags (for Python's strict checks). Node's X509Certificate
// costs ~0.25 ms a certificate (a 140-root store: ~35 ms) and @peculiar/asn1-x509 ~40 ms to load:
// both are too slow for the CLI's hot path, which must beat `openssl s_client | openssl x509`.

export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
}

export function readTlv(buf: Uint8Array, pos: number): Tlv {
  if (pos + 2 > buf.length) throw new RangeError('DER: truncated');
  const tag = buf[pos]!;
  let len = buf[pos + 1]!;
  let contentStart = pos + 2;
  if (len & 0x80) {
    const count = len & 0x7f;
    if (count === 0 || count > 4 || contentStart + count > buf.length) throw new RangeError('DER: bad length');
    len = 0;
    for (let i = 0; i < count; i++) len = len * 256 + buf[contentStart + i]!;
    contentStart += count;
  }
  const end = contentStart + len;
  if (end > buf.length) throw new RangeError('DER: truncated');
  return { tag, start: pos, contentStart, end };
}

/** The TLVs directly inside a constructed value. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let pos = parent.contentStart; pos < parent.end; ) {
    const tlv = readTlv(buf, pos);
    out.push(tlv);
    pos = tlv.end;
  }
  return out;
}

export function oidToString(bytes: Uint8Array): string {
  const parts: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      if (parts.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        parts.push(first, value - first * 40);
      } else {
        parts.push(value);
      }
      value = 0;
    }
  }
  return parts.join('.');
}

export interface DerExtension {
  critical: boolean;
  /** The content of the extnValue OCTET STRING. */
  value: Buffer;
}

export interface CertSkeleton {
  /** 0 = v1, 2 = v3. */
  version: number;
  issuer: Buffer;
  subject: Buffer;
  /** True when the subject Name has no entries. */
  subjectEmpty: boolean;
  issuerEmpty: boolean;
  spki: Buffer;
  /** Keyed by dotted OID. */
  extensions: Map<string, DerExtension>;
  /** The signature algorithm inside TBSCertificate equals the outer one (RFC 5280 4.1.1.2). */
  signatureAlgorithmsMatch: boolean;
  /** Length of the certificate's own TLV (a "TRUSTED CERTIFICATE" block carries more after it). */
  length: number;
}

const SEQUENCE = 0x30;

export function parseSkeleton(der: Buffer): CertSkeleton {
  const cert = readTlv(der, 0);
  if (cert.tag !== SEQUENCE) throw new RangeError('DER: not a certificate');
  const [tbs, outerAlg] = children(der, cert);
  if (!tbs || !outerAlg) throw new RangeError('DER: not a certificate');
  const fields = children(der, tbs);
  let i = 0;
  let version = 0;
  if (fields[0]?.tag === 0xa0) {
    const inner = readTlv(der, fields[0].contentStart);
    version = der[inner.end - 1]!;
    i = 1;
  }
  const [, sigAlg, issuer, , subject, spki] = fields.slice(i);
  if (!sigAlg || !issuer || !subject || !spki) throw new RangeError('DER: not a certificate');
  const extensions = new Map<string, DerExtension>();
  for (const field of fields.slice(i + 6)) {
    if (field.tag !== 0xa3) continue;
    const list = readTlv(der, field.contentStart);
    for (const ext of children(der, list)) {
      const parts = children(der, ext);
      const oid = parts[0];
      const octets = parts[parts.length - 1];
      if (!oid || !octets || oid.tag !== 0x06 || octets.tag !== 0x04) continue;
      const critical = parts.length === 3 && parts[1]!.tag === 0x01 && der[parts[1]!.contentStart] !== 0;
      extensions.set(oidToString(der.subarray(oid.contentStart, oid.end)), {
        critical,
        value: der.subarray(octets.contentStart, octets.end),
      });
    }
  }
  return {
    version,
    issuer: der.subarray(issuer.start, issuer.end),
    subject: der.subarray(subject.start, subject.end),
    subjectEmpty: subject.end === subject.contentStart,
    issuerEmpty: issuer.end === issuer.contentStart,
    spki: der.subarray(spki.start, spki.end),
    extensions,
    signatureAlgorithmsMatch: der.subarray(sigAlg.start, sigAlg.end).equals(der.subarray(outerAlg.start, outerAlg.end)),
    length: cert.end,
  };
}

export const OID = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
} as const;

export interface BasicConstraints {
  ca: boolean;
  pathLen: number | null;
}

export function readBasicConstraints(value: Buffer): BasicConstraints {
  const seq = readTlv(value, 0);
  let ca = false;
  let pathLen: number | null = null;
  for (const item of children(value, seq)) {
    if (item.tag === 0x01) ca = value[item.contentStart] !== 0;
    if (item.tag === 0x02) pathLen = value.readUIntBE(item.contentStart, Math.min(6, item.end - item.contentStart));
  }
  return { ca, pathLen };
}

/** Key usage bits as a number: bit 0 (0x80 of the first byte) = digitalSignature ... keyCertSign = 0x04. */
export function readKeyUsage(value: Buffer): number {
  const bits = readTlv(value, 0);
  return bits.end - bits.contentStart > 1 ? value[bits.contentStart + 1]! : 0;
}
export const KEY_CERT_SIGN = 0x04;

export function readSubjectKeyId(value: Buffer): Buffer {
  const octets = readTlv(value, 0);
  return value.subarray(octets.contentStart, octets.end);
}

/** The keyIdentifier [0] of an Authority Key Identifier, or null when it names the issuer otherwise. */
export function readAuthorityKeyId(value: Buffer): Buffer | null {
  const seq = readTlv(value, 0);
  const keyId = children(value, seq).find((item) => item.tag === 0x80);
  return keyId ? value.subarray(keyId.contentStart, keyId.end) : null;
}

/** Number of entries in a GeneralNames SEQUENCE (an empty SAN is a strict-mode error). */
export function countGeneralNames(value: Buffer): number {
  return children(value, readTlv(value, 0)).length;
}
