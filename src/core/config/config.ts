// Reads an MCP config of any host and recognises its format by content, not by name.
import { createScanner, Node, ParseError, parseTree, printParseErrorCode, SyntaxKind } from 'jsonc-parser';
import { DoctorError } from '../types';
import { findMember, lineColumn, memberValue } from './jsonc-text';
import { HostId, locationOfFile, locationResolvesVariables } from '../hosts/locations';
import { readTomlServers } from './toml-config';
import { readYamlServers } from './yaml-config';

/** Where the servers live in the file. */
export type ConfigFormat =
  | 'servers' // VS Code mcp.json (workspace .vscode/mcp.json, user profile mcp.json)
  | 'mcpServers' // .mcp.json, Cursor, Claude Desktop, Windsurf, Cline, Roo, Kiro
  | 'settings' // VS Code 1.99–1.101 settings.json: "mcp": { "servers": ... }
  | 'settings-dotted' // settings.json written as "mcp.servers": ...
  | 'code-workspace' // .code-workspace: "settings": { "mcp": { "servers": ... } }
  | 'claude-local' // ~/.claude.json: "projects": { "<dir>": { "mcpServers": ... } } (Claude Code's local scope)
  | 'zed' // Zed settings.json: "context_servers": { NAME: { command, args, env } | { command: { path, args, env } } | { url } }
  | 'opencode' // opencode.json(c): "mcp": { NAME: { type: "local", command: [argv], environment } | { type: "remote", url } }
  | 'codex' // Codex config.toml: [mcp_servers.NAME] (toml-config.ts)
  | 'goose'; // Goose config.yaml: extensions: NAME: { type: stdio, cmd, args, envs } (yaml-config.ts)

export type EnvValue = string | number | null;

export interface ServerEntry {
  name: string;
  command?: string;
  args: string[];
  env: Record<string, EnvValue>;
  envFile?: string;
  cwd?: string;
  type?: string;
  /** `url`, or Windsurf's `serverUrl`. */
  url?: string;
  /** The server's object node in the tree (JSONC formats). */
  node?: Node;
  /** Where its env object is, from the server (default `env`; opencode `environment`, Zed's oldest shape `command.env`). */
  envPath?: string[];
  /** Where its args array is (default `args`), and the index of args[0] there (opencode: 1, after the command). */
  argsPath?: string[];
  argsOffset?: number;
  /** Names the host is asked to pass on from its own environment (Codex `env_vars`). */
  passEnv?: string[];
}

export interface DuplicateKey {
  key: string;
  path: (string | number)[];
  line: number;
  column: number;
}

/** What JSON holds where an object was expected. */
export type JsonKind = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';

/**
 * Something in the file the tool read around instead of refusing the whole file: an entry that is
 * not a server object, an entry whose `env` is not an object (both left out of `servers`, never
 * edited), a second server set the host does not read. Codes and data; the front ends word them.
 */
export type ConfigProblem =
  | { code: 'entry-not-object'; server: string; found: JsonKind; line: number; column: number }
  | { code: 'env-not-object'; server: string; found: JsonKind; line: number; column: number }
  | { code: 'ignored-servers-key'; key: string; used: string; host: HostId | null; line: number; column: number };

/** The hosts that read `servers` (VS Code's mcp.json); every other host reads `mcpServers`. */
const SERVERS_READERS: ReadonlySet<HostId> = new Set<HostId>(['vscode', 'vscode-insiders', 'vscodium']);

export interface JsoncParsedConfig {
  dialect: 'jsonc';
  file: string;
  /** The text without a BOM. */
  text: string;
  bom: boolean;
  format: ConfigFormat;
  /** JSON path of the object that maps server names to entries. */
  serversPath: string[];
  serversNode: Node;
  root: Node;
  servers: ServerEntry[];
  /** Entries left out of `servers` and keys the host ignores, each with its line:column. */
  problems: ConfigProblem[];
  duplicates: DuplicateKey[];
}

