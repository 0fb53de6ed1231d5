import * as vscode from 'vscode';
import * as path from 'node:path';
import { CONFIG_NAME } from './configNames';
import type { EditorDoctor, EditorDoctorDeps } from './editorDoctor';

const COMMANDS = ['checkMachine', 'refreshView', 'fixServer', 'showChainOf', 'openConfig', 'undoConfig', 'removeInsecure'];

/**
 * The servers view, "Check This Machine" and the config files' diagnostics, with their code in
 * dist/editorDoctor.js: required when the view is first shown, a command runs, or an MCP config opens.
 */
export function registerEditorDoctor(deps: EditorDoctorDeps): vscode.Disposable[] {
  let doctor: EditorDoctor | undefined;
  const changed = new vscode.EventEmitter<undefined>();
  const view = vscode.window.createTreeView<unknown>('mcpSslDoctor.servers', {
    treeDataProvider: { onDidChangeTreeData: changed.event, getChildren: (node) => load().getChildren(node), getTreeItem: (node) => load().getTreeItem(node) },
    showCollapseAll: true,
  });
  const load = (): EditorDoctor =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (doctor ??= (require(path.join(__dirname, 'editorDoctor.js')) as typeof import('./editorDoctor')).createEditorDoctor(deps, view, changed));
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
    { dispose: () => doctor?.dispose() },
  ];
}
