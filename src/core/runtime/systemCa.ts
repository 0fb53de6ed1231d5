// The runtime's own OS store: the most durable trust is none the tool writes — the runtime reads the
// store IT already manages. Which runtime version can, and the variable that turns it on:
// - Node ≥ 22.19 (22.x) / ≥ 24.6: NODE_USE_SYSTEM_CA=1 (https://nodejs.org/api/cli.html#node_use_system_ca1;
//   the --use-system-ca flag came earlier, 22.15 / 23.8, but a flag cannot go into an MCP entry's env);
// - Deno ≥ 1.13: DENO_TLS_CA_STORE=system,mozilla (the OS store, then Deno's own roots).
// Python has no such switch in its standard library (pip ≥ 24.2 uses truststore by itself; uv ≥ 0.11's
// UV_SYSTEM_CERTS covers uv's own downloads only), Bun's version rule is not known here, and a docker
// image has its own store: they keep the bundle. The version is the server's own runtime's, as the
// runtime check reported it ("node v24.6.0", "deno 2.1.4"), never the tool's.
import type { ServerRuntime } from './detect';

/** `auto`: the OS store where the server's runtime reads it, the root is there and the runtime check proves it, else the bundle. */
export type TrustMode = 'auto' | 'bundle' | 'os-store';

export const TRUST_MODES: readonly TrustMode[] = ['auto', 'bundle', 'os-store'];

export interface OsStoreSwitch {
  /** What to set in the server's env. */
  env: Record<string, string>;
  /** The first versions that read it, for a person. */
  since: string;
}

const SWITCHES: Partial<Record<ServerRuntime, OsStoreSwitch & { supports: (version: number[]) => boolean }>> = {
  node: {
    env: { NODE_USE_SYSTEM_CA: '1' },
    since: 'Node 22.19 / 24.6',
    supports: ([major = 0, minor = 0]) => (major === 22 && minor >= 19) || (major === 24 && minor >= 6) || major >= 25,
  },
  deno: {
    env: { DENO_TLS_CA_STORE: 'system,mozilla' },
    since: 'Deno 1.13',
    supports: ([major = 0, minor = 0]) => major > 1 || (major === 1 && minor >= 13),
  },
};

/** The variable the runtime would read the OS store by (to try), whatever its version. */
export function osStoreSwitchOf(runtime: ServerRuntime): OsStoreSwitch | null {
  const row = SWITCHES[runtime];
  return row ? { env: row.env, since: row.since } : null;
}

/** "node v24.6.0", "v22.19.0", "deno 2.1.4 (stable, …)": the version numbers, or null. */
export function versionOf(reported: string, runtime: ServerRuntime): number[] | null {
  const match = new RegExp(`^(?:${runtime} )?v?(\\d+)\\.(\\d+)\\.(\\d+)`).exec(reported.trim());
  return match ? match.slice(1, 4).map(Number) : null;
}

/** The switch when the runtime, at the version it reported, reads the OS store; null otherwise. */
export function osStoreSwitch(runtime: ServerRuntime, reported: string | null): OsStoreSwitch | null {
  const row = SWITCHES[runtime];
  const version = reported ? versionOf(reported, runtime) : null;
  return row && version && row.supports(version) ? { env: row.env, since: row.since } : null;
}

/** The variable of an env that turns the runtime's OS store on, as the tool writes it (undefined when none). */
export function osStoreVariableIn(runtime: ServerRuntime, env: Record<string, string | undefined>): string | undefined {
  const row = SWITCHES[runtime];
  if (!row) return undefined;
  return Object.entries(row.env).every(([name, value]) => env[name] === value) ? Object.keys(row.env)[0] : undefined;
}
