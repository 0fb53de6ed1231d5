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
  | 'kiro'
  // Terminal agents and other editors (research/hosts-2026.md; sources on each row below).
  | 'codex'
  | 'gemini-cli'
  | 'copilot-cli'
  | 'zed'
  | 'opencode'
  | 'goose'
  | 'amazon-q'
  | 'junie'
  | 'lm-studio';

export type Scope = 'workspace' | 'user';

/** A path relative to a workspace folder. */
export interface WorkspaceRow {
  host: HostId;
  path: string[];
  resolvesVariables: boolean;
  /** Listed only when it holds servers (a general settings file). */
  onlyWithServers?: boolean;
}

/**
 * A path relative to a base folder of the user: home, an editor's userData, the per-OS app-data
 * folder (appDataDir), or the XDG config folder ($XDG_CONFIG_HOME, else ~/.config, on every OS).
 */
export interface UserRow {
  host: HostId;
  base: 'home' | 'userData' | 'appData' | 'xdgConfig' | 'localAppData';
  path: string[];
  resolvesVariables: boolean;
  /** Only for these editors' userData (VS Code family). */
  editors?: EditorId[];
  /** Only on these platforms (absent: all). */
  platforms?: NodeJS.Platform[];
  /** A variable that, when set, names the folder instead (CODEX_HOME): the file is then `$VAR/<path>`. */
  override?: { variable: string; path: string[] };
  /** Listed only when it holds servers (a general settings file: Gemini's, Zed's, an agent file). */
  onlyWithServers?: boolean;
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
  // Codex: project `.codex/config.toml` layers, read for trusted projects only —
  // developers.openai.com/codex/config-basic (precedence list); openai/codex#10389.
  { host: 'codex', path: ['.codex', 'config.toml'], resolvesVariables: false, onlyWithServers: true },
  // Gemini CLI: `<project>/.gemini/settings.json` — google-gemini/gemini-cli@5411f113 packages/core/src/config/storage.ts L293-294.
  { host: 'gemini-cli', path: ['.gemini', 'settings.json'], resolvesVariables: false },
  // Copilot CLI: `.github/mcp.json` (trusted folders) — github/docs@091100a4 add-mcp-servers.md. Its other
  // project file, `.mcp.json`, is Claude Code's row above (one file, one host id: the first row wins).
  { host: 'copilot-cli', path: ['.github', 'mcp.json'], resolvesVariables: false },
  // Zed: `.zed/settings.json` — zed-industries/zed@010c9b6f crates/paths/src/paths.rs (local_settings_file_relative_path).
  { host: 'zed', path: ['.zed', 'settings.json'], resolvesVariables: false },
  // opencode: project `opencode.json(c)` and `.opencode/` — opencode.ai/docs/config (precedence list).
  { host: 'opencode', path: ['opencode.json'], resolvesVariables: false },
  { host: 'opencode', path: ['opencode.jsonc'], resolvesVariables: false },
  { host: 'opencode', path: ['.opencode', 'opencode.json'], resolvesVariables: false },
  { host: 'opencode', path: ['.opencode', 'opencode.jsonc'], resolvesVariables: false },
  // Amazon Q Developer: workspace `.amazonq/mcp.json` — aws/amazon-q-developer-cli@0765b94a docs/agent-format.md (useLegacyMcpJson).
  { host: 'amazon-q', path: ['.amazonq', 'mcp.json'], resolvesVariables: false },
  // Junie: `.junie/mcp/mcp.json` — vaadin.com/docs/next/agentic-development/mcp/supported-tools/junie (third party;
  // [UNCONFIRMED] by JetBrains); Laravel Boost writes this path.
  { host: 'junie', path: ['.junie', 'mcp', 'mcp.json'], resolvesVariables: false },
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
  // Claude Desktop on Windows as an MSIX package (the Store and, since 2026, claude.ai/download): the app reads its
  // config inside the package's virtualised folder, %LOCALAPPDATA%\Packages\Claude_<publisher id>\LocalCache\Roaming\Claude,
  // not %APPDATA%\Claude — anthropics/claude-code#26073 (package `Claude_pzs8sxrjxfjjc`, "Edit Config" opens the wrong file).
  {
    host: 'claude-desktop',
    base: 'localAppData',
    path: ['Packages', 'Claude_*', 'LocalCache', 'Roaming', 'Claude', 'claude_desktop_config.json'],
    resolvesVariables: false,
    platforms: ['win32'],
  },
  // Codex: `$CODEX_HOME/config.toml`, CODEX_HOME defaulting to ~/.codex (Windows %USERPROFILE%\.codex) —
  // openai/codex@0195ef05 docs/config.md; openai/codex#26983 (`codex doctor` on Windows).
  { host: 'codex', base: 'home', path: ['.codex', 'config.toml'], resolvesVariables: false, override: { variable: 'CODEX_HOME', path: ['config.toml'] }, onlyWithServers: true },
  // Gemini CLI: `<GEMINI_CLI_HOME or home>/.gemini/settings.json` — gemini-cli@5411f113 packages/core/src/utils/paths.ts L22-28.
  {
    host: 'gemini-cli',
    base: 'home',
    path: ['.gemini', 'settings.json'],
    resolvesVariables: false,
    override: { variable: 'GEMINI_CLI_HOME', path: ['.gemini', 'settings.json'] },
    onlyWithServers: true,
  },
  // Copilot CLI: `~/.copilot/mcp-config.json`, `$COPILOT_HOME` moves the folder (Windows C:\Users\<you>\.copilot) —
  // github/docs@03b432e6 cli-config-dir-reference.md.
  { host: 'copilot-cli', base: 'home', path: ['.copilot', 'mcp-config.json'], resolvesVariables: false, override: { variable: 'COPILOT_HOME', path: ['mcp-config.json'] } },
  // Zed: Linux $XDG_CONFIG_HOME/zed, macOS ~/.config/zed, Windows %APPDATA%\Zed — zed@010c9b6f crates/paths/src/paths.rs (config_dir).
  { host: 'zed', base: 'xdgConfig', path: ['zed', 'settings.json'], resolvesVariables: false, platforms: ['linux', 'darwin'], onlyWithServers: true },
  { host: 'zed', base: 'appData', path: ['Zed', 'settings.json'], resolvesVariables: false, platforms: ['win32'], onlyWithServers: true },
  // opencode: ~/.config/opencode/opencode.json(c) — opencode.ai/docs/config; Windows path [UNCONFIRMED] (same xdg-basedir rule assumed).
  { host: 'opencode', base: 'xdgConfig', path: ['opencode', 'opencode.json'], resolvesVariables: false },
  { host: 'opencode', base: 'xdgConfig', path: ['opencode', 'opencode.jsonc'], resolvesVariables: false },
  // Goose: ~/.config/goose/config.yaml, Windows %APPDATA%\Block\goose\config\config.yaml — block.github.io/goose/docs/guides/config-files.
  { host: 'goose', base: 'xdgConfig', path: ['goose', 'config.yaml'], resolvesVariables: false, platforms: ['linux', 'darwin'], onlyWithServers: true },
  { host: 'goose', base: 'appData', path: ['Block', 'goose', 'config', 'config.yaml'], resolvesVariables: false, platforms: ['win32'], onlyWithServers: true },
  // Amazon Q: legacy global ~/.aws/amazonq/mcp.json; the IDE's agent ~/.aws/amazonq/agents/default.json —
  // aws/amazon-q-developer-cli@0765b94a docs/agent-format.md; docs.aws.amazon.com qdev-mcp. Windows [UNCONFIRMED] (same under %USERPROFILE%).
  { host: 'amazon-q', base: 'home', path: ['.aws', 'amazonq', 'mcp.json'], resolvesVariables: false },
  { host: 'amazon-q', base: 'home', path: ['.aws', 'amazonq', 'agents', 'default.json'], resolvesVariables: false, onlyWithServers: true },
  // Q CLI agents: ~/.aws/amazonq/cli-agents/<name>.json, each with its own mcpServers (docs/agent-format.md @0765b94a).
  { host: 'amazon-q', base: 'home', path: ['.aws', 'amazonq', 'cli-agents', '*'], resolvesVariables: false, onlyWithServers: true },
  // Junie: ~/.junie/mcp/mcp.json (third party, see the workspace row; Windows [UNCONFIRMED]).
  { host: 'junie', base: 'home', path: ['.junie', 'mcp', 'mcp.json'], resolvesVariables: false },
  // LM Studio: ~/.lmstudio/mcp.json (Windows %USERPROFILE%\.lmstudio) — lmstudio-ai/lmstudio-bug-tracker#1371 quoting its docs.
  { host: 'lm-studio', base: 'home', path: ['.lmstudio', 'mcp.json'], resolvesVariables: false },
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

/** Windows' %LOCALAPPDATA% (its variables ignore case), else <home>\AppData\Local. */
export function localAppDataDir(home: string, env: NodeJS.ProcessEnv, join: (...parts: string[]) => string): string {
  const key = Object.keys(env).find((name) => name.toUpperCase() === 'LOCALAPPDATA');
  const value = key === undefined ? undefined : env[key];
  return value ? value : join(home, 'AppData', 'Local');
}

/** Whether one path segment matches a row's segment: itself, `*` (any), or a glob of literal text and `*` (`Claude_*`). */
export function segmentMatches(pattern: string, segment: string): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('*')) return pattern === segment;
  const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`, 'i').test(segment);
}

/** The XDG config folder: $XDG_CONFIG_HOME, else ~/.config (Zed, opencode and Goose use it on macOS too). */
export function xdgConfigDir(home: string, env: NodeJS.ProcessEnv, join: (...parts: string[]) => string): string {
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
    if (row.path.every((part, index) => segmentMatches(part, tail[index]))) best = { length: row.path.length, host: row.host, resolvesVariables: row.resolvesVariables };
  }
  return best && { host: best.host, resolvesVariables: best.resolvesVariables };
}
