// Which host reaches a remote MCP server how: data, one row per host (adding a host is adding a row).
import type { EditorId, HostId } from '../hosts/locations';
import type { HostProcessVariable, HostTrustClass } from './types';

/** What the own client of an `own-client` host trusts (confirmed from its source: `source`). */
export interface OwnClientTrust {
  /** It trusts the OS store as it is (no setting needed). */
  systemStore: boolean;
  /** A variable it reads at start that adds a PEM bundle to its roots. */
  extraVariable?: Exclude<HostProcessVariable, 'NODE_USE_SYSTEM_CA'>;
  /** A variable that makes it read the OS store (Node's NODE_USE_SYSTEM_CA=1: Node 22.19+ and 23.8+). */
  systemStoreVariable?: 'NODE_USE_SYSTEM_CA';
  source: string;
}

export interface HostTrustRow {
  hostClass: HostTrustClass;
  /** The editor whose user settings.json holds the http.* settings (null: the caller must name the file). */
  editor: EditorId | null;
  /** The remote-server behaviour was measured in this host (code-server 4.139.1 stands for VS Code). */
  measured: boolean;
  /** `own-client` hosts: what their client trusts. */
  ownClient?: OwnClientTrust;
}

// Partial: opencode, Goose, Amazon Q and LM Studio have no row — which trust their own clients honour for
// remote servers is not confirmed from their source (docs/research/hosts-2026.md); they count as unknown.
// Junie runs stdio servers only.
export const HOST_TRUST: Partial<Record<HostId, HostTrustRow>> = {
  vscode: { hostClass: 'editor', editor: 'Code', measured: true },
  'vscode-insiders': { hostClass: 'editor', editor: 'Code - Insiders', measured: true },
  vscodium: { hostClass: 'editor', editor: 'VSCodium', measured: true },
  cursor: { hostClass: 'editor', editor: 'Cursor', measured: false },
  windsurf: { hostClass: 'editor', editor: 'Windsurf', measured: false },
  kiro: { hostClass: 'editor', editor: 'Kiro', measured: false },
  // Extensions: their MCP client runs in the editor's extension host, whose fetch the editor patches.
  cline: { hostClass: 'editor', editor: null, measured: false },
  roo: { hostClass: 'editor', editor: null, measured: false },
  'claude-code': { hostClass: 'claude-code', editor: null, measured: true },
  'claude-desktop': { hostClass: 'cloud', editor: null, measured: false },
  // Codex: Streamable HTTP servers go through `build_reqwest_client_with_custom_ca`, which adds every certificate of
  // $CODEX_CA_CERTIFICATE (else $SSL_CERT_FILE) to the roots and otherwise uses the system roots —
  // openai/codex@0809996221c0b9ae01c0d0265cd494597da71cd9:codex-rs/rmcp-client/src/streamable_http/local_client.rs
  // (`LocalStreamableHttpClient::new`), openai/codex@e6446a99c065fbff1f8120c18b91204cf43347eb:codex-rs/codex-client/src/custom_ca.rs
  // (`add_root_certificate`; "unset it to use system roots"). Codex reads them from its own environment: config.toml sets none.
  codex: {
    hostClass: 'own-client',
    editor: null,
    measured: false,
    ownClient: { systemStore: true, extraVariable: 'CODEX_CA_CERTIFICATE', source: 'openai/codex codex-rs/rmcp-client/src/streamable_http/local_client.rs, codex-rs/codex-client/src/custom_ca.rs' },
  },
  // Gemini CLI: remote servers through Node's fetch (undici) in the gemini process — google-gemini/gemini-cli@5411f113
  // packages/core/src/tools/mcp-client.ts L2189-2221 — so Node's bundled roots plus NODE_EXTRA_CA_CERTS, or the OS store
  // with NODE_USE_SYSTEM_CA=1; its troubleshooting guide says exactly these two (docs/troubleshooting.md
  // "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", google-gemini/gemini-cli#6157 and #16069 — NODE_USE_SYSTEM_CA=1 preferred).
  'gemini-cli': {
    hostClass: 'own-client',
    editor: null,
    measured: false,
    ownClient: { systemStore: false, extraVariable: 'NODE_EXTRA_CA_CERTS', systemStoreVariable: 'NODE_USE_SYSTEM_CA', source: 'google-gemini/gemini-cli packages/core/src/tools/mcp-client.ts; docs/troubleshooting.md; #6157, #16069' },
  },
  // Copilot CLI (a Node single-executable): its CA loader combines tls.getCACertificates("system"), "bundled" and
  // "extra" (NODE_EXTRA_CA_CERTS) on every start — github/copilot-cli#3330 (the loader described), #1250 (its stack:
  // `Module.getCACertificates` from the CLI's index.js), #869 (the combined certificates).
  'copilot-cli': {
    hostClass: 'own-client',
    editor: null,
    measured: false,
    ownClient: { systemStore: true, extraVariable: 'NODE_EXTRA_CA_CERTS', source: 'github/copilot-cli#3330, #1250, #869' },
  },
  // Zed: its HTTP client verifies with rustls-platform-verifier (the OS's own verifier and store), falling back to
  // bundled webpki roots only when that cannot load — zed-industries/zed@2f5e11d89e365a7afb71bb33a074a3256242787d:
  // crates/http_client_tls/src/http_client_tls.rs (`tls_config`). No variable of its own.
  zed: {
    hostClass: 'own-client',
    editor: null,
    measured: false,
    ownClient: { systemStore: true, source: 'zed-industries/zed crates/http_client_tls/src/http_client_tls.rs' },
  },
};
