import * as vscode from 'vscode';
import * as path from 'node:path';
import type { Finding } from '../core/types';
import { CONFIG_NAME } from './configNames';
import type { EditorDoctor, EditorDoctorDeps } from './editorDoctor';

const COMMANDS = ['checkMachine', 'refreshView', 'fixServer', 'showChainOf', 'openConfig', 'undoConfig', 'removeInsecure'];

/**
 * The servers view, "Check This Machine" and the config files' diagnostics, with their code in
 * dist/editorDoctor.js: required when the view is first shown, a command runs, or an MCP config opens.
 */
export function registerEditorDoctor(deps: Omit<EditorDoctorDeps, 'failures'>, logs: { onDidFind: vscode.Event<Finding> }): vscode.Disposable[] {
  let doctor: EditorDoctor | undefined;
  // Kept from activation on: a server whose log shows a TLS failure fails now (doctor reads the same logs).
  const failures = new Map<string, Finding>();
  const changed = new vscode.EventEmitter<undefined>();
  const view = vscode.window.createTreeView<unknown>('mcpSslDoctor.servers', {
    treeDataProvider: { onDidChangeTreeData: changed.event, getChildren: (node) => load().getChildren(node), getTreeItem: (node) => load().getTreeItem(node) },
    showCollapseAll: true,
  });
  const load = (): EditorDoctor =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (doctor ??= (require(path.join(__dirname, 'editorDoctor.js')) as typeof import('./editorDoctor')).createEditorDoctor({ ...deps, failures }, view, changed));
  const opened = (document: vscode.TextDocument): void => {
    if (CONFIG_NAME.test(document.fileName)) load().opened(document);
  };
  for (const document of vscode.workspace.textDocuments ?? []) opened(document);
  return [
    changed,
    view,
    ...COMMANDS.map((id) => vscode.commands.registerCommand(`mcpSslDoctor.${id}`, (...args: unknown[]) => load().command(id, args))),
    vscode.workspace.onDidOpenTextDocument(opened),
    vscode.workspace.onDidChangeTextDocument(({ document }) => {
      if (CONFIG_NAME.test(document.fileName)) load().edited(document);
    }),
    vscode.workspace.onDidCloseTextDocument((document) => doctor?.closed(document)),
    logs.onDidFind((finding) => {
      if (!finding.server || (finding.kind !== 'untrusted-ca' && finding.kind !== 'strict-ca')) return;
      failures.set(finding.server, finding);
      doctor?.failureSeen();
    }),
    { dispose: () => doctor?.dispose() },
  ];
}
