import * as vscode from 'vscode';
import type { FixFlow } from './fixFlow';

/** Every command, registered in one place. */
export function registerCommands({ fixFlow, channel }: { fixFlow: FixFlow; channel: vscode.LogOutputChannel }): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('mcpSslDoctor.fix', () => fixFlow.run({})),
    vscode.commands.registerCommand('mcpSslDoctor.showChain', () => fixFlow.showLastChain()),
    vscode.commands.registerCommand('mcpSslDoctor.analyzeHost', () => fixFlow.analyzeHostCommand()),
    vscode.commands.registerCommand('mcpSslDoctor.undo', () => fixFlow.undoLast()),
    vscode.commands.registerCommand('mcpSslDoctor.showLog', () => channel.show()),
  ];
}
