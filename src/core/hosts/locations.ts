// Where MCP hosts keep their configs (docs/research/editors-and-mcp-hosts.md). Data, not code: adding
// a host is adding a row. `resolvesVariables`: whether the host expands `${userHome}` in env
// values, so a bundle path under home can be written `${userHome}/...` (paths.ts configPathOf):
// - VS Code (mcp.json, settings.json): measured in code-server 4.139.1 (docs/testbed.md).
// - Cursor (.cursor/mcp.json, ~/.cursor/mcp.json): documented, "Config interpolation" —
//   `${env:NAME}`, `${userHome}`, `${workspaceFolder}`, `${workspaceFolderBasename}`, `${/}` in
//   command, args, env, url and headers: https://cursor.com/docs/context/mcp#config-interpolation
//   (`${userHome}` rather than `${env:HOME}`: Windows sets no HOME). Builds from before that
//   feature (mid-2025) pass the text through literally.
// - Everyone else: unconfirmed, so false (the path is absolute and machine-specific).

export type HostId =
  | 'vscode'
  | 'vscode-insiders'
  | 'vscodium'
  | 'cursor'
  | 'claude-desktop'
  | 'claude-code'
  | 'windsurf'
  | 'cline'
  | 'roo'
  | 'kiro';

export type Scope = 'workspace' | 'user';

/** A path relative to a workspace folder. */
export interface WorkspaceRow {
  host: HostId;
  path: string[];
  resolvesVariables: boolean;
}

/** A path relative to a base folder of the user: home, or an editor's userData. */
export interface UserRow {
  host: HostId;
  base: 'home' | 'userData' | 'appData';
  path: string[];
  resolvesVariables: boolean;
  /** Only for these editors' userData (VS Code family). */
  editors?: EditorId[];
}

export type EditorId = 'Code' | 'Code - Insiders' | 'VSCodium' | 'Cursor' | 'Windsurf' | 'Kiro';

export const EDITOR_HOST: Record<EditorId, HostId> = {
  Code: 'vscode',
  'Code - Insiders': 'vscode-insiders',
  VSCodium: 'vscodium',
  Cursor: 'cursor',
  Windsurf: 'windsurf',
  Kiro: 'kiro',
};

export const WORKSPACE_LOCATIONS: WorkspaceRow[] = [
  { host: 'vscode', path: ['.vscode', 'mcp.json'], resolvesVariables: true },
  { host: 'claude-code', path: ['.mcp.json'], resolvesVariables: false },
  { host: 'cursor', path: ['.cursor', 'mcp.json'], resolvesVariables: true },
  { host: 'roo', path: ['.roo', 'mcp.json'], resolvesVariables: false },
  { host: 'kiro', path: ['.kiro', 'settings', 'mcp.json'], resolvesVariables: false },
];

const VSCODE_FAMILY: EditorId[] = ['Code', 'Code - Insiders', 'VSCodium'];
const ALL_EDITORS: EditorId[] = ['Code', 'Code - Insiders', 'VSCodium', 'Cursor', 'Windsurf', 'Kiro'];

export const USER_LOCATIONS: UserRow[] = [
  { host: 'vscode', base: 'userData', path: ['User', 'mcp.json'], resolvesVariables: true, editors: VSCODE_FAMILY },
  // Profiles: User/profiles/<id>/mcp.json, expanded by discover.
  { host: 'vscode', base: 'userData', path: ['User', 'profiles', '*', 'mcp.json'], resolvesVariables: true, editors: VSCODE_FAMILY },
  // 1.99–1.101 kept servers in settings.json (`mcp.servers`); discover keeps it only if it has them.
  { host: 'vscode', base: 'userData', path: ['User', 'settings.json'], resolvesVariables: true, editors: VSCODE_FAMILY },
  {
    host: 'cline',
    base: 'userData',
    path: ['User', 'globalStorage', 'saoudrizwan.claude-dev', 'settings', 'cline_mcp_settings.json'],
    resolvesVariables: false,
    editors: ALL_EDITORS,
  },
  {
    host: 'roo',
    base: 'userData',
    path: ['User', 'globalStorage', 'rooveterinaryinc.roo-cline', 'settings', 'mcp_settings.json'],
    resolvesVariables: false,
    editors: ALL_EDITORS,
  },
  { host: 'cline', base: 'home', path: ['.cline', 'data', 'settings', 'cline_mcp_settings.json'], resolvesVariables: false },
  { host: 'cursor', base: 'home', path: ['.cursor', 'mcp.json'], resolvesVariables: true },
  { host: 'windsurf', base: 'home', path: ['.codeium', 'windsurf', 'mcp_config.json'], resolvesVariables: false },
  { host: 'kiro', base: 'home', path: ['.kiro', 'settings', 'mcp.json'], resolvesVariables: false },
  { host: 'claude-desktop', base: 'appData', path: ['Claude', 'claude_desktop_config.json'], resolvesVariables: false },
];

/**
 * The per-OS folder that holds editors' userData and Claude Desktop's config:
 * macOS ~/Library/Application Support, Windows %APPDATA%, Linux $XDG_CONFIG_HOME or ~/.config.
 */
export function appDataDir(platform: NodeJS.Platform, home: string, env: NodeJS.ProcessEnv, join: (...parts: string[]) => string): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support');
  if (platform === 'win32') return env.APPDATA ?? join(home, 'AppData', 'Roaming');
  return env.XDG_CONFIG_HOME ?? join(home, '.config');
}

/**
 * The `resolvesVariables` of the location row a config file sits at, judged by the path's tail
 * (`.../.cursor/mcp.json`, `.../User/profiles/x/mcp.json`), whatever the folder above it; the
 * longest matching row wins. `undefined` for a file at no known location (`fix --config any.json`).
 */
export function locationResolvesVariables(file: string): boolean | undefined {
  return locationOfFile(file)?.resolvesVariables;
}

/** The location row (host, variables) a config file sits at, by the path's tail; longest match wins. */
export function locationOfFile(file: string): Pick<WorkspaceRow, 'host' | 'resolvesVariables'> | undefined {
  const segments = file.split(/[\\/]+/).filter((segment) => segment !== '');
  let best: (Pick<WorkspaceRow, 'host' | 'resolvesVariables'> & { length: number }) | undefined;
  for (const row of [...WORKSPACE_LOCATIONS, ...USER_LOCATIONS]) {
    if (row.path.length > segments.length || (best && best.length >= row.path.length)) continue;
    const tail = segments.slice(segments.length - row.path.length);
    if (row.path.every((part, index) => part === '*' || part === tail[index])) best = { length: row.path.length, host: row.host, resolvesVariables: row.resolvesVariables };
  }
  return best && { host: best.host, resolvesVariables: best.resolvesVariables };
}
