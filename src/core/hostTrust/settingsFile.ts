// Byte-exact edits of a host's own JSONC settings file (an editor's settings.json, Claude Code's
// ~/.claude/settings.json): the same insertions and undo records as core/config/edit.ts, on files that
// hold no MCP servers (edit.ts's undo re-parses as an MCP config, so it cannot take these back).
import type { Node } from 'jsonc-parser';
import { DoctorError } from '../types';
import { parseJsonc, stripBom } from '../config/config';
import type { JsonPath, UndoStep } from '../config/edit';
import { appendMember, applyTextEdits, detectStyle, findMember, memberValue, removeMember, replaceValue, TextStyle } from '../config/jsonc-text';

/** The undo steps this module records: a subset of edit.ts's, so one vocabulary describes both. */
export type SettingsUndoStep = Extract<UndoStep, { op: 'add-member' } | { op: 'replace-value' }>;

export type SettingValue = string | boolean;

export interface SettingEdit {
  /** `[key]` for a top-level setting (dotted keys stay one key), `[object, key]` one level down. */
  path: [string] | [string, string];
  value: SettingValue;
  /** Replace a different value already there; otherwise it is left and reported. */
  replace: boolean;
  /** Replace it all the same when the value there (raw JSON) passes this: a bundle of the tool's own, to renew. */
  replaceWhen?: (currentRaw: string) => boolean;
}

