// Host-level trust for remote MCP servers (docs/design.md "Trust belongs to the host for remote servers"):
// the MCP host connects itself, so the fix goes into the host (its settings, its environment, the OS
// store), never into a server entry. Reason codes are strings; each front end words them.
import type { HostId } from '../hosts/locations';

/** The editor settings that make VS Code's patched `fetch` add OS certificates (measured: docs/remote-servers.md). */
export const SYSTEM_CERTIFICATE_SETTINGS = [
  'http.systemCertificates',
  'http.systemCertificatesNode',
  'http.experimental.systemCertificatesV2',
] as const;

export type SystemCertificateSetting = (typeof SYSTEM_CERTIFICATE_SETTINGS)[number];

/** How a host reaches a remote MCP server, hence where its trust lives. */
export type HostTrustClass =
  /** A VS Code family editor (or an extension inside one): the extension host's patched `fetch`. */
  | 'editor'
  /** Claude Code: a Node process; `env` of `~/.claude/settings.json` is applied to it and its children. */
  | 'claude-code'
  /** Claude Desktop: connectors added in the app connect from the vendor's cloud. */
  | 'cloud'
  /**
   * A terminal agent or an editor outside the VS Code family that connects with its own client (Codex,
   * Gemini CLI, Copilot CLI, Zed): it trusts the OS store or not, and reads a variable from the environment
   * it is started with (hosts.ts `ownClient`). Nothing in its config reaches that client.
   */
  | 'own-client';

export interface HostTrustRoot {
  pem: string;
  subject: string;
  /** Lowercase hex, no separators. */
  sha256: string;
}

export type EditorSettingStep = {
  kind: 'editor-setting';
  /** The user settings.json (these settings are read from user scope only: `restricted: true`). */
  file: string;
  key: SystemCertificateSetting;
  value: true;
};

export type ClaudeCodeEnvStep = {
  kind: 'claude-code-env';
  file: string;
  variable: 'NODE_EXTRA_CA_CERTS';
  value: string;
};

export type LinuxFamily = 'debian' | 'fedora';

export type OsStoreStep = {
  kind: 'os-store';
  platform: NodeJS.Platform;
  /** A file holding only the root, written by apply before the command runs (the store takes one certificate). */
  certFile: string;
  certPem: string;
  /** Run without a shell. On Linux: `sh -c` with the admin command (shown, not run). */
  argv: string[];
  /** False on Linux: there is no per-user store, an administrator runs `command`. */
  runsHere: boolean;
  /** The command as a person would type it. */
  command: string;
  undoArgv: string[];
  undoCommand: string;
  /** Run after undoArgv (macOS: remove the certificate itself once its trust setting is gone). */
  undoCleanupArgv?: string[];
  /** Linux: the same for other distribution families (the first is `argv`). */
  alternatives?: { family: LinuxFamily; argv: string[]; command: string; undoArgv: string[]; undoCommand: string }[];
};

export type EditorProcessEnvStep = {
  kind: 'editor-process-env';
  variable: 'SSL_CERT_FILE';
  value: string;
  /** Reason code: what a person must know before doing it. */
  note: 'replaces-os-bundle-for-editor';
};

/** Variables a host's own client reads when it starts (hosts.ts `ownClient`). */
export type HostProcessVariable = 'CODEX_CA_CERTIFICATE' | 'NODE_EXTRA_CA_CERTS' | 'NODE_USE_SYSTEM_CA';

/** A variable for the environment the host is started with: shown, never written (no shell profile is edited). */
export type HostProcessEnvStep = {
  kind: 'host-process-env';
  variable: HostProcessVariable;
  value: string;
  /** Reason code: the client adds the bundle to the roots it trusts, or reads the OS store (which holds the root). */
  note: 'adds-bundle' | 'reads-os-store';
  /** Another step of the plan does the same (the OS store step, NODE_USE_SYSTEM_CA): either one suffices. */
  alternative: boolean;
};

export type ExplainCode =
  /** Claude Desktop connectors connect from the vendor's cloud: nothing local to fix. */
  | 'cloud-connector'
  /** A local `mcp-remote` bridge is a Node stdio server: the ordinary per-server fix applies. */
  | 'local-bridge-is-stdio'
  /** Claude Code reads `env` after it started: reported not to reach its own connections on some versions. */
  | 'claude-settings-env-read-late'
  /** The editor offers none of the system-certificate settings: only the process environment helps. */
  | 'no-system-certificates-setting'
  /** The host's own client trusts the OS store and the root is there: restarting it is all. */
  | 'host-reads-os-store'
  /** The host reads the variables only from the environment it starts in: the tool writes no shell profile. */
  | 'host-env-not-written';

export type ExplainStep = { kind: 'explain'; code: ExplainCode };

export type HostTrustStep = EditorSettingStep | ClaudeCodeEnvStep | OsStoreStep | EditorProcessEnvStep | HostProcessEnvStep | ExplainStep;

export type HostTrustReason =
  | 'editor-host'
  | 'claude-code-host'
  | 'cloud-host'
  | 'own-client-host'
  | 'root-in-os-store'
  | 'root-not-in-os-store'
  | 'no-per-user-store'
  | 'settings-feature-detected'
  | 'settings-assumed'
  | 'not-measured-in-this-host';

export interface HostTrustPlan {
  hostApp: HostId;
  hostClass: HostTrustClass;
  /** Whose undo folder records the edits (`undoDir(home, platform)`). */
  home: string;
  platform: NodeJS.Platform;
  root: { subject: string; sha256: string };
  /** In order: what to do first comes first. */
  steps: HostTrustStep[];
  reasons: HostTrustReason[];
}
