// The problem's vocabulary, shared by the core, the worker, the CLI and the extension.

/** What a TLS failure in a log means (docs/design.md, CLI contract). */
export type FindingKind =
  | 'untrusted-ca'
  | 'self-signed-leaf'
  | 'expired'
  | 'hostname-mismatch'
  | 'revoked'
  | 'strict-ca'
  | 'other-tls';

/** The runtime whose TLS stack printed the failure. */
export type Runtime = 'python' | 'node' | 'rust' | 'go' | 'java' | 'dotnet' | 'curl' | 'unknown';

/** One TLS failure event found in log text. */
export interface Finding {
  file: string;
  /** 1-based line of the event's first TLS error line. */
  line: number;
  kind: FindingKind;
  runtime: Runtime;
  host: string | null;
  port: number | null;
  /** True exactly for `untrusted-ca`: trusting the right CA fixes it. */
  fixable: boolean;
  /** The log text that carried the error, trimmed. */
  message: string;
  /** The MCP server the log belongs to, when the log's name or content says so. */
  server?: string;
  /**
   * What the finding says beyond its kind (not part of the `scan` JSON contract):
   * `reason-unspecified` — the runtime gave no reason (.NET's "remote certificate is invalid according to
   * the validation procedure", wget's "cannot verify"): the kind is the likely one, the chain analysis decides;
   * `revocation-unchecked` — a revocation check that could not run (Schannel's CRYPT_E_NO_REVOCATION_CHECK,
   * typical when a proxy blocks CRL/OCSP): not a revoked certificate.
   */
  detail?: FindingDetail;
}

/** See Finding.detail. */
export type FindingDetail = 'reason-unspecified' | 'revocation-unchecked';

/**
 * Something in a log that is not a certificate finding by itself but may hide one: `fetch-failed` (Node's
 * undici or an editor's MCP client said `fetch failed` and nothing more), `tls-protocol` (a TLS failure that
 * is not about the certificate: wrong version number, handshake failure, EOF). The editor may probe the host;
 * `scan` reports nothing for them.
 */
export interface ScanSignal {
  file: string;
  line: number;
  reason: 'fetch-failed' | 'tls-protocol';
  runtime: Runtime;
  host: string | null;
  port: number | null;
  message: string;
  server?: string;
}

/** Where a certificate of a built path came from. */
export type CertSource = 'presented' | 'system' | 'public';

export interface CertInfo {
  subject: string;
  issuer: string;
  /** Lowercase hex, no separators. */
  sha256: string;
  notBefore: string;
  notAfter: string;
  selfSigned: boolean;
  ca: boolean;
  keyType?: string;
  keySize?: number;
  serialNumber?: string;
  /** The certificate in PEM, so it can be bundled, saved or copied. */
  pem?: string;
}

export interface PathCert extends CertInfo {
  source: CertSource;
}

export type Verdict = 'trusted' | 'intercepted' | 'untrusted' | 'incomplete' | 'expired' | 'hostname-mismatch';

export interface ChainWarning {
  code: string;
  message: string;
}

/** The `chain` JSON of the CLI contract. */
export interface ChainReport {
  host: string;
  port: number;
  proxy: string | null;
  presented: CertInfo[];
  path: PathCert[];
  root: { subject: string; sha256: string; source: CertSource } | null;
  verdict: Verdict;
  trust: { public: boolean; system: boolean };
  warnings: ChainWarning[];
}

/** Errors of the core carry a kind, never a string to parse. */
export type DoctorErrorKind =
  | 'usage'
  | 'malformed-config'
  | 'unknown-config'
  | 'io'
  | 'network'
  | 'timeout'
  | 'not-tls'
  | 'proxy'
  | 'proxy-auth'
  | 'cancelled'
  | 'refused';

/**
 * Marks a DoctorError across bundles: each CLI command and the extension's lazy bundles carry their
 * own copy of this class, so `instanceof` checks the brand, not the constructor.
 */
const DOCTOR_ERROR = Symbol.for('mcp-ssl-doctor.DoctorError');

export class DoctorError extends Error {
  static override [Symbol.hasInstance](value: unknown): value is DoctorError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DOCTOR_ERROR] === true;
  }

  constructor(
    readonly kind: DoctorErrorKind,
    message: string,
    readonly detail?: { file?: string; line?: number; column?: number; reason?: string },
  ) {
    super(message);
    this.name = 'DoctorError';
    Object.defineProperty(this, DOCTOR_ERROR, { value: true });
  }
}

/** One logger, injected: a LogOutputChannel in the extension, stderr in the CLI. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}


/** One line for a person: where (file:line:column) and what. */
export function describeError(error: unknown): string {
  if (error instanceof DoctorError) {
    const { file, line, column } = error.detail ?? {};
    const where = file ? `${file}${line ? `:${line}${column ? `:${column}` : ''}` : ''}: ` : '';
    return `${where}${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
