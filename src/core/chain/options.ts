// The option and result types of chain analysis, in a file of their own: the modules that
// implement analysis import these, and index.ts re-exports them (no import circles).

export interface ProbeOptions {
  host: string;
  port: number;
  /** SNI; defaults to host when it is a name. */
  servername?: string;
  /** Explicit proxy URL (http://user:pass@host:port); null = direct; undefined = from env (HTTPS_PROXY, NO_PROXY...). */
  proxy?: string | null;
  /** Environment to read proxy variables from; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface AnalyzeOptions extends ProbeOptions {
  /** Replace the OS store with the certificates of this PEM file (tests, admins). Else MCP_SSL_DOCTOR_SYSTEM_CA from env. */
  systemCaFile?: string;
  /** Replace the public roots with the certificates of this PEM file (tests). */
  publicCaFile?: string;
}

export interface VerifyResult {
  ok: boolean;
  /** The TLS error when not ok (e.g. UNABLE_TO_GET_ISSUER_CERT_LOCALLY). */
  error?: string;
}
