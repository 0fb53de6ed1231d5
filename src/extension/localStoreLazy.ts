import * as path from 'node:path';
import * as vscode from 'vscode';

/**
 * TEST SEAM: code-server has no remote split, so the integration test makes the extension treat its
 * window as remote with this variable (e.g. `dev-container`). Real windows: `vscode.env.remoteName`.
 */
export const TEST_REMOTE_NAME_ENV = 'MCP_SSL_DOCTOR_REMOTE_NAME';

/** Whether the remote name comes from the test seam (the companion then runs on the same side). */
export function remoteNameIsTestSeam(): boolean {
  return Boolean(process.env[TEST_REMOTE_NAME_ENV]);
}

/** The remote the extension runs in (`dev-container`, `ssh-remote`, `wsl`...), undefined in a local window. */
export function remoteWindowName(): string | undefined {
  return process.env[TEST_REMOTE_NAME_ENV] || vscode.env.remoteName || undefined;
}

type LocalStoreModule = typeof import('./localStore');
let loaded: LocalStoreModule | undefined;

/** dist/localStore.js (the local store's answer in a remote window, the devcontainer.json fix), required on first use. */
export function localStoreModule(): LocalStoreModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require(path.join(__dirname, 'localStore.js')) as LocalStoreModule;
  return loaded;
}