export interface SettingsEditResult {
  /** The new file text (BOM kept), or null when nothing changes. */
  content: string | null;
  steps: SettingsUndoStep[];
  /** Edits already in force. */
  unchanged: SettingEdit[];
  /** Edits left because the file holds another value and `replace` was false. */
  kept: { edit: SettingEdit; current: string }[];
  /** What the file was before: absent, blank (whitespace only: its text), or a JSON object. */
  before: { kind: 'absent' } | { kind: 'blank'; text: string } | { kind: 'object' };
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

/** Member, value and containing object at a path of object keys; a duplicated key is refused (editors read the last). */
export function nodeAtPath(file: string, root: Node, path: JsonPath): { property?: Node; value?: Node; parent?: Node } {
  let node: Node | undefined = root;
  let property: Node | undefined;
  let parent: Node | undefined;
  for (const segment of path) {
    if (node?.type !== 'object' || typeof segment !== 'string') return {};
    parent = node;
    const found = findMember(node, segment);
    if (found.duplicate) {
      throw new DoctorError('malformed-config', `the key "${segment}" appears twice (the host reads only the last one): remove one, then run again`, { file });
    }
    property = found.property;
    node = memberValue(property);
  }
  return { property, value: node, parent };
}

export function sameValue(node: Node | undefined, value: unknown, text: string): boolean {
  if (!node) return false;
  try {
    return json(JSON.parse(text.slice(node.offset, node.offset + node.length))) === json(value);
  } catch {
    return false;
  }
}

function parseObject(file: string, text: string): Node {
  const root = parseJsonc(file, text);
  if (root.type !== 'object') throw new DoctorError('unknown-config', 'not a settings file: the top level is not a JSON object; nothing was changed', { file, line: 1, column: 1 });
  return root;
}

function nestedObject(key: string, value: SettingValue, indent: string, style: TextStyle): string {
  if (style.singleLine) return `{${json(key)}: ${json(value)}}`;
  return `{${style.eol}${indent}${style.unit}${json(key)}: ${json(value)}${style.eol}${indent}}`;
}

/** Computes the edits from the current text (null: the file does not exist). Pure. */
export function editSettings(file: string, rawText: string | null, edits: SettingEdit[]): SettingsEditResult {
  let before: SettingsEditResult['before'] = { kind: 'object' };
  let bom = false;
  let text: string;
  if (rawText === null) {
    before = { kind: 'absent' };
    text = '{}\n';
  } else {
    const stripped = stripBom(rawText);
    bom = stripped.bom;
    if (stripped.text.trim() === '') {
      before = { kind: 'blank', text: rawText };
      text = '{}\n';
    } else {
      text = stripped.text;
    }
  }
  // A new file gets two-space indentation and LF (VS Code's own default for settings.json).
  const style = before.kind === 'object' ? detectStyle(text) : { eol: '\n', unit: '  ', singleLine: false };
  const steps: SettingsUndoStep[] = [];
  const unchanged: SettingEdit[] = [];
  const kept: { edit: SettingEdit; current: string }[] = [];
  for (const edit of edits) {
    // One edit at a time against a fresh parse: settings files are small, and offsets stay simple.
    const root = parseObject(file, text);
    const at = nodeAtPath(file, root, edit.path);
    if (at.value) {
      if (sameValue(at.value, edit.value, text)) {
        unchanged.push(edit);
        continue;
      }
      const priorRaw = text.slice(at.value.offset, at.value.offset + at.value.length);
      if (!edit.replace && edit.replaceWhen?.(priorRaw) !== true) {
        kept.push({ edit, current: priorRaw });
        continue;
      }
      text = applyTextEdits(text, [replaceValue(at.value, json(edit.value))]);
      steps.push({ op: 'replace-value', path: edit.path, value: edit.value, priorRaw });
      continue;
    }
    if (edit.path.length === 1) {
      const [key] = edit.path;
      const { edits: inserted, record } = appendMember(text, root, () => `${json(key)}: ${json(edit.value)}`, style);
      text = applyTextEdits(text, inserted);
      steps.push({ op: 'add-member', path: edit.path, value: edit.value, record });
      continue;
    }
    const [objectKey, key] = edit.path;
    const container = nodeAtPath(file, root, [objectKey]).value;
    if (container && container.type !== 'object') {
      throw new DoctorError('unknown-config', `"${objectKey}" is not an object; nothing was changed`, { file });
    }
    if (container) {
      const { edits: inserted, record } = appendMember(text, container, () => `${json(key)}: ${json(edit.value)}`, style);
      text = applyTextEdits(text, inserted);
      steps.push({ op: 'add-member', path: edit.path, value: edit.value, record });
    } else {
      const { edits: inserted, record } = appendMember(text, root, (indent) => `${json(objectKey)}: ${nestedObject(key, edit.value, indent, style)}`, style);
      text = applyTextEdits(text, inserted);
      steps.push({ op: 'add-member', path: [objectKey], value: { [key]: edit.value }, record });
    }
  }
  const content = steps.length === 0 ? null : (bom ? '\uFEFF' : '') + text;
  return { content, steps, unchanged, kept, before };
}

export interface SettingsUndoOutcome {
  text: string;
  undone: SettingsUndoStep[];
  kept: { step: SettingsUndoStep; reason: 'already-gone' | 'changed-since' }[];
}

/** Takes steps back in reverse order, each against a fresh parse (edit.ts's rules: later user edits stay). */
export function undoSettingsSteps(file: string, rawText: string, steps: SettingsUndoStep[]): SettingsUndoOutcome {
  const { text: stripped, bom } = stripBom(rawText);
  let current = stripped;
  const undone: SettingsUndoStep[] = [];
  const kept: SettingsUndoOutcome['kept'] = [];
  for (const step of [...steps].reverse()) {
    const { property, value, parent } = nodeAtPath(file, parseObject(file, current), step.path);
    if (step.op === 'replace-value') {
      if (!value || !sameValue(value, step.value, current)) {
        kept.push({ step, reason: value ? 'changed-since' : 'already-gone' });
        continue;
      }
      current = applyTextEdits(current, [replaceValue(value, step.priorRaw)]);
      undone.push(step);
      continue;
    }
    if (!property || !parent) {
      kept.push({ step, reason: 'already-gone' });
      continue;
    }
    if (sameValue(value, step.value, current)) {
      current = applyTextEdits(current, removeMember(current, parent, property, step.record));
      undone.push(step);
      continue;
    }
    // An object we created that got more members since: take out only ours, leave the object.
    if (value?.type === 'object' && step.value !== null && typeof step.value === 'object') {
      let took = false;
      for (const [name, ours] of Object.entries(step.value as Record<string, unknown>).reverse()) {
        const inner = nodeAtPath(file, parseObject(file, current), [...step.path, name]);
        if (inner.property && inner.parent && sameValue(inner.value, ours, current)) {
          current = applyTextEdits(current, removeMember(current, inner.parent, inner.property, undefined));
          took = true;
        }
      }
      if (took) undone.push(step);
      else kept.push({ step, reason: 'changed-since' });
      continue;
    }
    kept.push({ step, reason: 'changed-since' });
  }
  return { text: (bom ? '\uFEFF' : '') + current, undone, kept };
}
