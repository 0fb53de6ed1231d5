// Remote MCP servers: which TLS endpoint the host connects to, and whether the host trusts the root.
// Below core/doctor (which calls this, never the reverse: docs/ARCHITECTURE.md); the same URL rule as
// its `httpsTarget`, which could call remoteTarget.
import { HostPort, parseHostPort } from '../chain/hostPort';
import type { HostId } from '../fix/locations';
import { HOST_TRUST } from './hosts';
import { insecureInEnv } from './insecure';

export type RemoteTarget = HostPort;

export type RemoteUrlProblem =
  /** `http://` (or `ws://`): no TLS, nothing to trust (and the token travels in the clear). */
  | 'plain-http'
  | 'not-a-url'
  | 'unsupported-scheme';

function parse(url: string): { target: RemoteTarget } | { problem: RemoteUrlProblem } {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return { problem: 'not-a-url' };
  }
  if (parsed.protocol === 'http:' || parsed.protocol === 'ws:') return { problem: 'plain-http' };
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'wss:') return { problem: 'unsupported-scheme' };
  try {
    // URL.host is `name[:port]` or `[v6][:port]`: the project's one host:port parser reads it.
    return { target: parseHostPort(parsed.host, 443) };
  } catch {
    return { problem: 'not-a-url' };
  }
}

/** The TLS endpoint of a remote server's `url` (https/wss), or null. */
export function remoteTarget(url: string): RemoteTarget | null {
  const result = parse(url);
  return 'target' in result ? result.target : null;
}

/** Why remoteTarget gave null for this url (null when it gave a target). */
export function remoteUrlProblem(url: string): RemoteUrlProblem | null {
  const result = parse(url);
  return 'problem' in result ? result.problem : null;
}

export type HostTrustState = 'trusted' | 'needs-setting' | 'needs-os-store' | 'cloud' | 'unknown';

export type HostTrustStateReason =
  | 'cloud-connector'
  | 'claude-env-has-root'
  | 'claude-env-missing'
  | 'claude-env-without-root'
  | 'system-certificates-off'
  | 'system-certificates-on'
  | 'root-not-in-os-store'
  | 'unknown-host';

export interface HostTrustInput {
  /** As the host's Node sees it (honours SSL_CERT_FILE on Linux with the Node loader). */
  rootInOsStore: boolean;
  /** The editor's effective settings (user scope: these are `restricted`), e.g. from getConfiguration('http'). */
  editorSettings: Record<string, unknown>;
  /** `env` of `~/.claude/settings.json` (undefined: no file, or no env). */
  claudeSettingsEnv?: Record<string, string>;
  /** Whether a PEM file holds the root (the caller reads it with its own store code). */
  bundleHasRoot: (file: string) => Promise<boolean>;
}

export interface HostTrustVerdict {
  state: HostTrustState;
  reason: HostTrustStateReason;
  /** Settings that turn verification off in the host's env (a copy-paste "fix"): report them. */
  insecure: string[];
}

export async function hostTrustState(hostApp: HostId, input: HostTrustInput): Promise<HostTrustVerdict> {
  const row = HOST_TRUST[hostApp] as (typeof HOST_TRUST)[HostId] | undefined;
  if (!row) return { state: 'unknown', reason: 'unknown-host', insecure: [] };
  if (row.hostClass === 'cloud') return { state: 'cloud', reason: 'cloud-connector', insecure: [] };
  if (row.hostClass === 'claude-code') {
    const env = input.claudeSettingsEnv ?? {};
    const insecure = insecureInEnv(env).map((found) => found.setting);
    const file = env.NODE_EXTRA_CA_CERTS;
    if (!file) return { state: 'needs-setting', reason: 'claude-env-missing', insecure };
    return (await input.bundleHasRoot(file))
      ? { state: 'trusted', reason: 'claude-env-has-root', insecure }
      : { state: 'needs-setting', reason: 'claude-env-without-root', insecure };
  }
  // `http.proxyStrictSSL: false` stops the editor verifying what comes through the proxy.
  const insecure = input.editorSettings['http.proxyStrictSSL'] === false ? ['http.proxyStrictSSL=false'] : [];
  // The editor: `fetch` adds system certificates only while http.systemCertificates is on (default true).
  if (input.editorSettings['http.systemCertificates'] === false) return { state: 'needs-setting', reason: 'system-certificates-off', insecure };
  if (!input.rootInOsStore) return { state: 'needs-os-store', reason: 'root-not-in-os-store', insecure };
  return { state: 'trusted', reason: 'system-certificates-on', insecure };
}
