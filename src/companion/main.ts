// The UI-side companion of mcp-ssl-doctor (extensionKind ui first): in a remote window (dev
// container, Remote-SSH, WSL) the main extension runs on the remote side, where no store holds the
// laptop's root. It asks this one, which runs where the window runs, through two commands (arguments
// and answers cross the remote boundary as JSON): does the local OS store hold a root of this SHA-256
// (yes/no, its subject — never a list), and write that root as a bundle for a dev container's mount.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { storeHolds, writeLocalBundle } from './lookup';

/** Where this companion runs: `ui` on the local machine; `workspace` when the editor had no local host for it. */
function side(context: vscode.ExtensionContext): 'ui' | 'workspace' {
  return context.extension.extensionKind === vscode.ExtensionKind.UI ? 'ui' : 'workspace';
}

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('mcpSslDoctorLocal.storeHolds', async (sha256: unknown) => ({ ...(await storeHolds(sha256)), side: side(context) })),
    vscode.commands.registerCommand('mcpSslDoctorLocal.writeBundle', async (sha256: unknown) => {
      const written = await writeLocalBundle(sha256, os.homedir());
      return written ? { ...written, side: side(context) } : undefined;
    }),
  );
}

export function deactivate(): void {
  // nothing held
}
