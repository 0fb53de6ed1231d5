// What each MCP host passes to a stdio server it starts: the environment a CA variable must reach.
// Data, not code: one row per host (and platform where they differ), each with where it comes from.
// Tags as in docs/research/editors-and-mcp-hosts.md: [SRC] read in the host's source, [DOC] its docs,
// [3P] issue threads / third-party evidence, [MEASURED] run here, [UNCONFIRMED] an assumption.
// "not read here" marks a document known only through another's quote.
//
// Why it matters: a CA variable set in the user's shell (or machine-wide) reaches the server only
// where the host passes its own environment on ('inherit'); under an allowlist or 'env-only' it must
// be in the entry's `env`. Conversely, under 'inherit' an inherited CA variable pointing at a bundle
// without the corporate CA is in force and may itself be the cause.
import type { HostId } from './locations';

export type EnvPassing = { kind: 'inherit' } | { kind: 'allowlist'; names: string[] } | { kind: 'env-only' };

/**
 * `getDefaultEnvironment()` of the MCP TypeScript SDK (`DEFAULT_INHERITED_ENV_VARS`,
 * modelcontextprotocol/typescript-sdk src/client/stdio.ts [SRC]; quoted in full in
 * modelcontextprotocol/typescript-sdk#2037). The spawn env is `{...getDefaultEnvironment(), ...env}`.
 * The SDK also drops values starting with `()` (exported shell functions).
 */
export const SDK_DEFAULT_POSIX = ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER'];
export const SDK_DEFAULT_WIN32 = [
  'APPDATA', 'HOMEDRIVE', 'HOMEPATH', 'LOCALAPPDATA', 'PATH', 'PROCESSOR_ARCHITECTURE', 'SYSTEMDRIVE', 'SYSTEMROOT', 'TEMP',
  'USERNAME', 'USERPROFILE', 'PROGRAMFILES',
];

const SDK_SOURCE = 'MCP TypeScript SDK StdioClientTransport: {...getDefaultEnvironment(), ...env} (typescript-sdk src/client/stdio.ts; typescript-sdk#2037)';

function sdkDefault(platform: NodeJS.Platform): EnvPassing {
  return { kind: 'allowlist', names: platform === 'win32' ? SDK_DEFAULT_WIN32 : SDK_DEFAULT_POSIX };
}

interface HostRow {
  /** Platforms this row is for; absent: every platform (the host's last row without `platforms`). */
  platforms?: NodeJS.Platform[];
  passing: (platform: NodeJS.Platform) => EnvPassing;
  source: string;
  /** A PATH in the entry's env is appended to the inherited PATH (VS Code), not put in its place. */
  appendsPath?: boolean;
}

const INHERIT = (): EnvPassing => ({ kind: 'inherit' });

const VSCODE_SOURCE =
  '[SRC] microsoft/vscode src/vs/workbench/api/node/extHostMcpNode.ts: env = {...process.env}, then envFile, then env ' +
  '(null removes; a PATH value is appended with the path delimiter); [MEASURED] code-server 4.139.1 (docs/testbed.md): a machine-wide HTTPS_PROXY reaches the server';

