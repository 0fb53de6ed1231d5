// Runs inside a real VS Code (Electron) downloaded by @vscode/test-electron: `npm run test:electron`.
// Mocha (tdd interface) is provided by the test runner in the extension host.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

declare function suite(name: string, body: () => void): void;
declare function test(name: string, body: () => Promise<void> | void): void;

const EXTENSION_ID = 'mcp-ssl-doctor.mcp-ssl-doctor';

interface ContributedCommand {
  command: string;
  title: string;
}

function extension(): vscode.Extension<unknown> {
  const found = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(found, `${EXTENSION_ID} is not installed in the test instance`);
  return found;
}

suite('mcp-ssl-doctor in VS Code', () => {
  test('activates without throwing', async () => {
    const ext = extension();
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  test('registers every command it contributes', async () => {
    const ext = extension();
    await ext.activate();
    const contributed = (ext.packageJSON as { contributes: { commands: ContributedCommand[] } }).contributes.commands
      .map((entry) => entry.command);
    assert.ok(contributed.includes('mcpSslDoctor.fix'), 'mcpSslDoctor.fix is not contributed');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((command) => !registered.has(command));
    assert.deepEqual(missing, [], 'contributed but not registered at activation');
  });
});
