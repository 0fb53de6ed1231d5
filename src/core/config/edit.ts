// Turns "set these variables on these servers" into byte-exact text edits, and records each one
// as an undo step that finds its target again by JSON path (so later user edits elsewhere stay).
import { Node } from 'jsonc-parser';
import { DoctorError } from '../types';
import { JsoncParsedConfig, parseJsoncConfig as parseConfig, ParsedConfig, dialectOf } from './config';
import { editTextServers, undoTextSteps } from './text-edit';
import { TOML_DIALECT } from './toml-config';
import { YAML_DIALECT } from './yaml-config';
import { detectRuntime } from '../runtime/detect';
import {
  appendMember,
  applyTextEdits,
  detectStyle,
  findMember,
  insertBefore,
  InsertionRecord,
  memberValue,
  removeChildren,
  removeMember,
  replaceValue,
  TextEdit,
  TextStyle,
} from './jsonc-text';

export type JsonPath = (string | number)[];

/** One recorded change; undo takes them back in reverse order. */
export type UndoStep =
  | { op: 'add-member'; path: JsonPath; value: unknown; record: InsertionRecord }
  | { op: 'replace-value'; path: JsonPath; value: unknown; priorRaw: string }
  | { op: 'insert-items'; path: JsonPath; index: number; values: string[] }
  | { op: 'remove-member'; path: JsonPath; index: number; raw: string }
  | { op: 'remove-items'; path: JsonPath; index: number; raws: string[] };

