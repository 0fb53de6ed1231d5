// Codex's config.toml: `[mcp_servers.NAME]` tables (or inline tables, or dotted keys), env in an
// `env` table (`[mcp_servers.NAME.env]` or `env = { ... }`), `env_vars` naming variables Codex passes
// on (openai/codex docs/config.md "MCP integration"). The only importer of the TOML parser:
// toml-eslint-parser (ota-meshi, used by eslint-plugin-toml) gives every key and value with its
// source range, which is what a byte-exact splice needs; value-only parsers (smol-toml, @iarna/toml)
// lose the positions, and patch libraries (toml-patch) re-print the document.
import { getStaticTOMLValue, parseTOML, type AST } from 'toml-eslint-parser';
import { DoctorError } from '../types';
import type { TextContainer, TextDialect, TextMember, TextServerPlaces } from './text-edit';

/** A server as read (structurally a config.ts ServerEntry). */
export interface TextServer {
  name: string;
  command?: string;
  args: string[];
  env: Record<string, string | number | null>;
  cwd?: string;
  type?: string;
  url?: string;
  envPath?: string[];
  passEnv?: string[];
}

function parse(file: string, text: string): AST.TOMLProgram {
  try {
    return parseTOML(text);
  } catch (error) {
    const where = error as { lineNumber?: number; column?: number; message?: string };
    throw new DoctorError('malformed-config', `not valid TOML (${where.message ?? String(error)}): fix the file first; nothing was changed`, {
      file,
      line: where.lineNumber ?? 1,
      column: (where.column ?? 0) + 1,
    });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

/** The servers of a Codex config; unknown-config without an `mcp_servers` table. */
export function readTomlServers(file: string, source: string): { servers: TextServer[]; serversPath: string[] } {
  const data: unknown = getStaticTOMLValue(parse(file, source));
  const table = isRecord(data) ? data.mcp_servers : undefined;
  if (!isRecord(table)) {
    throw new DoctorError('unknown-config', 'not an MCP config: no [mcp_servers] table; nothing was changed', { file, line: 1, column: 1 });
  }
  const servers: TextServer[] = [];
  for (const [name, entry] of Object.entries(table)) {
    if (!isRecord(entry)) continue;
    const env: Record<string, string | number | null> = {};
    if (isRecord(entry.env)) for (const [key, value] of Object.entries(entry.env)) env[key] = typeof value === 'number' ? value : (text(value) ?? '');
    // env_vars: names, or { name, source = "local" | "remote" } (codex-rs/rmcp-client/src/utils.rs @08e91659).
    const passEnv = Array.isArray(entry.env_vars)
      ? entry.env_vars.flatMap((item) => (typeof item === 'string' ? [item] : isRecord(item) && typeof item.name === 'string' && item.source !== 'remote' ? [item.name] : []))
      : undefined;
    servers.push({
      name,
      command: text(entry.command),
      args: Array.isArray(entry.args) ? entry.args.map((arg) => text(arg) ?? '') : [],
      env,
      cwd: text(entry.cwd),
      url: text(entry.url),
      ...(passEnv ? { passEnv } : {}),
    });
  }
  return { servers, serversPath: ['mcp_servers'] };
}

function keyNames(key: AST.TOMLKey): string[] {
  return key.keys.map((part) => (part.type === 'TOMLBare' ? part.name : part.value));
}

function startsWith(path: (string | number)[], prefix: string[]): boolean {
  return prefix.every((part, i) => path[i] === part);
}

function indentOf(source: string, offset: number): string {
  const start = source.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(source.slice(start, offset))?.[0] ?? '';
}

function member(kv: AST.TOMLKeyValue, key: string): TextMember {
  return { key, start: kv.range[0], end: kv.value.range[1], value: getStaticTOMLValue(kv.value) };
}

function inline(table: AST.TOMLInlineTable): TextContainer {
  const members = table.body.filter((kv) => kv.key.keys.length === 1).map((kv) => member(kv, keyNames(kv.key)[0] ?? ''));
  return { kind: 'flow', members, open: table.range[0], close: table.range[1] - 1, linePrefix: '', emptyAnchor: table.range[0] };
}

/**
 * The map at `path`: a table with that key, an inline table assigned to it, or dotted keys below it
 * (`env.A = ...` inside the server's table) — whichever the file uses.
 */
function containerAt(program: AST.TOMLProgram, source: string, path: string[]): TextContainer | undefined {
  const top = program.body[0];
  const tables: { resolved: (string | number)[]; body: AST.TOMLKeyValue[]; header?: AST.TOMLTable }[] = [
    { resolved: [], body: top.body.filter((node): node is AST.TOMLKeyValue => node.type === 'TOMLKeyValue') },
    ...top.body.filter((node): node is AST.TOMLTable => node.type === 'TOMLTable' && node.kind === 'standard').map((table) => ({ resolved: table.resolvedKey, body: table.body, header: table })),
  ];
  const own = tables.find((table) => table.header && table.resolved.length === path.length && startsWith(table.resolved, path));
  if (own?.header) {
    const members = own.body.filter((kv) => kv.key.keys.length === 1).map((kv) => member(kv, keyNames(kv.key)[0] ?? ''));
    const first = own.body[0];
    return { kind: 'block', members, open: -1, close: -1, linePrefix: first ? indentOf(source, first.range[0]) : '', emptyAnchor: own.header.key.range[1] };
  }
  // An inline table at the path, possibly inside another (`x = { command = "u", env = { A = "1" } }`).
  const findInline = (resolved: (string | number)[], body: AST.TOMLKeyValue[]): TextContainer | undefined => {
    for (const kv of body) {
      const full = [...resolved, ...keyNames(kv.key)];
      if (kv.value.type !== 'TOMLInlineTable' || !startsWith(path, full.map(String))) continue;
      if (full.length === path.length) return inline(kv.value);
      const inner = findInline(full, kv.value.body);
      if (inner) return inner;
    }
    return undefined;
  };
  for (const table of tables) {
    const found = findInline(table.resolved, table.body);
    if (found) return found;
  }
  // Dotted keys: `x.command = "npx"` under [mcp_servers], `env.A = "1"` under the server's table.
  for (const table of tables) {
    const dotted = table.body.filter((kv) => {
      const full = [...table.resolved, ...keyNames(kv.key)];
      return full.length === path.length + 1 && startsWith(full, path) && table.resolved.length < path.length;
    });
    const first = dotted[0];
    if (!first) continue;
    const keep = path.length - table.resolved.length;
    const lastPrefixKey = first.key.keys[keep] as AST.TOMLBare | AST.TOMLQuoted;
    const linePrefix = indentOf(source, first.range[0]) + source.slice(first.key.range[0], lastPrefixKey.range[0]);
    const members = dotted.map((kv) => member(kv, keyNames(kv.key)[keep] ?? ''));
    return { kind: 'block', members, open: -1, close: -1, linePrefix, emptyAnchor: first.range[0] };
  }
  return undefined;
}

function bareKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

/** The value assigned at `path`, wherever the file writes it (a table's key, a dotted key, inside an inline table). */
function valueAt(program: AST.TOMLProgram, path: string[]): AST.TOMLContentNode | undefined {
  const top = program.body[0];
  const walk = (resolved: (string | number)[], body: AST.TOMLKeyValue[]): AST.TOMLContentNode | undefined => {
    for (const kv of body) {
      const full = [...resolved, ...keyNames(kv.key)];
      if (full.length === path.length && startsWith(full, path)) return kv.value;
      if (kv.value.type === 'TOMLInlineTable' && full.length < path.length && startsWith(path, full.map(String))) {
        const inner = walk(full, kv.value.body);
        if (inner) return inner;
      }
    }
    return undefined;
  };
  for (const node of top.body) {
    const found = node.type === 'TOMLKeyValue' ? walk([], [node]) : node.kind === 'standard' ? walk(node.resolvedKey, node.body) : undefined;
    if (found) return found;
  }
  return undefined;
}

export const TOML_DIALECT: TextDialect = {
  envKey: 'env',
  places(file: string, source: string, serversPath: string[], server: string): TextServerPlaces {
    const program = parse(file, source);
    const args = valueAt(program, [...serversPath, server, 'args']);
    const command = valueAt(program, [...serversPath, server, 'command']);
    return {
      env: containerAt(program, source, [...serversPath, server, 'env']),
      server: containerAt(program, source, [...serversPath, server]),
      command: command ? text(getStaticTOMLValue(command)) : undefined,
      args:
        args?.type === 'TOMLArray'
          ? { items: args.elements.map((item) => ({ start: item.range[0], end: item.range[1], value: getStaticTOMLValue(item) })), loneSeparator: ', ' }
          : undefined,
    };
  },
  pair: (key, value) => `${bareKey(key)} = ${value}`,
  flowMap: (pairs) => `{ ${pairs.map(([k, v]) => `${bareKey(k)} = ${v}`).join(', ')} }`,
  flowPadding: ' ',
};
