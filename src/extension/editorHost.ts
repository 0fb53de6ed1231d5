/** The MCP host this editor is, for the host-level trust its own settings give (Cursor, else the VS Code family). */
export function editorHostApp(appName: string): 'vscode' | 'cursor' {
  return /cursor/i.test(appName) ? 'cursor' : 'vscode';
}

/** Whether a config's remote servers are this editor's to trust through its own settings. */
export function isThisEditor(hostApp: string, appName: string): boolean {
  const own = editorHostApp(appName);
  return own === 'cursor' ? hostApp === 'cursor' : hostApp === 'vscode' || hostApp === 'vscode-insiders' || hostApp === 'vscodium';
}
