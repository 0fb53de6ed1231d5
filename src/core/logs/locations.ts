// Where MCP hosts write server logs, as data (docs/research/editors-and-mcp-hosts.md).
// Adding a host or a layout is adding a row.

export type LogHost = 'vscode' | 'cursor' | 'custom';

/** Patterns relative to a VS Code window's log folder (`<logs>/<session>/window<N>`). */
export const VSCODE_WINDOW_PATTERNS = [
  '**/mcpServer*.log',
  // A server name with '/' makes folders: mcpServer.mcp.config.ws0.io.github.upstash/context7.log;
  // VS Code 1.99 Insiders wrote mcpServer/<id>.log.
  'mcpServer*/**/*.log',
];

/** Cursor's log roots per OS, relative to home or %APPDATA%. */
export const CURSOR_LOG_ROOTS: Record<'darwin' | 'linux' | 'win32', { base: 'home' | 'appdata'; path: string }> = {
  darwin: { base: 'home', path: 'Library/Application Support/Cursor/logs' },
  linux: { base: 'home', path: '.config/Cursor/logs' },
  win32: { base: 'appdata', path: 'Cursor/logs' },
};

/** Patterns relative to a Cursor session folder (`<logs>/<YYYYMMDDTHHMMSS>`). */
export const CURSOR_SESSION_PATTERNS = [
  'mcp-server-*.log',
  'mcpprocess.log',
  'window*/exthost/anysphere.cursor-mcp/MCP Logs.log',
  'window*/**/mcp-server-*.log',
];

/** How a log file's name names its server. First match wins; group 1 = definition id or scope, group 2 = name. */
export const SERVER_FROM_FILE: { host: LogHost; pattern: RegExp; definitionId: boolean }[] = [
  // VS Code: mcpServer.mcp.config.ws0.<name>.log (a name with '/' makes sub-folders: joined back).
  { host: 'vscode', pattern: /mcpServer\.((?:mcp\.config\.(?:usrlocal|usrremote|workspace|ws\d+|wf\d+))\.(.+))\.log$/, definitionId: true },
  { host: 'vscode', pattern: /mcpServer\.((?:workspace-dot-mcp\.\d+|claude-desktop\.[^.]+|cursor\.[^.]+|windsurf\.[^.]+)\.(.+))\.log$/, definitionId: true },
  { host: 'vscode', pattern: /mcpServer[./]((?:[^/]+)\.(.+))\.log$/, definitionId: true },
  // Cursor: mcp-server-user-<name>.log, mcp-server-project-<N>-<folder>-<name>.log.
  { host: 'cursor', pattern: /mcp-server-(user)-(.+)\.log$/, definitionId: false },
  { host: 'cursor', pattern: /mcp-server-(project-\d+-[^-]+)-(.+)\.log$/, definitionId: false },
];
