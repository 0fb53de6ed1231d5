// Byte-exact edits of TOML (Codex) and YAML (Goose) configs, the way jsonc-text.ts edits JSONC: the
// dialect's parser (toml-config.ts, yaml-config.ts) says where each key/value sits, and a change is a
// pure insertion at those offsets — a `KEY = "value"` line after the env table's last line, a
// `, KEY = "value"` inside an inline table — so every other byte (comments, quoting, key order,
// anchors) stays, and taking the insertion out gives the original bytes back. Recorded as the same
// undo steps as JSONC (a JSON path and the value), so the manifest, its checks and the hash-proven
// undo are the ones every config gets.
import { DoctorError } from '../types';
import { applyTextEdits, detectStyle, type TextEdit } from './jsonc-text';
import { detectRuntime } from '../runtime/detect';

/** One key/value as the dialect's parser placed it. */
export interface TextMember {
  key: string;
  /** Offsets of the whole member (key through value) in the text. */
  start: number;
  end: number;
  /** Its value as data (string, number, object...). */
  value: unknown;
}

/**
 * A map the fix may add to: `block` — one member per line (a TOML table's body, a YAML block
 * mapping); `flow` — inline between `{` and `}` (a TOML inline table, a YAML flow mapping).
 */
export interface TextContainer {
  kind: 'block' | 'flow';
  members: TextMember[];
  /** flow: offsets of `{` and `}`. */
  open: number;
  close: number;
  /** block: the text before a key on a new line (indentation; a TOML dotted prefix such as `env.`). */
  linePrefix: string;
  /** block: where a first member goes when there is none yet (the end of a TOML table's header). */
  emptyAnchor: number;
  /**
   * block: insert new lines at this line start instead of after the last member (a YAML map whose
   * last value is a block scalar keeping its trailing lines: a line after it would change that value).
   */
  insertAtLineStart?: number;
}

/** An item of a sequence (a TOML array, a YAML sequence) as the parser placed it. */
export interface TextItem {
  start: number;
  end: number;
  value: unknown;
}

/** A server's `args`: its items, and the separator to use when there is only one (`, ` or a YAML `- ` line). */
export interface TextArgs {
  items: TextItem[];
  loneSeparator: string;
}

/** What the dialect knows about one server in a parsed text. */
export interface TextServerPlaces {
  /** Its command and args as read (to check where docker options land). */
  command?: string;
  args?: TextArgs;
  /** Its env map, when it has one (Codex `env`, Goose `envs`). */
  env?: TextContainer;
  /** The map holding its keys, to add an env map to. */
  server?: TextContainer;
  /** Why it cannot be edited safely (an alias, a merge key), or undefined. */
  refusal?: string;
}

export interface TextDialect {
  /** The key of a server's env map in this format. */
  envKey: string;
  /** Places of a server (after a fresh parse of `text`). */
  places(file: string, text: string, serversPath: string[], server: string): TextServerPlaces;
  /** `KEY = "value"` / `KEY: "value"`. */
  pair(key: string, value: string): string;
  /** A new env map holding the pairs, as a value: `{ A = "x" }` / `{A: "x"}`. */
  flowMap(pairs: [string, string][]): string;
  /** A flow map's first member: TOML `{ A = "x" }` wants spaces inside, YAML `{A: "x"}` none. */
  flowPadding: string;
}

/** The change of one server, as edit.ts's ServerChange (only env additions and replacements here). */
export interface TextChange {
  server: string;
  add: Record<string, string>;
  replace: Record<string, string>;
  insertArgs?: { index: number; values: string[] };
  removeEnv: string[];
  removeArgs: number[];
}

/** How an insertion was made (the shape of jsonc-text's InsertionRecord, so the manifest checks it alike). */
export interface TextRecord {
  addedComma: boolean;
  emptyInner?: string;
}

