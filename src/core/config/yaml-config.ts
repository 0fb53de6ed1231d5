// Goose's config.yaml: `extensions: NAME: { type: stdio, cmd, args, envs, env_keys, ... }`
// (block/goose crates/goose/src/agents/extension.rs ExtensionConfig; docs/guides/config-files).
// The only importer of the YAML parser: `yaml` (eemeli) gives every node's source range, so edits
// are splices; anchors, aliases, comments and quoting elsewhere are never re-printed. A server that
// is an alias, or whose map has a merge key (`<<`), is refused: writing into shared text would change
// other servers, and an own `envs` would hide the merged one.
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Pair, type YAMLMap } from 'yaml';
import { DoctorError } from '../types';
import type { TextContainer, TextDialect, TextMember, TextServerPlaces } from './text-edit';
import type { TextServer } from './toml-config';

function parse(file: string, text: string): Document {
  const doc = parseDocument(text, { uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const at = first.linePos?.[0];
    throw new DoctorError('malformed-config', `not valid YAML (${first.message.split('\n')[0] ?? first.code}): fix the file first; nothing was changed`, {
      file,
      line: at?.line ?? 1,
      column: at?.col ?? 1,
    });
  }
  return doc;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

/** The extensions of a Goose config as servers; unknown-config without an `extensions` map. */
export function readYamlServers(file: string, source: string): { servers: TextServer[]; serversPath: string[] } {
  const data: unknown = parse(file, source).toJS({ maxAliasCount: 100 });
  const extensions = isRecord(data) ? data.extensions : undefined;
  if (!isRecord(extensions)) {
    throw new DoctorError('unknown-config', 'not an MCP config: no "extensions" map; nothing was changed', { file, line: 1, column: 1 });
  }
  const servers: TextServer[] = [];
  for (const [name, entry] of Object.entries(extensions)) {
    if (!isRecord(entry)) continue;
    const env: Record<string, string | number | null> = {};
    if (isRecord(entry.envs)) for (const [key, value] of Object.entries(entry.envs)) env[key] = typeof value === 'number' ? value : (text(value) ?? '');
    const type = text(entry.type);
    servers.push({
      name,
      // stdio extensions run `cmd`; builtin/platform ones run inside Goose (no command: not a child process).
      command: type === undefined || type === 'stdio' ? text(entry.cmd) : undefined,
      args: Array.isArray(entry.args) ? entry.args.map((arg) => text(arg) ?? '') : [],
      env,
      type,
      url: text(entry.uri),
      envPath: ['envs'],
    });
  }
  return { servers, serversPath: ['extensions'] };
}

function indentOf(source: string, offset: number): string {
  const start = source.lastIndexOf('\n', offset - 1) + 1;
  const before = source.slice(start, offset);
  // A key after `- ` on its line: indent to its column.
  return /^[ \t]*$/.test(before) ? before : ' '.repeat(before.length);
}

function container(source: string, map: YAMLMap): TextContainer | undefined {
  const members: TextMember[] = [];
  for (const pair of map.items as Pair[]) {
    if (!isScalar(pair.key) || !pair.key.range) return undefined;
    const value = pair.value;
    const end = value && typeof value === 'object' && 'range' in value && Array.isArray(value.range) ? (value.range[1] as number) : pair.key.range[1];
    members.push({
      key: String(pair.key.value),
      start: pair.key.range[0],
      end,
      value: value && typeof value === 'object' && 'toJSON' in value ? (value as { toJSON(): unknown }).toJSON() : value,
    });
  }
  const [open, , ] = map.range ?? [0, 0, 0];
  if (map.flow) {
    const close = (map.range?.[1] ?? 0) - 1;
    if (source[open] !== '{' || source[close] !== '}') return undefined;
    return { kind: 'flow', members, open, close, linePrefix: '', emptyAnchor: open };
  }
  const first = members[0];
  if (!first) return undefined;
  const linePrefix = indentOf(source, first.start);
  // A last value `|+` / `>+` keeps its trailing lines: a new line after it would end that value early.
  const lastValue = (map.items[map.items.length - 1] as Pair | undefined)?.value;
  const keeps = isScalar(lastValue) && (lastValue.type === 'BLOCK_LITERAL' || lastValue.type === 'BLOCK_FOLDED') && /^[|>][1-9]?\+/.test(source.slice(lastValue.range?.[0] ?? 0));
  const lineStartOfFirst = source.lastIndexOf('\n', first.start - 1) + 1;
  const insertAtLineStart = keeps && /^[ \t]*$/.test(source.slice(lineStartOfFirst, first.start)) ? lineStartOfFirst : undefined;
  if (keeps && insertAtLineStart === undefined) return undefined;
  return { kind: 'block', members, open: -1, close: -1, linePrefix, emptyAnchor: first.start, ...(insertAtLineStart !== undefined ? { insertAtLineStart } : {}) };
}

export const YAML_DIALECT: TextDialect = {
  envKey: 'envs',
  places(file: string, source: string, serversPath: string[], server: string): TextServerPlaces {
    const doc = parse(file, source);
    const servers = doc.getIn(serversPath, true);
    if (!isMap(servers)) return {};
    const entry = servers.get(server, true);
    if (isAlias(entry)) return { refusal: 'an alias of another entry (editing it would change that one too)' };
    if (!isMap(entry)) return {};
    if (entry.items.some((pair) => isScalar(pair.key) && pair.key.value === '<<')) return { refusal: 'a merge key (<<) in its map' };
    const envs = entry.get('envs', true);
    if (envs !== undefined && !isMap(envs)) return { refusal: '"envs" that is not a map of its own (an alias or empty)' };
    const cmd = entry.get('cmd', true);
    const args = entry.get('args', true);
    const items = isSeq(args)
      ? args.items.flatMap((item) => (isScalar(item) && item.range ? [{ start: item.range[0], end: item.range[1], value: item.value }] : []))
      : [];
    const first = items[0];
    const eol = source.includes('\r\n') ? '\r\n' : '\n';
    const loneSeparator = isSeq(args) && !args.flow && first ? `${eol}${source.slice(source.lastIndexOf('\n', first.start - 1) + 1, first.start)}` : ', ';
    return {
      env: envs ? container(source, envs) : undefined,
      server: container(source, entry),
      command: isScalar(cmd) ? text(cmd.value) : undefined,
      args: isSeq(args) && items.length === args.items.length ? { items, loneSeparator } : undefined,
    };
  },
  pair: (key, value) => `${/^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key)}: ${value}`,
  flowMap: (pairs) => `{${pairs.map(([k, v]) => `${/^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k)}: ${v}`).join(', ')}}`,
  flowPadding: '',
};
