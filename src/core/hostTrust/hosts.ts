// Which host reaches a remote MCP server how: data, one row per host (adding a host is adding a row).
import type { EditorId, HostId } from '../hosts/locations';
import type { HostTrustClass } from './types';

export interface HostTrustRow {
  hostClass: HostTrustClass;
  /** The editor whose user settings.json holds the http.* settings (null: the caller must name the file). */
  editor: EditorId | null;
  /** The remote-server behaviour was measured in this host (code-server 4.139.1 stands for VS Code). */
  measured: boolean;
}

// Partial: the terminal agents and other editors of 2026 (codex, gemini-cli, ...) have no row yet —
// which trust their own clients honour for remote servers is not modelled; they count as unknown.
export const HOST_TRUST: Partial<Record<HostId, HostTrustRow>> = {
  vscode: { hostClass: 'editor', editor: 'Code', measured: true },
  'vscode-insiders': { hostClass: 'editor', editor: 'Code - Insiders', measured: true },
  vscodium: { hostClass: 'editor', editor: 'VSCodium', measured: true },
  cursor: { hostClass: 'editor', editor: 'Cursor', measured: false },
  windsurf: { hostClass: 'editor', editor: 'Windsurf', measured: false },
  kiro: { hostClass: 'editor', editor: 'Kiro', measured: false },
  // Extensions: their MCP client runs in the editor's extension host, whose fetch the editor patches.
  cline: { hostClass: 'editor', editor: null, measured: false },
  roo: { hostClass: 'editor', editor: null, measured: false },
  'claude-code': { hostClass: 'claude-code', editor: null, measured: true },
  'claude-desktop': { hostClass: 'cloud', editor: null, measured: false },
};
