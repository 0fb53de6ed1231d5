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

export type EnvPassing =
  | { kind: 'inherit' }
  | { kind: 'allowlist'; names: string[] }
  | { kind: 'env-only' }
  /**
   * The host's environment minus what looks secret (Gemini CLI): names in `kept` always pass, names in
   * `dropped` or matching `droppedNames` never do — so an inherited NODE_EXTRA_CA_CERTS is removed.
   */
  | { kind: 'redacted'; kept: string[]; dropped: string[]; droppedNames: RegExp };

/**
 * How the host expands variable references in an entry's env values before the spawn:
 * `dollar`: `$VAR`, `${VAR}` (missing: empty); `dollar-default`: also `${VAR:-default}`; `dollar-percent`:
 * also Windows' `%VAR%` (names compared case-insensitively);
 * `env-colon`: `${env:VAR}` (missing: left as `${VAR}`, Amazon Q's rule); `brace-env`: opencode's
 * `{env:VAR}` (missing: empty). Absent: values are literal.
 */
export type Interpolation = 'dollar' | 'dollar-default' | 'dollar-percent' | 'env-colon' | 'brace-env';

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
  /** The host's own environment is applied after the entry's env, so an inherited value wins (Amazon Q). */
  processWins?: boolean;
  interpolation?: Interpolation;
}

const INHERIT = (): EnvPassing => ({ kind: 'inherit' });

/** Codex's `DEFAULT_ENV_VARS` (codex-rs/rmcp-client/src/utils.rs @08e91659 unix, @45e887e7 windows). */
export const CODEX_DEFAULT_POSIX = ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'USER', '__CF_USER_TEXT_ENCODING', 'LANG', 'LC_ALL', 'TERM', 'TMPDIR', 'TZ'];
export const CODEX_DEFAULT_WIN32 = [
  'PATH', 'PATHEXT', 'COMSPEC', 'SYSTEMROOT', 'SYSTEMDRIVE', 'USERNAME', 'USERDOMAIN', 'USERPROFILE', 'HOMEDRIVE', 'HOMEPATH',
  'PROGRAMFILES', 'PROGRAMFILES(X86)', 'PROGRAMW6432', 'PROGRAMDATA', 'LOCALAPPDATA', 'APPDATA', 'TEMP', 'TMP', 'POWERSHELL', 'PWSH',
];

/** Gemini CLI's redaction (packages/core/src/services/environmentSanitization.ts @5411f113 L52-122). */
export const GEMINI_KEPT = [
  'PATH', 'SYSTEMROOT', 'COMSPEC', 'PATHEXT', 'WINDIR', 'TEMP', 'TMP', 'USERPROFILE', 'SYSTEMDRIVE', 'HOME', 'LANG', 'SHELL', 'TMPDIR',
  'USER', 'LOGNAME', 'TERM', 'COLORTERM',
];
const GEMINI_DROPPED = [
  'CLIENT_ID', 'DB_URI', 'CONNECTION_STRING', 'AWS_DEFAULT_REGION', 'AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'SLACK_WEBHOOK_URL',
  'TWILIO_ACCOUNT_SID', 'DATABASE_URL', 'GOOGLE_CLOUD_PROJECT', 'GOOGLE_CLOUD_ACCOUNT', 'FIREBASE_PROJECT_ID',
];
const GEMINI_DROPPED_NAMES = /TOKEN|SECRET|PASSWORD|PASSWD|KEY|AUTH|CREDENTIAL|CREDS|PRIVATE|CERT/i;

const VSCODE_SOURCE =
  '[SRC] microsoft/vscode src/vs/workbench/api/node/extHostMcpNode.ts: env = {...process.env}, then envFile, then env ' +
  '(null removes; a PATH value is appended with the path delimiter); [MEASURED] code-server 4.139.1 (docs/testbed.md): a machine-wide HTTPS_PROXY reaches the server';