export type TextStep =
  | { op: 'add-member'; path: (string | number)[]; value: unknown; record: TextRecord }
  | { op: 'insert-items'; path: (string | number)[]; index: number; values: string[] }
  | { op: 'replace-value'; path: (string | number)[]; value: unknown; priorRaw: string };

/** A JSON string is a valid TOML basic string and a valid YAML double-quoted scalar. */
function quoted(value: string): string {
  return JSON.stringify(value);
}

/** Where the line holding `offset` ends (before its line break). */
function lineEnd(text: string, offset: number): number {
  const next = text.indexOf('\n', offset);
  if (next === -1) return text.length;
  return next > 0 && text[next - 1] === '\r' ? next - 1 : next;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Edits that add members to a container; one record per member (the first holds the comma or the empty inner text). */
function addMembers(text: string, container: TextContainer, lines: string[], eol: string, dialect: TextDialect): { edits: TextEdit[]; records: TextRecord[] } {
  if (container.kind === 'block') {
    if (container.insertAtLineStart !== undefined) {
      const content = lines.map((line) => `${container.linePrefix}${line}${eol}`).join('');
      return { edits: [{ offset: container.insertAtLineStart, length: 0, content }], records: lines.map(() => ({ addedComma: false })) };
    }
    const last = container.members[container.members.length - 1];
    // After the last value's last character: a YAML block scalar's range takes in the line break after it.
    const at = last ? lineEnd(text, trimmedEnd(text, last.start, last.end)) : lineEnd(text, container.emptyAnchor);
    const content = lines.map((line) => `${eol}${container.linePrefix}${line}`).join('');
    return { edits: [{ offset: at, length: 0, content }], records: lines.map(() => ({ addedComma: false })) };
  }
  const last = container.members[container.members.length - 1];
  if (!last) {
    const inner = text.slice(container.open + 1, container.close);
    if (!/^\s*$/.test(inner)) throw new DoctorError('refused', 'an inline table with only comments inside: left alone; nothing was changed');
    const content = `${dialect.flowPadding}${lines.join(', ')}${dialect.flowPadding}`;
    return {
      edits: [{ offset: container.open + 1, length: inner.length, content }],
      records: lines.map((_, i) => (i === 0 ? { addedComma: false, emptyInner: inner } : { addedComma: true })),
    };
  }
  return { edits: [{ offset: last.end, length: 0, content: lines.map((line) => `, ${line}`).join('') }], records: lines.map(() => ({ addedComma: true })) };
}

/** The end of a range without the whitespace and line breaks it closes with. */
function trimmedEnd(text: string, start: number, end: number): number {
  let at = end;
  while (at > start && /\s/.test(text[at - 1] ?? '')) at -= 1;
  return at;
}

/** Edits that take one member out again: the inverse of addMembers when nothing moved. */
function removeMember(text: string, container: TextContainer, member: TextMember, record: TextRecord): TextEdit {
  const index = container.members.indexOf(member);
  if (container.kind === 'block') {
    const start = lineStart(text, member.start);
    const end = lineEnd(text, trimmedEnd(text, member.start, member.end));
    if (container.insertAtLineStart !== undefined && index === 0) {
      // Inserted before the first member: the line and its own line break.
      const eolLength = text.startsWith('\r\n', end) ? 2 : 1;
      return { offset: start, length: end - start + eolLength, content: '' };
    }
    const eolLength = start >= 2 && text[start - 2] === '\r' ? 2 : 1;
    if (start === 0) return { offset: 0, length: Math.min(text.length, end + eolLength), content: '' };
    return { offset: start - eolLength, length: end - start + eolLength, content: '' };
  }
  if (container.members.length === 1 && record.emptyInner !== undefined) {
    return { offset: container.open + 1, length: container.close - container.open - 1, content: record.emptyInner };
  }
  const previous = container.members[index - 1];
  if (previous) return { offset: previous.end, length: member.end - previous.end, content: '' };
  const next = container.members[index + 1];
  if (next) return { offset: member.start, length: next.start - member.start, content: '' };
  return { offset: container.open + 1, length: container.close - container.open - 1, content: record.emptyInner ?? '' };
}

function unsupported(file: string, server: string, what: string): DoctorError {
  return new DoctorError('refused', `server "${server}": ${what} is not supported in this format yet; nothing was changed`, { file });
}

/** The env additions and replacements of every change, as byte-exact edits of the text. */
export function editTextServers(
  parsed: { file: string; text: string; serversPath: string[] },
  changes: TextChange[],
  dialect: TextDialect,
): { text: string; steps: TextStep[] } {
  const { eol } = detectStyle(parsed.text);
  let text = parsed.text;
  const steps: TextStep[] = [];
  // One server at a time, each against a fresh parse: servers may share a table (Codex `[mcp_servers]` with inline entries).
  for (const change of changes) {
    if (change.removeArgs.length > 0) throw unsupported(parsed.file, change.server, 'taking out an argument');
    if (change.removeEnv.length > 0) throw unsupported(parsed.file, change.server, 'taking out an env entry');
    const envPath = [...parsed.serversPath, change.server, dialect.envKey];
    if (change.insertArgs && change.insertArgs.values.length > 0) {
      const { index, values } = change.insertArgs;
      const places = dialect.places(parsed.file, text, parsed.serversPath, change.server);
      if (places.refusal) throw unsupported(parsed.file, change.server, places.refusal);
      const items = places.args?.items ?? [];
      const image = items[index];
      if (!places.args || !image) {
        throw new DoctorError('unknown-config', `server "${change.server}": could not find the docker image among the arguments; nothing was changed`, { file: parsed.file });
      }
      text = applyTextEdits(text, [{ offset: image.start, length: 0, content: values.map((value) => quoted(value) + separatorAt(text, places.args as TextArgs, index)).join('') }]);
      // The options must come before the image, or they become the container's command.
      const after = dialect.places(parsed.file, text, parsed.serversPath, change.server);
      const args = (after.args?.items ?? []).map((item) => (typeof item.value === 'string' ? item.value : String(item.value)));
      if (detectRuntime(after.command, args).dockerImageIndex !== index + values.length) {
        throw new DoctorError('refused', `server "${change.server}": the docker options would not come before the image (they would go to the container's command); nothing was changed`, { file: parsed.file });
      }
      steps.push({ op: 'insert-items', path: [...parsed.serversPath, change.server, 'args'], index, values });
    }
    for (const [name, value] of Object.entries(change.replace)) {
      const places = dialect.places(parsed.file, text, parsed.serversPath, change.server);
      const member = places.env?.members.find((m) => m.key === name);
      if (!member || places.refusal) throw unsupported(parsed.file, change.server, places.refusal ?? `replacing ${name}`);
      const priorRaw = rawValueOf(text.slice(member.start, member.end));
      text = applyTextEdits(text, [{ offset: member.end - priorRaw.length, length: priorRaw.length, content: quoted(value) }]);
      steps.push({ op: 'replace-value', path: [...envPath, name], value, priorRaw });
    }
    const additions = Object.entries(change.add);
    if (additions.length === 0) continue;
    const places = dialect.places(parsed.file, text, parsed.serversPath, change.server);
    if (places.refusal) throw unsupported(parsed.file, change.server, places.refusal);
    if (places.env) {
      const { edits, records } = addMembers(text, places.env, additions.map(([k, v]) => dialect.pair(k, quoted(v))), eol, dialect);
      text = applyTextEdits(text, edits);
      additions.forEach(([name, value], i) => steps.push({ op: 'add-member', path: [...envPath, name], value, record: records[i] ?? { addedComma: false } }));
    } else if (places.server) {
      const member = dialect.pair(dialect.envKey, dialect.flowMap(additions.map(([k, v]) => [k, quoted(v)])));
      const { edits, records } = addMembers(text, places.server, [member], eol, dialect);
      text = applyTextEdits(text, edits);
      steps.push({ op: 'add-member', path: envPath, value: Object.fromEntries(additions), record: records[0] ?? { addedComma: false } });
    } else {
      throw new DoctorError('unknown-config', `server "${change.server}" was not found where it was read; nothing was changed`, { file: parsed.file });
    }
  }
  return { text, steps };
}

/** The text between two items of the sequence, reused between inserted ones (commas, a YAML `- ` line); never a comment. */
function separatorAt(text: string, args: TextArgs, index: number): string {
  const { items } = args;
  const [a, b] = index > 0 ? [items[index - 1], items[index]] : [items[0], items[1]];
  const between = a && b ? text.slice(a.end, b.start) : '';
  return between !== '' && /^[\s,-]*$/.test(between) ? between : args.loneSeparator;
}

/** The value part of a `KEY = value` / `KEY: value` member's text (everything after the first separator). */
function rawValueOf(member: string): string {
  const match = /^(?:"(?:[^"\\]|\\.)*"|'[^']*'|[^=:]+?)\s*[=:]\s*/.exec(member);
  return match ? member.slice(match[0].length) : member;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Takes steps back in reverse order against fresh parses: the text dialects' undoSteps. */
export function undoTextSteps(
  file: string,
  text: string,
  steps: { op: string; path: (string | number)[] }[],
  serversPathLength: number,
  dialect: TextDialect,
): { text: string; undone: number[]; kept: { index: number; reason: string }[] } {
  let current = text;
  const undone: number[] = [];
  const kept: { index: number; reason: string }[] = [];
  for (let index = steps.length - 1; index >= 0; index -= 1) {
    const step = steps[index] as TextStep | { op: string; path: (string | number)[] };
    const serversPath = step.path.slice(0, serversPathLength).map(String);
    const server = String(step.path[serversPathLength] ?? '');
    const places = dialect.places(file, current, serversPath, server);
    const rest = step.path.slice(serversPathLength + 1).map(String);
    if (step.op === 'add-member' && 'record' in step) {
      const [container, key] = rest.length === 1 ? [places.server, rest[0]] : [places.env, rest[1]];
      const member = container?.members.find((m) => m.key === key);
      if (!container || !member) {
        kept.push({ index, reason: 'already gone' });
        continue;
      }
      if (!same(member.value, step.value)) {
        kept.push({ index, reason: 'changed since the fix' });
        continue;
      }
      current = applyTextEdits(current, [removeMember(current, container, member, step.record)]);
      undone.push(index);
    } else if (step.op === 'insert-items' && 'values' in step) {
      const items = places.args?.items ?? [];
      const matches = (at: number): boolean => step.values.every((value, i) => items[at + i]?.value === value) && items[at + step.values.length] !== undefined;
      let at = matches(step.index) ? step.index : -1;
      for (let i = 0; at === -1 && i + step.values.length < items.length; i += 1) if (matches(i)) at = i;
      const first = items[at];
      const next = items[at + step.values.length];
      if (at === -1 || !first || !next) {
        kept.push({ index, reason: 'changed since the fix' });
        continue;
      }
      current = applyTextEdits(current, [{ offset: first.start, length: next.start - first.start, content: '' }]);
      undone.push(index);
    } else if (step.op === 'replace-value' && 'priorRaw' in step) {
      const member = places.env?.members.find((m) => m.key === rest[1]);
      if (!member || !same(member.value, step.value)) {
        kept.push({ index, reason: 'changed since the fix' });
        continue;
      }
      const value = rawValueOf(current.slice(member.start, member.end));
      current = applyTextEdits(current, [{ offset: member.end - value.length, length: value.length, content: step.priorRaw }]);
      undone.push(index);
    } else {
      kept.push({ index, reason: 'not a change a fix of this format makes' });
    }
  }
  return { text: current, undone, kept };
}