export const HOST_ENV: Record<HostId, HostRow[]> = {
  vscode: [{ passing: INHERIT, source: VSCODE_SOURCE, appendsPath: true }],
  'vscode-insiders': [{ passing: INHERIT, source: `${VSCODE_SOURCE} (same code as VS Code)`, appendsPath: true }],
  vscodium: [{ passing: INHERIT, source: `${VSCODE_SOURCE} (VSCodium builds the same source)`, appendsPath: true }],
  cursor: [
    {
      // Cursor's MCP client is its own (anysphere.cursor-mcp), not VS Code's extHostMcpNode.
      passing: sdkDefault,
      source:
        '[3P] databricks-solutions/ai-dev-kit#27 ("Cursor MCP subprocesses don\'t inherit shell environment variables"; pass them in env); ' +
        'boozedog/pi-codemode#74 (Cursor keeps the SDK allowlist and copies named parent variables with ${env:NAME}); ' +
        '[UNCONFIRMED] in Cursor\'s source (closed)',
    },
  ],
  'claude-desktop': [
    {
      platforms: ['win32'],
      // With an `env` block the spawn gets exactly that block; with none, the app's whole environment
      // (Node's spawn default). effectiveServerEnv models both.
      passing: () => ({ kind: 'env-only' }),
      source:
        '[3P] anthropics/claude-code#1254, comment 2025-07-21 (Claude Desktop for Windows app-0.12.28): "when an env block is ' +
        'provided, it\'s passed directly as the env option to child_process.spawn() ... without merging it with process.env"; ' +
        'servers without env inherit the full process.env. Newer builds may differ: anthropics/claude-ai-mcp#832 (2026-08) ' +
        'reports PATH passed but not PATHEXT, as the SDK allowlist would',
    },
    {
      passing: sdkDefault,
      source:
        `[3P] smithery.ai/skills/outfitter-dev/claude-config (Claude Desktop: "Environment variables: Limited by default ` +
        `(USER, HOME, PATH); set explicitly in env", the wording of modelcontextprotocol.io's debugging guide, not read here); ` +
        `${SDK_SOURCE}; vm0-ai/vm0#20799 (an Electron host using the SDK allowlist gets launchd's PATH)`,
    },
  ],
  'claude-code': [
    {
      platforms: ['win32'],
      // Claude Code's settings `env` is applied to its own process and to what it starts.
      passing: sdkDefault,
      source:
        '[3P] anthropics/claude-code#90074 (Windows: stdio MCP servers get a ~16-variable sanitized allowlist; env values arrive), ' +
        'anthropics/claude-code#36565 (Windows native install: LOCALAPPDATA/APPDATA not inherited); plus ~/.claude/settings.json env ' +
        '(docs/design.md host table)',
    },
    {
      passing: INHERIT,
      source:
        'docs/design.md host table: settings.json `env` is "passed to Claude Code and every server it starts" (docs ' +
        'code.claude.com/docs/en/settings, not read here); [3P] anthropics/claude-code#67202 (settings.json env.SHELL reaches what Claude Code spawns); full inheritance ' +
        'on macOS/Linux [UNCONFIRMED] in source',
    },
  ],
  windsurf: [
    {
      passing: sdkDefault,
      source:
        '[UNCONFIRMED] no documentation or issue thread found for what Windsurf (Cascade) passes; assumed the SDK allowlist, ' +
        'which makes the entry\'s env the only safe place for a CA variable',
    },
  ],
  cline: [
    {
      passing: sdkDefault,
      source:
        `[SRC] cline/cline src/services/mcp/McpHub.ts: env {...getDefaultEnvironment(), ...config.env}; ${SDK_SOURCE}; ` +
        '[3P] cline/cline#3533 (older builds passed only PATH)',
    },
  ],
  roo: [
    {
      passing: sdkDefault,
      source: `[SRC] RooCodeInc/Roo-Code src/services/mcp/McpHub.ts: StdioClientTransport env {...getDefaultEnvironment(), ...configInjected.env}; ${SDK_SOURCE}`,
    },
  ],
  kiro: [
    {
      passing: sdkDefault,
      source:
        '[3P] kirodotdev/Kiro#10118 (2026-07, Windows: stdio servers do not inherit system HTTPS_PROXY/HTTP_PROXY; workaround: env), ' +
        'kirodotdev/Kiro#9334 (only system-level PATH reaches servers); the exact list [UNCONFIRMED], SDK allowlist assumed',
    },
  ],
};

function rowFor(host: HostId, platform: NodeJS.Platform): HostRow {
  const rows = HOST_ENV[host];
  const row = rows.find((r) => r.platforms?.includes(platform)) ?? rows.find((r) => !r.platforms);
  if (!row) throw new Error(`no environment row for ${host} on ${platform}`);
  return row;
}

export function hostPassing(host: HostId, platform: NodeJS.Platform): { passing: EnvPassing; source: string } {
  const row = rowFor(host, platform);
  return { passing: row.passing(platform), source: row.source };
}

/** Sets (or with null removes) one variable; on win32 a name replaces any spelling of it already there. */
function assign(env: Record<string, string>, name: string, value: string | null, win32: boolean): void {
  if (win32) {
    const lower = name.toLowerCase();
    for (const key of Object.keys(env)) if (key.toLowerCase() === lower) delete env[key];
  }
  if (value === null) delete env[name];
  else env[name] = value;
}