export const HOST_ENV: Record<HostId, HostRow[]> = {
  // ${env:NAME}: mcpRegistry.ts resolveAsync (docs/research/editors-and-mcp-hosts.md 2.3).
  vscode: [{ passing: INHERIT, source: VSCODE_SOURCE, appendsPath: true, interpolation: 'env-colon' }],
  'vscode-insiders': [{ passing: INHERIT, source: `${VSCODE_SOURCE} (same code as VS Code)`, appendsPath: true, interpolation: 'env-colon' }],
  vscodium: [{ passing: INHERIT, source: `${VSCODE_SOURCE} (VSCodium builds the same source)`, appendsPath: true, interpolation: 'env-colon' }],
  cursor: [
    {
      // Cursor's MCP client is its own (anysphere.cursor-mcp), not VS Code's extHostMcpNode.
      passing: sdkDefault,
      source:
        '[3P] databricks-solutions/ai-dev-kit#27 ("Cursor MCP subprocesses don\'t inherit shell environment variables"; pass them in env); ' +
        'boozedog/pi-codemode#74 (Cursor keeps the SDK allowlist and copies named parent variables with ${env:NAME}); ' +
        '[UNCONFIRMED] in Cursor\'s source (closed); ${env:NAME} in env: [DOC] https://cursor.com/docs/context/mcp#config-interpolation',
      interpolation: 'env-colon',
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
        '(docs/design.md host table); ${VAR} / ${VAR:-default} in env [3P quoting code.claude.com/docs/en/mcp]',
      interpolation: 'dollar-default',
    },
    {
      passing: INHERIT,
      source:
        'docs/design.md host table: settings.json `env` is "passed to Claude Code and every server it starts" (docs ' +
        'code.claude.com/docs/en/settings, not read here); [3P] anthropics/claude-code#67202 (settings.json env.SHELL reaches what Claude Code spawns); full inheritance ' +
        'on macOS/Linux [UNCONFIRMED] in source; ${VAR} / ${VAR:-default} in env [3P quoting code.claude.com/docs/en/mcp]',
      interpolation: 'dollar-default',
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
      source:
        `[SRC] RooCodeInc/Roo-Code src/services/mcp/McpHub.ts: StdioClientTransport env {...getDefaultEnvironment(), ...configInjected.env}, ` +
        `configInjected = injectVariables(config, { env: process.env, ... }) (\${env:NAME}, src/utils/config.ts); ${SDK_SOURCE}`,
      interpolation: 'env-colon',
    },
  ],
  kiro: [
    {
      passing: sdkDefault,
      source:
        '[3P] kirodotdev/Kiro#10118 (2026-07, Windows: stdio servers do not inherit system HTTPS_PROXY/HTTP_PROXY; workaround: env), ' +
        'kirodotdev/Kiro#9334 (only system-level PATH reaches servers); the exact list [UNCONFIRMED], SDK allowlist assumed; ' +
        '${VAR} in env: [DOC] kiro.dev/docs/mcp/configuration (docs/research/editors-and-mcp-hosts.md)',
      interpolation: 'dollar',
    },
  ],
  codex: [
    {
      passing: (platform: NodeJS.Platform): EnvPassing => ({ kind: 'allowlist', names: platform === 'win32' ? CODEX_DEFAULT_WIN32 : CODEX_DEFAULT_POSIX }),
      source:
        '[SRC] openai/codex@0451186b codex-rs/rmcp-client/src/stdio_server_launcher.rs (Command::new(..).env_clear().envs(envs)); ' +
        'openai/codex@08e91659 codex-rs/rmcp-client/src/utils.rs (create_env_for_mcp_server: DEFAULT_ENV_VARS present in its own env, ' +
        'then the names in `env_vars`, then the literal `env` table; no interpolation); openai/codex#29124',
    },
  ],
  'gemini-cli': [
    {
      // On Windows the spawn-time expansion also reads %VAR% (envExpansion.ts L10-50).
      platforms: ['win32'],
      passing: (): EnvPassing => ({ kind: 'redacted', kept: GEMINI_KEPT, dropped: GEMINI_DROPPED, droppedNames: GEMINI_DROPPED_NAMES }),
      interpolation: 'dollar-percent',
      source:
        '[SRC] google-gemini/gemini-cli@5411f113 packages/core/src/utils/envExpansion.ts L10-50 (%VAR% only on Windows), ' +
        'packages/core/src/tools/mcp-client.ts L2341-2365, packages/core/src/services/environmentSanitization.ts L52-122',
    },
    {
      passing: (): EnvPassing => ({ kind: 'redacted', kept: GEMINI_KEPT, dropped: GEMINI_DROPPED, droppedNames: GEMINI_DROPPED_NAMES }),
      interpolation: 'dollar-default',
      source:
        '[SRC] google-gemini/gemini-cli@5411f113 packages/core/src/tools/mcp-client.ts L2341-2365 (sanitizeEnvironment of its own env, ' +
        'then the entry env expanded: $VAR, ${VAR}, %VAR% on Windows) and packages/core/src/services/environmentSanitization.ts L52-122 ' +
        '(names matching TOKEN|SECRET|...|CERT dropped); [DOC] docs/tools/mcp-server.md L216-240 (explicit env is not redacted)',
    },
  ],
  'copilot-cli': [
    {
      // Conservative: newer builds pass more, but which names is not known; the entry env is where a CA variable surely arrives.
      passing: (): EnvPassing => ({ kind: 'allowlist', names: ['PATH'] }),
      interpolation: 'dollar-default',
      source:
        '[DOC] github/docs@091100a4 content/copilot/how-tos/copilot-cli/customize-copilot/add-mcp-servers.md ("The PATH variable is ' +
        'automatically inherited ... All other environment variables must be configured here"); cli-command-reference.md (env: $VAR, ${VAR}, ' +
        '${VAR:-default}); [3P] github/copilot-cli#903 (maintainer, 2026-04: since v1.0.10 servers "inherit safe system environment ' +
        'variables", a filter list whose names are [UNCONFIRMED]; github/copilot-cli#2107 speaks of that filter list), Azure/azure-rest-api-specs#40719 ' +
        '(Windows: the sanitized env had PATHEXT=.CPL)',
    },
  ],
  zed: [
    {
      passing: INHERIT,
      source:
        '[SRC] zed-industries/zed@204bad91 crates/context_server/src/transport/stdio_transport.rs (StdioTransport::new: ' +
        'environment::inherited() extended by the entry env); no interpolation found [UNCONFIRMED]',
    },
  ],
  opencode: [
    {
      passing: INHERIT,
      interpolation: 'brace-env',
      source:
        '[SRC] anomalyco/opencode@001133bc packages/opencode/src/mcp/index.ts (create: env {...process.env, ...mcp.environment}); ' +
        '`{env:VAR}` config substitution: [DOC] opencode.ai/docs/config ("Variables"; wording [UNCONFIRMED], seen in committed configs)',
    },
  ],
  goose: [
    {
      passing: INHERIT,
      source:
        '[SRC] block/goose@2554e58d crates/goose/src/agents/extension_manager.rs (add_extension, Stdio: ' +
        'Command::new(cmd).args(args).envs(envs + env_keys secrets), no env_clear; child_process_client then sets PATH to ' +
        'Goose\'s search path); envs literal (substitute_env_vars applies to headers only); crates/goose/src/agents/extension.rs ' +
        '(Envs::DISALLOWED_KEYS: PATH, NODE_OPTIONS, LD_*... are dropped from envs; no CA variable among them)',
    },
  ],
  'amazon-q': [
    {
      passing: INHERIT,
      processWins: true,
      interpolation: 'env-colon',
      source:
        '[SRC] aws/amazon-q-developer-cli@b4155c3d crates/chat-cli/src/mcp_client/client.rs (McpClientService::into_service: ' +
        'cmd.envs(env with ${env:VAR} substituted), then cmd.envs(get_all_env_vars()) — its own environment is applied last and wins)',
    },
  ],
  junie: [
    {
      passing: sdkDefault,
      source: '[UNCONFIRMED] no source or documentation read for what Junie passes; assumed the SDK allowlist, so the entry env is the only safe place',
    },
  ],
  'lm-studio': [
    {
      passing: sdkDefault,
      source: '[UNCONFIRMED] LM Studio follows "Cursor\'s mcp.json notation" (lmstudio-ai/docs 0_app/2_mcp/index.mdx); what it passes not found; SDK allowlist assumed',
    },
  ],
};

