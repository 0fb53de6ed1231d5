// @vscode/test-cli configuration for the Electron suite (test/electron), run by
// `npm run test:electron` (scripts/run-electron-tests.mjs), which bundles the tests to out/ first and
// downloads VS Code (or says plainly that it cannot). The suite that runs on machines without that
// download is test/integration (code-server), part of `npm test`.
import { defineConfig } from '@vscode/test-cli';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const executable = process.env.MCP_SSL_DOCTOR_VSCODE_EXECUTABLE;

export default defineConfig({
  label: 'electron',
  files: 'out/test/electron/**/*.test.js',
  version: process.env.MCP_SSL_DOCTOR_VSCODE_VERSION ?? 'stable',
  ...(executable ? { useInstallation: { fromPath: executable } } : {}),
  extensionDevelopmentPath: '.',
  workspaceFolder: mkdtempSync(join(tmpdir(), 'mcp-ssl-doctor-electron-ws-')),
  launchArgs: ['--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  mocha: { ui: 'tdd', timeout: 60_000 },
});
