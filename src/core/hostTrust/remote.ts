// Remote MCP servers: whether the host trusts the root (the TLS endpoint of a url: ./url.ts).
import type { HostId } from '../hosts/locations';
import { HOST_TRUST } from './hosts';
import { insecureInEnv } from './insecure';

export { remoteTarget, remoteUrlProblem, type RemoteTarget, type RemoteUrlProblem } from './url';

export type HostTrustState = 'trusted' | 'needs-setting' | 'needs-os-store' | 'cloud' | 'unknown';

export type HostTrustStateReason =
  | 'cloud-connector'
  | 'claude-env-has-root'
  | 'claude-env-missing'
  | 'claude-env-without-root'
  | 'system-certificates-off'
  | 'system-certificates-on'
  | 'root-not-in-os-store'
  | 'host-reads-os-store'
  | 'host-env-has-root'
  | 'host-env-reads-os-store'
  | 'host-env-missing'
  | 'unknown-host';

export interface HostTrustInput {
  /** As the host's Node sees it (honours SSL_CERT_FILE on Linux with the Node loader). */
  rootInOsStore: boolean;
  /** The editor's effective settings (user scope: these are `restricted`), e.g. from getConfiguration('http'). */
  editorSettings: Record<string, unknown>;
  /** `env` of `~/.claude/settings.json` (undefined: no file, or no env). */
  claudeSettingsEnv?: Record<string, string>;
  /** The environment the host runs with, when known (an `own-client` host reads its trust from it). */
  hostEnv?: Record<string, string>;
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
  if (row.hostClass === 'own-client') {
    const own = row.ownClient;
    const env = input.hostEnv ?? {};
    const insecure = insecureInEnv(env).map((found) => found.setting);
    if (own?.systemStore && input.rootInOsStore) return { state: 'trusted', reason: 'host-reads-os-store', insecure };
    const file = own?.extraVariable ? env[own.extraVariable] : undefined;
    if (file && (await input.bundleHasRoot(file))) return { state: 'trusted', reason: 'host-env-has-root', insecure };
    if (own?.systemStoreVariable && env[own.systemStoreVariable] === '1' && input.rootInOsStore) return { state: 'trusted', reason: 'host-env-reads-os-store', insecure };
    return own?.systemStore ? { state: 'needs-os-store', reason: 'root-not-in-os-store', insecure } : { state: 'needs-setting', reason: 'host-env-missing', insecure };
  }
  // `http.proxyStrictSSL: false` stops the editor verifying what comes through the proxy.
  const insecure = input.editorSettings['http.proxyStrictSSL'] === false ? ['http.proxyStrictSSL=false'] : [];
  // The editor: `fetch` adds system certificates only while http.systemCertificates is on (default true).
  if (input.editorSettings['http.systemCertificates'] === false) return { state: 'needs-setting', reason: 'system-certificates-off', insecure };
  if (!input.rootInOsStore) return { state: 'needs-os-store', reason: 'root-not-in-os-store', insecure };
  return { state: 'trusted', reason: 'system-certificates-on', insecure };
}
