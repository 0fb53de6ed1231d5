// The editor's doctor stays off the activation path: activating dist/extension.js (in the vscode
// stand-in) registers its view and commands but does not load dist/editorDoctor.js; an opened file
// loads it only when some MCP host keeps servers in a file of that name (every location row).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { USER_LOCATIONS, WORKSPACE_LOCATIONS } from '../../src/core/hosts/locations';
import { CONFIG_NAME } from '../../src/extension/configNames';
import { ensureBuiltCli, REPO } from '../support/builtCli';
import { createStandIn, fakeContext, installStandIn } from '../support/vscodeStandIn';

describe('the editor doctor loads on first use', () => {
  it('every file name a location row names (and ~/.claude.json, settings, workspaces) counts as an MCP config; others do not', () => {
    // JSON configs only: TOML (Codex) and YAML (Goose) get no diagnostics yet (configNames.ts says why).
    const files = [...WORKSPACE_LOCATIONS, ...USER_LOCATIONS].map((row) => path.join('/x', ...row.path.map((part) => (part === '*' ? 'any.json' : part)))).filter((file) => !/\.(toml|ya?ml)$/.test(file));
    for (const file of [...files, '/h/.claude.json', '/w/a.code-workspace', 'C:\\Users\\u\\.cursor\\mcp.json']) assert.match(file, CONFIG_NAME, file);
    for (const file of ['/w/package.json', '/w/tsconfig.json', '/w/.vscode/launch.json', '/w/mcp.json.bak']) assert.doesNotMatch(file, CONFIG_NAME, file);
  });

  it('activation registers the view and the commands without requiring dist/editorDoctor.js', () => {
    ensureBuiltCli();
    const standIn = createStandIn({ settings: { 'mcpSslDoctor.autoDetect': false, 'mcpSslDoctor.preflight': false } });
    const uninstall = installStandIn(standIn);
    const views: string[] = [];
    (standIn.api.window as Record<string, unknown>).createTreeView = (id: string) => {
      views.push(id);
      return { dispose: () => undefined };
    };
    const context = fakeContext(REPO, path.join(REPO, '.bench', 'logs'));
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require(path.join(REPO, 'dist', 'extension.js')) as { activate(context: unknown): void }).activate(context);
      assert.deepEqual(views, ['mcpSslDoctor.servers']);
      for (const command of ['checkMachine', 'refreshView', 'fixServer', 'showChainOf', 'openConfig', 'undoConfig', 'removeInsecure']) assert.ok(standIn.commands.has(`mcpSslDoctor.${command}`), command);
      const loaded = Object.keys(require.cache).filter((file) => file.startsWith(path.join(REPO, 'dist')));
      assert.ok(loaded.includes(path.join(REPO, 'dist', 'extension.js')));
      assert.ok(!loaded.includes(path.join(REPO, 'dist', 'editorDoctor.js')), `loaded at activation: ${loaded.join(', ')}`);
    } finally {
      for (const disposable of context.subscriptions as { dispose(): void }[]) disposable.dispose();
      uninstall();
    }
  });
});
