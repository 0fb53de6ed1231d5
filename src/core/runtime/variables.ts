// Which CA variables each runtime reads: the one table the plan, the trust check, the runtime check
// and undo use. Adding a runtime is adding a row (and its launchers in detect.ts).
import type { ServerRuntime } from './detect';

/**
 * What to set per runtime.
 * - Python: SSL_CERT_FILE (OpenSSL, httpx, uv) + REQUESTS_CA_BUNDLE (requests reads certifi
 *   otherwise); both replace the store, hence the combined bundle.
 * - Node reads only NODE_EXTRA_CA_CERTS (adds to its roots; https://nodejs.org/api/cli.html#node_extra_ca_certsfile).
 * - Bun: the server's own process honours NODE_EXTRA_CA_CERTS (oven-sh/bun's test
 *   `describe("NODE_EXTRA_CA_CERTS")`: node:tls, fetch and Bun.connect load it; Bun 1.0 did not,
 *   oven-sh/bun#7124). Bun's package download (`bunx`, `bun install`) is another client: its CA
 *   comes from bunfig.toml `[install] cafile` / `ca` (https://bun.sh/docs/runtime/bunfig), `.npmrc`
 *   `cafile` (https://bun.sh/docs/pm/npmrc) or `bun install --cafile`, and it has ignored
 *   NODE_EXTRA_CA_CERTS in releases (oven-sh/bun#17325, oven-sh/bun#24581): see BUN_INSTALL_CA.
 * - Deno: DENO_CERT.
 * - Unknown (a Go/Rust binary, a shell script): SSL_CERT_FILE, read by OpenSSL, Go on Linux and
 *   rustls-native-certs, plus NODE_EXTRA_CA_CERTS in case a script starts Node. With the combined
 *   bundle neither removes public trust.
 * - Docker: the image's runtime is unknown, so all of Python's and Node's, pointing inside the container.
 */
export const RUNTIME_VARIABLES: Record<ServerRuntime, string[]> = {
  python: ['SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE'],
  node: ['NODE_EXTRA_CA_CERTS'],
  bun: ['NODE_EXTRA_CA_CERTS'],
  deno: ['DENO_CERT'],
  docker: ['SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE', 'NODE_EXTRA_CA_CERTS'],
  unknown: ['SSL_CERT_FILE', 'NODE_EXTRA_CA_CERTS'],
};

/** The variables a runtime's default TLS client reads for its trust (Python: OpenSSL's pair; REQUESTS_CA_BUNDLE is requests' own). */
export const TRUST_VARIABLES: Record<ServerRuntime, string[]> = {
  ...RUNTIME_VARIABLES,
  python: ['SSL_CERT_FILE', 'SSL_CERT_DIR'],
};

/** Where Bun's package download (`bunx`, `bun install`) takes a CA from: bunfig.toml, not the environment. */
export const BUN_INSTALL_CA = { file: 'bunfig.toml', key: '[install] cafile', global: '~/.bunfig.toml' } as const;

/** Every variable that points a runtime at a CA file: an existing different value is reported. */
export const CA_VARIABLES = [
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
  'NODE_EXTRA_CA_CERTS',
  'DENO_CERT',
  'AWS_CA_BUNDLE',
  'PIP_CERT',
  'GIT_SSL_CAINFO',
];