/** A TOML (Codex) or YAML (Goose) config: read through its parser, edited by text-edit.ts. */
export interface TextParsedConfig {
  dialect: 'toml' | 'yaml';
  file: string;
  text: string;
  bom: boolean;
  format: ConfigFormat;
  serversPath: string[];
  servers: ServerEntry[];
  /** Always empty: the TOML and YAML readers refuse what they cannot read whole. */
  problems: ConfigProblem[];
  duplicates: DuplicateKey[];
}

export type ParsedConfig = JsoncParsedConfig | TextParsedConfig;

/** The syntax of a config, by its name: `.toml` (Codex), `.yaml`/`.yml` (Goose), else JSON with comments. */
export function dialectOf(file: string): ParsedConfig['dialect'] {
  if (/\.toml$/i.test(file)) return 'toml';
  if (/\.ya?ml$/i.test(file)) return 'yaml';
  return 'jsonc';
}

const BOM = '\uFEFF';

export function stripBom(text: string): { text: string; bom: boolean } {
  return text.startsWith(BOM) ? { text: text.slice(1), bom: true } : { text, bom: false };
}

/** Parses JSONC (comments, trailing commas); a syntax error names file and line:column. */
export function parseJsonc(file: string, text: string): Node {
  try {
    return parseJsoncText(file, text);
  } catch (error) {
    if (error instanceof RangeError) throw nestedTooDeeply(file);
    throw error;
  }
}

/**
 * The deepest nesting read. MCP configs and editor settings nest a handful of levels; jsonc-parser
 * and the walks over its tree recurse, and the stack runs out somewhere between a few thousand
 * levels and far fewer (it depends on the stack size and on how deep the caller already is: the
 * editor's extension host, a worker). A fixed limit far below that makes the refusal the same
 * everywhere and lets it point at the spot; 256 is 25 times what any real config uses.
 */
export const MAX_NESTING = 256;