function rowFor(host: HostId, platform: NodeJS.Platform): HostRow {
  const rows = HOST_ENV[host];
  const row = rows.find((r) => r.platforms?.includes(platform)) ?? rows.find((r) => !r.platforms);
  if (!row) throw new Error(`no environment row for ${host} on ${platform}`);
  return row;
}

/**
 * How an entry's env value names a variable of the host's own environment, which the host resolves
 * when it starts the server (the way to hand a server a secret, a proxy's password, without writing
 * it); null for a host that expands nothing.
 */
export function envReference(host: HostId, platform: NodeJS.Platform, name: string): string | null {
  switch (rowFor(host, platform).interpolation) {
    case 'env-colon':
      return `\${env:${name}}`;
    case 'brace-env':
      return `{env:${name}}`;
    case 'dollar':
    case 'dollar-default':
    case 'dollar-percent':
      return `\${${name}}`;
    default:
      return null;
  }
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
  /** Names the entry asks the host to pass on from its own environment (Codex `env_vars`). */
  passNames?: string[];
}): Record<string, string> {
  const row = rowFor(opts.host, opts.platform);
  const passing = row.passing(opts.platform);
  const win32 = opts.platform === 'win32';
  const env: Record<string, string> = {};
  const processEntries = Object.entries(opts.hostProcessEnv).filter((e): e is [string, string] => typeof e[1] === 'string');
  const entryNames = Object.keys(opts.entryEnv);
  if (passing.kind === 'inherit' || (passing.kind === 'env-only' && entryNames.length === 0)) {
    for (const [name, value] of processEntries) env[name] = value;
  } else if (passing.kind === 'redacted') {
    const fold = (n: string): string => (win32 ? n.toUpperCase() : n);
    const kept = new Set(passing.kept.map(fold));
    const dropped = new Set(passing.dropped.map(fold));
    for (const [name, value] of processEntries) {
      if (kept.has(fold(name)) || (!dropped.has(fold(name)) && !passing.droppedNames.test(name))) env[name] = value;
    }
  } else if (passing.kind === 'allowlist') {
    const wanted = new Set([...passing.names, ...(opts.passNames ?? [])].map((n) => (win32 ? n.toLowerCase() : n)));
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
    const text = value === null ? null : row.interpolation ? interpolate(String(value), row.interpolation, opts.hostProcessEnv) : String(value);
    assign(env, name, text, win32);
  }
  if (row.processWins) {
    for (const [name, value] of processEntries) if (Object.prototype.hasOwnProperty.call(opts.entryEnv, name)) assign(env, name, value, win32);
  }
  return env;
}

