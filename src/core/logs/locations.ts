// Where MCP hosts write server logs, as data (docs/research/editors-and-mcp-hosts.md).
// Adding a host or a layout is adding a row.

/** The editor's own logs (VS Code, Cursor), the user's paths, and the hosts that keep a log of their own (HOST_LOGS). */
export type LogHost = 'vscode' | 'cursor' | 'custom' | HostLogId;

export type HostLogId = 'codex' | 'copilot-cli' | 'zed' | 'goose';

/**
 * A log file an MCP host writes on its own, as data: the folder (under a base per OS, or under a variable
 * that moves the host's home), the files in it, and the source that says so. A host that starts a file per
 * session (`newest`) is followed in its newest files only.
 */
export interface HostLogRow {
  host: HostLogId;
  /** Only on these platforms (absent: all). */
  platforms?: NodeJS.Platform[];
  /**
   * home; appData (%APPDATA%); localAppData (%LOCALAPPDATA%); xdgData ($XDG_DATA_HOME, else ~/.local/share);
   * xdgState ($XDG_STATE_HOME, else ~/.local/state).
   */
  base: 'home' | 'appData' | 'localAppData' | 'xdgData' | 'xdgState';
  folder: string[];
  /** A variable that, when set, names the host's home instead: the folder is then `$VAR/<path>`. */
  override?: { variable: string; path: string[] };
  /** Globs (`*`) relative to the folder. */
  files: string[];
  /** Follow only the newest this many of the matches (by modification time). */
  newest?: number;
  source: string;
}

export const HOST_LOGS: HostLogRow[] = [
  // Codex CLI: `<log_dir>/codex-tui.log`, log_dir = $CODEX_HOME/log (CODEX_HOME defaults to ~/.codex, every OS); MCP
  // servers' stderr is logged there at INFO as `MCP server stderr (<program>): <line>`.
  // openai/codex@5842ffb948301a79433d48fc941e5722671b2513:codex-rs/tui/src/lib.rs (`log_file_opts.open(log_dir.join("codex-tui.log"))`),
  // codex-rs/core/src/config.rs (`log_dir`: codex_home + "log"); rmcp-client/src/stdio_server_launcher.rs (stderr lines).
  { host: 'codex', base: 'home', folder: ['.codex', 'log'], override: { variable: 'CODEX_HOME', path: ['log'] }, files: ['codex-tui.log'], source: 'openai/codex codex-rs/tui/src/lib.rs, codex-rs/core/src/config.rs log_dir' },
  // GitHub Copilot CLI: session logs in ~/.copilot/logs/ ($COPILOT_HOME/logs), one file per process; lines
  // `[LOG] [mcp server <name> stderr] …` — github/docs@03b432e6d532db63f40312771e3ba8212d1995c0:content/copilot/reference/
  // copilot-cli-reference/cli-config-dir-reference.md (directory table); github/copilot-cli#753 (a log excerpt).
  { host: 'copilot-cli', base: 'home', folder: ['.copilot', 'logs'], override: { variable: 'COPILOT_HOME', path: ['logs'] }, files: ['*.log'], newest: 3, source: 'github/docs cli-config-dir-reference.md; github/copilot-cli#753' },
  // Zed: Zed.log in logs_dir — macOS ~/Library/Logs/Zed, Linux $XDG_DATA_HOME/zed/logs (~/.local/share/zed/logs),
  // Windows %LOCALAPPDATA%\Zed\logs — zed-industries/zed@010c9b6fa6d6efbf90a3b8d5ee64cb30297ba275:crates/paths/src/paths.rs
  // (`logs_dir`, `log_file`); Zed's own TLS failures land there (zed-industries/community#1513 quotes ~/Library/Logs/Zed/Zed.log).
  { host: 'zed', platforms: ['darwin'], base: 'home', folder: ['Library', 'Logs', 'Zed'], files: ['Zed.log'], source: 'zed-industries/zed crates/paths/src/paths.rs logs_dir' },
  { host: 'zed', platforms: ['win32'], base: 'localAppData', folder: ['Zed', 'logs'], files: ['Zed.log'], source: 'zed-industries/zed crates/paths/src/paths.rs logs_dir' },
  { host: 'zed', platforms: ['linux', 'freebsd'], base: 'xdgData', folder: ['zed', 'logs'], files: ['Zed.log'], source: 'zed-industries/zed crates/paths/src/paths.rs logs_dir' },
  // Goose: `<state dir>/logs` (etcetera's app strategy: XDG on macOS and Linux, $XDG_STATE_HOME or ~/.local/state;
  // Windows has no state dir, so the data dir %APPDATA%\Block\goose\data\logs), a file per session under
  // cli/<date>/ and server/<date>/ — block/goose@3e5eeb851d4d8a96086983090ef47483dad943a3:crates/goose/src/logging.rs
  // (`get_log_directory`: Paths::in_state_dir("logs")/<component>/<%Y-%m-%d>) and documentation/docs/guides/logs.md
  // ("System logs (CLI, server, extensions)"; the Windows folder).
  { host: 'goose', platforms: ['darwin', 'linux', 'freebsd'], base: 'xdgState', folder: ['goose', 'logs'], files: ['cli/*/*.log', 'server/*/*.log'], newest: 3, source: 'block/goose crates/goose/src/logging.rs; docs/guides/logs.md' },
  { host: 'goose', platforms: ['win32'], base: 'appData', folder: ['Block', 'goose', 'data', 'logs'], files: ['cli/*/*.log', 'server/*/*.log'], newest: 3, source: 'block/goose crates/goose/src/logging.rs; docs/guides/logs.md' },
];

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

/**
 * How a line of a host's own log names the MCP server it is about (a log shared by every server). First
 * match wins; group 1 = the server's name as configured.
 */
export const SERVER_FROM_LINE: { host: HostLogId; pattern: RegExp }[] = [
  // Copilot CLI: `[LOG] [mcp server <name> stderr] …` — github/copilot-cli#753 (a log excerpt).
  { host: 'copilot-cli', pattern: /\[mcp server ([^\]\s]{1,200}) stderr\]/ },
  // Codex: `MCP client for `<name>` failed to start: …` — openai/codex#6020, cookjohn/zotero-mcp#41 (quoted output).
  { host: 'codex', pattern: /MCP client for `([^`\n]{1,200})` failed to start/ },
];