/** The offset of the bracket that opens level MAX_NESTING + 1, found by the (iterative) scanner. */
function tooDeepAt(text: string): number | undefined {
  const scanner = createScanner(text, true);
  let depth = 0;
  for (let token = scanner.scan(); token !== SyntaxKind.EOF; token = scanner.scan()) {
    if (token === SyntaxKind.OpenBraceToken || token === SyntaxKind.OpenBracketToken) {
      depth += 1;
      if (depth > MAX_NESTING) return scanner.getTokenOffset();
    } else if (token === SyntaxKind.CloseBraceToken || token === SyntaxKind.CloseBracketToken) {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}

function parseJsoncText(file: string, text: string): Node {
  if (text.trim() === '') {
    throw new DoctorError('malformed-config', 'the file is empty: it holds no MCP servers', { file, line: 1, column: 1 });
  }
  const deep = tooDeepAt(text);
  if (deep !== undefined) throw nestedTooDeeply(file, lineColumn(text, deep));
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  const first = errors[0];
  if (first || !root) {
    const { line, column } = lineColumn(text, first?.offset ?? 0);
    const what = first ? printParseErrorCode(first.error) : 'no JSON value';
    throw new DoctorError('malformed-config', `not valid JSON (${what}): fix the file first; nothing was changed`, { file, line, column });
  }
  return root;
}

function locate(root: Node, file: string, explicit?: string[]): { format: ConfigFormat; path: string[]; node: Node } | undefined {
  if (root.type !== 'object') return undefined;
  const candidates: { format: ConfigFormat; path: string[] }[] = explicit
    ? [{ format: explicit[0] === 'projects' ? 'claude-local' : explicit.length === 1 && explicit[0] === 'mcpServers' ? 'mcpServers' : 'servers', path: explicit }]
    : [
    { format: 'servers', path: ['servers'] },
    { format: 'mcpServers', path: ['mcpServers'] },
    { format: 'settings-dotted', path: ['mcp.servers'] },
    { format: 'settings', path: ['mcp', 'servers'] },
    { format: 'code-workspace', path: ['settings', 'mcp', 'servers'] },
    { format: 'zed', path: ['context_servers'] },
    { format: 'opencode', path: ['mcp'] },
  ];
  for (const candidate of candidates) {
    let node: Node | undefined = root;
    for (const key of candidate.path) {
      node = node?.type === 'object' ? memberValue(findMember(node, key).property) : undefined;
    }
    if (candidate.format === 'opencode' && node && !looksLikeOpencode(root, node, file)) continue;
    if (node?.type === 'object') return { ...candidate, node };
  }
  return undefined;
}

/**
 * A top-level `mcp` object is opencode's only in an opencode file (by name or `$schema`) or when an
 * entry has its shape (`command` as an argv array, `type` local/remote): VS Code's settings use `mcp` too.
 */
function looksLikeOpencode(root: Node, mcp: Node, file: string): boolean {
  if (/(^|[\\/])opencode\.jsonc?$/.test(file)) return true;
  const schema = memberValue(findMember(root, '$schema').property)?.value;
  if (typeof schema === 'string' && schema.includes('opencode')) return true;
  return (mcp.children ?? []).some((property) => {
    const entry = property.children?.[1];
    if (entry?.type !== 'object') return false;
    const type = memberValue(findMember(entry, 'type').property)?.value;
    return memberValue(findMember(entry, 'command').property)?.type === 'array' || type === 'local' || type === 'remote';
  });
}

function stringValue(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'string') return node.value as string;
  if (node.type === 'number' || node.type === 'boolean') return String(node.value);
  return undefined;
}

/** Where a format keeps a server's command, args and env (see ServerEntry). */
function shapeOf(format: ConfigFormat, node: Node): { command?: string; argsNode?: Node; argsPath?: string[]; argsOffset?: number; envPath?: string[] } {
  const get = (from: Node | undefined, key: string): Node | undefined => (from?.type === 'object' ? memberValue(findMember(from, key).property) : undefined);
  const command = get(node, 'command');
  if (format === 'opencode' && command?.type === 'array') {
    return { command: stringValue(command.children?.[0]), argsNode: command, argsPath: ['command'], argsOffset: 1, envPath: ['environment'] };
  }
  if (format === 'opencode') return { command: stringValue(command), argsNode: get(node, 'args'), envPath: ['environment'] };
  if (format === 'zed' && command?.type === 'object') {
    // Zed's first shape: "command": { "path", "args", "env" } (zed docs/src/assistant/context-servers.md).
    return { command: stringValue(get(command, 'path')), argsNode: get(command, 'args'), argsPath: ['command', 'args'], envPath: ['command', 'env'] };
  }
  return { command: stringValue(command), argsNode: get(node, 'args') };
}

function readServer(name: string, node: Node, format: ConfigFormat = 'mcpServers'): ServerEntry {
  const get = (key: string): Node | undefined => memberValue(findMember(node, key).property);
  const shape = shapeOf(format, node);
  const args = (shape.argsNode?.children ?? []).slice(shape.argsOffset ?? 0).map((item) => stringValue(item) ?? '');
  let envNode: Node | undefined = node;
  for (const key of shape.envPath ?? ['env']) envNode = envNode?.type === 'object' ? memberValue(findMember(envNode, key).property) : undefined;
  const env: Record<string, EnvValue> = {};
  for (const property of envNode?.children ?? []) {
    const key = property.children?.[0]?.value as string | undefined;
    const value = property.children?.[1];
    if (key === undefined || !value) continue;
    env[key] = value.type === 'null' ? null : value.type === 'number' ? (value.value as number) : (stringValue(value) ?? '');
  }
  const type = stringValue(get('type'));
  return {
    name,
    command: shape.command,
    args,
    env,
    envFile: stringValue(get('envFile')),
    cwd: stringValue(get('cwd')),
    // opencode's "local" is stdio (transport.ts knows remote types only).
    type: format === 'opencode' && type === 'local' ? undefined : type,
    // Gemini CLI's `httpUrl` (Streamable HTTP, deprecated for `url`) is a remote server too.
    url: stringValue(get('url')) ?? stringValue(get('serverUrl')) ?? stringValue(get('httpUrl')),
    node,
    ...(shape.envPath ? { envPath: shape.envPath } : {}),
    ...(shape.argsPath ? { argsPath: shape.argsPath } : {}),
    ...(shape.argsOffset ? { argsOffset: shape.argsOffset } : {}),
  };
}

function findDuplicates(text: string, node: Node, path: (string | number)[], out: DuplicateKey[]): void {
  if (node.type === 'object') {
    const seen = new Set<string>();
    for (const property of node.children ?? []) {
      const keyNode = property.children?.[0];
      const key = keyNode?.value as string | undefined;
      if (key === undefined || !keyNode) continue;
      if (seen.has(key)) out.push({ key, path: [...path, key], ...lineColumn(text, keyNode.offset) });
      seen.add(key);
      const value = property.children?.[1];
      if (value) findDuplicates(text, value, [...path, key], out);
    }
  } else if (node.type === 'array') {
    (node.children ?? []).forEach((child, index) => findDuplicates(text, child, [...path, index], out));
  }
}

/**
 * Parses an MCP config; throws DoctorError malformed-config / unknown-config. `serversPath` picks
 * the servers object in a file that holds several (~/.claude.json's projects); else by content.
 */
export function parseConfig(file: string, rawText: string, serversPath?: string[]): ParsedConfig {
  const dialect = dialectOf(file);
  if (dialect !== 'jsonc') {
    const { text, bom } = stripBom(rawText);
    const read = dialect === 'toml' ? readTomlServers(file, text) : readYamlServers(file, text);
    return { dialect, file, text, bom, format: dialect === 'toml' ? 'codex' : 'goose', serversPath: read.serversPath, servers: read.servers, problems: [], duplicates: [] };
  }
  return parseJsoncConfig(file, rawText, serversPath);
}

/** parseConfig for a JSON-with-comments file (its tree is what jsonc-text.ts edits). */
export function parseJsoncConfig(file: string, rawText: string, serversPath?: string[]): JsoncParsedConfig {
  try {
    return parseConfigText(file, rawText, serversPath);
  } catch (error) {
    // jsonc-parser and the walks here recurse: a hostile nesting depth overflows the stack.
    if (error instanceof RangeError) throw nestedTooDeeply(file);
    throw error;
  }
}

export function nestedTooDeeply(file: string, at?: { line: number; column: number }): DoctorError {
  return new DoctorError(
    'malformed-config',
    `nested too deeply to be an MCP config (more than ${MAX_NESTING} levels here); nothing was changed`,
    { file, ...at },
  );
}

function parseConfigText(file: string, rawText: string, serversPath?: string[]): JsoncParsedConfig {
  const { text, bom } = stripBom(rawText);
  const root = parseJsonc(file, text);
  let found = locate(root, file, serversPath);
  // Both `servers` and `mcpServers`: the host of the file reads one of them. A file at a known
  // place of a host that reads `mcpServers` (Cursor, Claude Code, ...) is read that way; VS Code's
  // (and a file at no known place, read as VS Code's by content) keeps `servers`. The other is said.
  let ignored: { key: string; used: string; host: HostId | null; node: Node } | undefined;
  if (!serversPath && found?.format === 'servers') {
    const other = findMember(root, 'mcpServers').property;
    const otherValue = memberValue(other);
    const host = locationOfFile(file)?.host ?? null;
    if (other && otherValue?.type === 'object' && host !== null && !SERVERS_READERS.has(host)) {
      const used = findMember(root, 'servers').property;
      found = { format: 'mcpServers', path: ['mcpServers'], node: otherValue };
      if (used?.children?.[0]) ignored = { key: 'servers', used: 'mcpServers', host, node: used.children[0] };
    } else if (other?.children?.[0]) {
      ignored = { key: 'mcpServers', used: 'servers', host, node: other.children[0] };
    }
  }
  if (!found) {
    throw new DoctorError(
      'unknown-config',
      serversPath
        ? `no servers object at ${serversPath.map((key) => JSON.stringify(key)).join(' → ')}; nothing was changed`
        : 'not an MCP config: no "servers", "mcpServers" or "mcp": {"servers"} object at the top; nothing was changed',
      { file, line: 1, column: 1 },
    );
  }
  const servers: ServerEntry[] = [];
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  // Walk backwards so a duplicated server name yields the occurrence editors read (the last).
  for (const property of [...(found.node.children ?? [])].reverse()) {
    const name = property.children?.[0]?.value as string | undefined;
    const value = property.children?.[1];
    if (name === undefined || !value || seen.has(name)) continue;
    seen.add(name);
    if (value.type !== 'object') {
      problems.unshift({ code: 'entry-not-object', server: name, found: kindOf(value), ...lineColumn(text, value.offset) });
      continue;
    }
    const env = memberValue(findMember(value, 'env').property);
    if (env && env.type !== 'object') {
      // The host refuses or ignores such an entry; an edit could only guess: left out, said.
      problems.unshift({ code: 'env-not-object', server: name, found: kindOf(env), ...lineColumn(text, env.offset) });
      continue;
    }
    servers.unshift(readServer(name, value, found.format));
  }
  if (ignored) problems.unshift({ code: 'ignored-servers-key', key: ignored.key, used: ignored.used, host: ignored.host, ...lineColumn(text, ignored.node.offset) });
  const duplicates: DuplicateKey[] = [];
  findDuplicates(text, root, [], duplicates);
  return { dialect: 'jsonc', file, text, bom, format: found.format, serversPath: found.path, serversNode: found.node, root, servers, problems, duplicates };
}

function kindOf(node: Node): JsonKind {
  // A value node is never a property; kept total for the type.
  return node.type === 'property' ? 'object' : node.type;
}

/** English wording of a ConfigProblem (the CLI's; the editor words the codes through l10n). */
export function configProblemText(problem: ConfigProblem): string {
  return problem.code === 'ignored-servers-key' ? configProblemReason(problem) : `server "${problem.server}": ${configProblemReason(problem)}`;
}

/** The same without the server's name (for a line that already names it). */
export function configProblemReason(problem: ConfigProblem): string {
  const at = `line ${problem.line}:${problem.column}`;
  const kind = (found: JsonKind): string => (found === 'null' ? 'null' : found === 'array' || found === 'object' ? `an ${found}` : `a ${found}`);
  switch (problem.code) {
    case 'entry-not-object':
      return `the entry (${at}) is ${kind(problem.found)}, not an object with "command" or "url": no host can start it; it was left alone`;
    case 'env-not-object':
      return `its "env" (${at}) is ${kind(problem.found)}, not an object: make it {} (or remove it) and run again; it was left alone`;
    case 'ignored-servers-key':
      return (
        `"${problem.key}" (${at}) is ignored: ${problem.used === 'servers' ? `${problem.host === null ? 'read as a VS Code mcp.json: ' : ''}VS Code reads` : `${problem.host ?? 'its host'} reads`} only "${problem.used}" in this file, ` +
        `so the servers under "${problem.key}" never start and were not fixed; move them into "${problem.used}"`
      );
  }
}

/**
 * By format alone: VS Code resolves `${userHome}` in mcp.json and settings; `mcpServers` files
 * belong to many hosts, most not known to (be conservative). Prefer configResolvesVariables, which
 * also knows the file's location (Cursor's `mcpServers` files do resolve).
 */
export function formatResolvesVariables(format: ConfigFormat): boolean {
  return format === 'servers' || format === 'settings' || format === 'settings-dotted' || format === 'code-workspace';
}

/**
 * Whether the host that reads this file expands `${userHome}`: by where the file is (the location
 * rows of locations.ts: `.cursor/mcp.json` yes, `.mcp.json` no), else by its format.
 */
export function configResolvesVariables(file: string, format: ConfigFormat): boolean {
  return locationResolvesVariables(file) ?? formatResolvesVariables(format);
}