/** A value with the host's variable references expanded against its own environment (see Interpolation). */
export function interpolate(value: string, syntax: Interpolation, env: NodeJS.ProcessEnv): string {
  if (syntax === 'env-colon') return value.replace(/\$\{env:([^}]+)\}/g, (_, name: string) => env[name] ?? `\${${name}}`);
  if (syntax === 'brace-env') return value.replace(/\{env:([^}]+)\}/g, (_, name: string) => env[name] ?? '');
  if (syntax === 'dollar-percent') {
    const lookup = (name: string): string | undefined => Object.entries(env).find(([key]) => key.toUpperCase() === name.toUpperCase())?.[1];
    const percent = value.replace(/%([A-Za-z_][A-Za-z0-9_()]*)%/g, (whole, name: string) => lookup(name) ?? whole);
    return interpolate(percent, 'dollar-default', Object.fromEntries(Object.entries(env).map(([key, v]) => [key.toUpperCase(), v]).concat(Object.entries(env))));
  }
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced?: string, hasDefault?: string, fallback?: string, bare?: string) => {
    const name = braced ?? bare ?? '';
    const found = env[name];
    if (hasDefault !== undefined) return syntax === 'dollar-default' ? (found === undefined || found === '' ? (fallback ?? '') : found) : whole;
    return found ?? '';
  });
}