/**
 * The environment the server process gets: the host's base (its whole environment, an allowlist of
 * it, or nothing), then `hostSettingsEnv` (Claude Code's settings.json `env`; for VS Code the
 * entry's `envFile` variables, which it merges at the same place), then the entry's `env` — where a
 * string or number sets a variable (numbers stringified) and null removes it; VS Code appends a
 * PATH value to the inherited PATH. Names are compared case-insensitively on win32 (allowlist and
 * overrides alike), as Windows does. `env-only` (Claude Desktop on Windows): with an `env` block the
 * server gets exactly that block; with none, the host's whole environment.
 */
export function effectiveServerEnv(opts: {
  host: HostId;
  platform: NodeJS.Platform;
  hostProcessEnv: NodeJS.ProcessEnv;
  entryEnv: Record<string, string | number | null>;
  hostSettingsEnv?: Record<string, string>;
}): Record<string, string> {
  const row = rowFor(opts.host, opts.platform);
  const passing = row.passing(opts.platform);
  const win32 = opts.platform === 'win32';
  const env: Record<string, string> = {};
  const processEntries = Object.entries(opts.hostProcessEnv).filter((e): e is [string, string] => typeof e[1] === 'string');
  const entryNames = Object.keys(opts.entryEnv);
  if (passing.kind === 'inherit' || (passing.kind === 'env-only' && entryNames.length === 0)) {
    for (const [name, value] of processEntries) env[name] = value;
  } else if (passing.kind === 'allowlist') {
    const wanted = new Set(passing.names.map((n) => (win32 ? n.toLowerCase() : n)));
    for (const [name, value] of processEntries) {
      // The SDK skips exported shell functions.
      if (wanted.has(win32 ? name.toLowerCase() : name) && !value.startsWith('()')) env[name] = value;
    }
  }
  for (const [name, value] of Object.entries(opts.hostSettingsEnv ?? {})) assign(env, name, value, win32);
  const delimiter = win32 ? ';' : ':';
  for (const [name, value] of Object.entries(opts.entryEnv)) {
    if (row.appendsPath && value !== null && name.toUpperCase() === 'PATH') {
      const inherited = env[name];
      env[name] = inherited ? `${inherited}${delimiter}${String(value)}` : String(value);
      continue;
    }
    assign(env, name, value === null ? null : String(value), win32);
  }
  return env;
}

/**
 * How a host lets an entry's env value name a variable of the host's own environment, resolved when
 * it starts the server: the way to hand a server a secret (a proxy's password) without writing it.
 * Hosts without a row expand nothing: a value is passed as written.
 */
export const ENV_REFERENCES: Partial<Record<HostId, { reference: (name: string) => string; source: string }>> = {
  vscode: { reference: (name) => `\${env:${name}}`, source: '[SRC] mcpRegistry.ts resolveAsync resolves ${env:NAME} (docs/research/editors-and-mcp-hosts.md 2.3) [DOC] VS Code variables reference' },
  'vscode-insiders': { reference: (name) => `\${env:${name}}`, source: 'as VS Code' },
  vscodium: { reference: (name) => `\${env:${name}}`, source: 'as VS Code' },
  cursor: { reference: (name) => `\${env:${name}}`, source: '[DOC] https://cursor.com/docs/context/mcp#config-interpolation (hosts/locations.ts)' },
  roo: {
    reference: (name) => `\${env:${name}}`,
    source: '[SRC] RooCodeInc/Roo-Code src/services/mcp/McpHub.ts: injectVariables(config, { env: process.env, ... }) before the transport; src/utils/config.ts "Uses VSCode env:name pattern"',
  },
  'claude-code': { reference: (name) => `\${${name}}`, source: '[3P quoting code.claude.com/docs/en/mcp] ${VAR} / ${VAR:-default} in command, args, env, url, headers (docs/research/editors-and-mcp-hosts.md)' },
  kiro: { reference: (name) => `\${${name}}`, source: '[DOC] kiro.dev/docs/mcp/configuration: env supports ${VAR} (docs/research/editors-and-mcp-hosts.md)' },
};

/** A value with the host's references to its own environment resolved as the host resolves them. */
export function expandEnvReferences(host: HostId, value: string, hostEnv: NodeJS.ProcessEnv): string {
  const row = ENV_REFERENCES[host];
  if (!row) return value;
  const vscodeStyle = row.reference('X') === '${env:X}';
  const pattern = vscodeStyle ? /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g : /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
  return value.replace(pattern, (_, name: string, fallback?: string) => hostEnv[name] ?? fallback ?? '');
}