export interface ServerChange {
  server: string;
  /** Variables to add (absent from the entry's env). */
  add: Record<string, string>;
  /** Variables whose existing value is replaced (`replace: true`). */
  replace: Record<string, string>;
  /** docker: args inserted before the image. */
  insertArgs?: { index: number; values: string[] };
  /** Insecure settings to take out. */
  removeEnv: string[];
  removeArgs: number[];
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * The node at a JSON path. A duplicated key on the way (a server, its `env`) is refused; a variable
 * of an `env` may be duplicated: hosts (JSON.parse) read its last occurrence, so that is the one
 * read, set and taken back (never a further copy appended).
 */
function nodeAt(root: Node, path: JsonPath): { property?: Node; value?: Node; parent?: Node } {
  let node: Node | undefined = root;
  let property: Node | undefined;
  let parent: Node | undefined;
  for (const [i, segment] of path.entries()) {
    parent = node;
    if (node?.type === 'object' && typeof segment === 'string') {
      const found = findMember(node, segment);
      // A variable: the last segment, right under `env` (a servers object, a name and `env` come first).
      const variable = i === path.length - 1 && i >= 3 && path[i - 1] === 'env';
      if (found.duplicate && !variable) {
        throw new DoctorError('malformed-config', `the key "${segment}" appears twice (editors read only the last one): remove one, then run again`);
      }
      property = found.property;
      node = memberValue(property);
    } else if (node?.type === 'array' && typeof segment === 'number') {
      property = undefined;
      node = node.children?.[segment];
    } else {
      return {};
    }
  }
  return { property, value: node, parent };
}

function objectMembers(entries: [string, string][], indent: string, style: TextStyle): string {
  if (style.singleLine) return `{${entries.map(([k, v]) => `${json(k)}: ${json(v)}`).join(', ')}}`;
  const inner = indent + style.unit;
  return `{${style.eol}${entries.map(([k, v]) => `${inner}${json(k)}: ${json(v)}`).join(`,${style.eol}`)}${style.eol}${indent}}`;
}

/** Appends several members to one object in one edit; each gets its own undo record. */
function appendMembers(
  text: string,
  container: Node,
  members: [string, string][],
  style: TextStyle,
): { edits: TextEdit[]; records: InsertionRecord[] } {
  const probe = appendMember(text, container, () => '', style);
  // A container that puts a comma after every member (trailing comma) gets one after ours too.
  const trailing = (container.children ?? []).length > 0 && !probe.record.addedComma;
  const { edits, record } = appendMember(
    text,
    container,
    (indent) => {
      const separator = style.singleLine || indent === '' ? ', ' : `,${style.eol}${indent}`;
      return members.map(([k, v]) => `${json(k)}: ${json(v)}`).join(separator);
    },
    style,
  );
  // Later members own the comma before them unless the container puts a comma after every member.
  const records = members.map((_, i) => (i === 0 ? record : { addedComma: !trailing }));
  return { edits, records };
}

export interface EditResult {
  text: string;
  steps: UndoStep[];
}

/** Computes all edits from one parse (servers are disjoint regions), then applies them. */
/** Where a server keeps its env and args in this file (ServerEntry's paths; `env` / `args` by default). */
function layoutOf(parsed: ParsedConfig, server: string): { env: string[]; args: string[]; argsOffset: number } {
  const entry = parsed.servers.find((candidate) => candidate.name === server);
  return { env: entry?.envPath ?? ['env'], args: entry?.argsPath ?? ['args'], argsOffset: entry?.argsOffset ?? 0 };
}

export function editServers(parsed: ParsedConfig, changes: ServerChange[]): EditResult {
  if (parsed.dialect !== 'jsonc') return editTextServers(parsed, changes, parsed.dialect === 'toml' ? TOML_DIALECT : YAML_DIALECT);
  return editJsoncServers(parsed, changes);
}

function editJsoncServers(parsed: JsoncParsedConfig, changes: ServerChange[]): EditResult {
  const style = detectStyle(parsed.text);
  let text = parsed.text;
  const steps: UndoStep[] = [];
  // Removals first, one at a time (they may touch the same object as each other).
  const insertAt = new Map<string, number>();
  for (const change of changes) {
    if (change.insertArgs) {
      // Args taken out before the docker image move it left: insert where the image is then.
      const removedBefore = new Set(change.removeArgs.filter((index) => index < (change.insertArgs?.index ?? 0))).size;
      insertAt.set(change.server, change.insertArgs.index - removedBefore);
    }
    const base: JsonPath = [...parsed.serversPath, change.server];
    const layout = layoutOf(parsed, change.server);
    for (const name of change.removeEnv) {
      const tree = parseConfig(parsed.file, text).root;
      const env = nodeAt(tree, [...base, ...layout.env]).value;
      const found = env ? findMember(env, name).property : undefined;
      if (!env || !found) continue;
      const index = (env.children ?? []).indexOf(found);
      steps.push({ op: 'remove-member', path: [...base, ...layout.env], index, raw: text.slice(found.offset, found.offset + found.length) });
      text = applyTextEdits(text, removeMember(text, env, found, undefined));
    }
    for (const argIndex of [...new Set(change.removeArgs)].sort((a, b) => b - a)) {
      const index = argIndex + layout.argsOffset;
      const tree = parseConfig(parsed.file, text).root;
      const args = nodeAt(tree, [...base, ...layout.args]).value;
      const item = args?.children?.[index];
      if (!args || !item) continue;
      steps.push({ op: 'remove-items', path: [...base, ...layout.args], index, raws: [text.slice(item.offset, item.offset + item.length)] });
      text = applyTextEdits(text, removeChildren(args, index, 1));
    }
  }
  const root = text === parsed.text ? parsed.root : parseConfig(parsed.file, text).root;
  const edits: TextEdit[] = [];
  for (const change of changes) {
    const base: JsonPath = [...parsed.serversPath, change.server];
    const layout = layoutOf(parsed, change.server);
    const server = nodeAt(root, base).value;
    if (server?.type !== 'object') throw new DoctorError('unknown-config', `server "${change.server}" is not an object`, { file: parsed.file });
    if (change.insertArgs && change.insertArgs.values.length > 0) {
      const args = nodeAt(root, [...base, ...layout.args]).value;
      if (args?.type !== 'array') throw new DoctorError('unknown-config', `server "${change.server}" has no args array`, { file: parsed.file });
      const index = (insertAt.get(change.server) ?? change.insertArgs.index) + layout.argsOffset;
      if (index >= (args.children ?? []).length) {
        throw new DoctorError('unknown-config', `server "${change.server}": could not find the docker image among the arguments; nothing was changed`, { file: parsed.file });
      }
      edits.push(...insertBefore(text, args, index, change.insertArgs.values.map(json)));
      steps.push({ op: 'insert-items', path: [...base, ...layout.args], index, values: change.insertArgs.values });
    }
    const envPath: JsonPath = [...base, ...layout.env];
    const envKey = layout.env[layout.env.length - 1] ?? 'env';
    const envFound = nodeAt(root, envPath);
    for (const [name, value] of Object.entries(change.replace)) {
      const existing = envFound.value ? memberValue(findMember(envFound.value, name).property) : undefined;
      if (!existing) continue;
      edits.push(replaceValue(existing, json(value)));
      steps.push({ op: 'replace-value', path: [...envPath, name], value, priorRaw: text.slice(existing.offset, existing.offset + existing.length) });
    }
    const additions: [string, string][] = [];
    for (const [name, value] of Object.entries(change.add)) {
      // A key already there (null, or duplicated with a null last): set the occurrence that counts.
      const existing = envFound.value?.type === 'object' ? memberValue(findMember(envFound.value, name).property) : undefined;
      if (!existing) {
        additions.push([name, value]);
        continue;
      }
      edits.push(replaceValue(existing, json(value)));
      steps.push({ op: 'replace-value', path: [...base, 'env', name], value, priorRaw: text.slice(existing.offset, existing.offset + existing.length) });
    }
    if (additions.length === 0) continue;
    if (envFound.value?.type === 'object') {
      const { edits: added, records } = appendMembers(text, envFound.value, additions, style);
      edits.push(...added);
      additions.forEach(([name, value], i) => {
        steps.push({ op: 'add-member', path: [...envPath, name], value, record: records[i] as InsertionRecord });
      });
    } else if (envFound.value) {
      throw new DoctorError('unknown-config', `server "${change.server}": "${envKey}" is not an object`, { file: parsed.file });
    } else {
      // The env object goes into its parent (the server, or Zed's `command` object).
      const parent = nodeAt(root, envPath.slice(0, -1)).value;
      if (parent?.type !== 'object') throw new DoctorError('unknown-config', `server "${change.server}": no object to hold "${envKey}"`, { file: parsed.file });
      const { edits: added, record } = appendMember(
        text,
        parent,
        (indent) => `${json(envKey)}: ${objectMembers(additions, indent, style)}`,
        style,
      );
      edits.push(...added);
      steps.push({ op: 'add-member', path: envPath, value: Object.fromEntries(additions), record });
    }
  }
  const result = applyTextEdits(text, edits);
  checkDockerOrder(parsed.file, result, changes, insertAt);
  return { text: result, steps };
}

/** After the edits: every docker option inserted must come before the image (else it goes to the container's command). */
function checkDockerOrder(file: string, text: string, changes: ServerChange[], insertAt: Map<string, number>): void {
  const docker = changes.filter((change) => change.insertArgs && change.insertArgs.values.length > 0);
  if (docker.length === 0) return;
  const servers = parseConfig(file, text).servers;
  for (const change of docker) {
    const values = change.insertArgs?.values ?? [];
    const index = insertAt.get(change.server) ?? change.insertArgs?.index ?? 0;
    const server = servers.find((entry) => entry.name === change.server);
    const guess = server ? detectRuntime(server.command, server.args) : undefined;
    const inPlace = server !== undefined && values.every((value, i) => server.args[index + i] === value);
    if (!inPlace || guess?.runtime !== 'docker' || guess.dockerImageIndex !== index + values.length) {
      throw new DoctorError('refused', `server "${change.server}": the docker options would not come before the image (they would go to the container's command); nothing was changed`, { file });
    }
  }
}

function sameValue(node: Node | undefined, value: unknown, text: string): boolean {
  if (!node) return false;
  try {
    return JSON.stringify(JSON.parse(text.slice(node.offset, node.offset + node.length))) === JSON.stringify(value);
  } catch {
    return false;
  }
}

export interface UndoOutcome {
  text: string;
  /** Steps taken back. */
  undone: UndoStep[];
  /** Steps left alone because the user changed that spot since. */
  kept: { step: UndoStep; reason: string }[];
}

/** Takes steps back in reverse order, each against a fresh parse of the current text. */
export function undoSteps(file: string, text: string, steps: UndoStep[]): UndoOutcome {
  const dialect = dialectOf(file);
  if (dialect !== 'jsonc') {
    // Codex's and Goose's servers sit one level down (`mcp_servers`, `extensions`).
    const outcome = undoTextSteps(file, text, steps, 1, dialect === 'toml' ? TOML_DIALECT : YAML_DIALECT);
    return {
      text: outcome.text,
      undone: outcome.undone.sort((a, b) => b - a).map((index) => steps[index] as UndoStep),
      kept: outcome.kept.map(({ index, reason }) => ({ step: steps[index] as UndoStep, reason })),
    };
  }
  let current = text;
  const undone: UndoStep[] = [];
  const kept: { step: UndoStep; reason: string }[] = [];
  const style = detectStyle(text);
  for (const step of [...steps].reverse()) {
    const root = parseConfig(file, current).root;
    const keep = (reason: string): void => {
      kept.push({ step, reason });
    };
    if (step.op === 'add-member') {
      const { property, value, parent } = nodeAt(root, step.path);
      if (!property || !parent) {
        keep('already gone');
        continue;
      }
      if (!sameValue(value, step.value, current)) {
        // The env object we created got more entries since: take out only ours.
        if (value?.type === 'object' && step.value !== null && typeof step.value === 'object') {
          for (const [name, ours] of Object.entries(step.value as Record<string, unknown>).reverse()) {
            const tree = parseConfig(file, current).root;
            const inner = nodeAt(tree, [...step.path, name]);
            if (inner.property && inner.parent && sameValue(inner.value, ours, current)) {
              current = applyTextEdits(current, removeMember(current, inner.parent, inner.property, undefined));
            }
          }
          undone.push(step);
          continue;
        }
        keep('changed since the fix');
        continue;
      }
      current = applyTextEdits(current, removeMember(current, parent, property, step.record));
      undone.push(step);
    } else if (step.op === 'replace-value') {
      const { value } = nodeAt(root, step.path);
      if (!sameValue(value, step.value, current) || !value) {
        keep('changed since the fix');
        continue;
      }
      current = applyTextEdits(current, [replaceValue(value, step.priorRaw)]);
      undone.push(step);
    } else if (step.op === 'insert-items') {
      const array = nodeAt(root, step.path).value;
      const items = array?.children ?? [];
      const matches = (at: number): boolean => step.values.every((v, i) => sameValue(items[at + i], v, current));
      let at = matches(step.index) ? step.index : -1;
      for (let i = 0; at === -1 && i + step.values.length <= items.length; i += 1) if (matches(i)) at = i;
      if (!array || at === -1) {
        keep('changed since the fix');
        continue;
      }
      current = applyTextEdits(current, removeChildren(array, at, step.values.length));
      undone.push(step);
    } else {
      const container = nodeAt(root, step.path).value;
      const raws = step.op === 'remove-member' ? [step.raw] : step.raws;
      if (!container || (container.type !== 'object' && container.type !== 'array')) {
        keep('its container is gone');
        continue;
      }
      const children = container.children ?? [];
      current = applyTextEdits(
        current,
        step.index < children.length
          ? insertBefore(current, container, step.index, raws)
          : appendMember(current, container, () => raws.join(', '), style).edits,
      );
      undone.push(step);
    }
  }
  return { text: current, undone, kept };
}
