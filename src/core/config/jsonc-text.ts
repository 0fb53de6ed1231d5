// Byte-exact edits of JSONC text. jsonc-parser's `modify` re-formats the range around an edit
// (measured: it moves a trailing `// comment` onto the inserted line and rewrites a whole `args`
// array), so edits here are computed from its tree and scanner as pure insertions / deletions:
// nothing outside the inserted entry changes, and removing it gives the original bytes back.
import { createScanner, Node, SyntaxKind } from 'jsonc-parser';

export interface TextEdit {
  offset: number;
  length: number;
  content: string;
}

export interface TextStyle {
  eol: string;
  /** One level of indentation: '\t' or N spaces. */
  unit: string;
  /** The file has no line break (minified): insertions stay on the line. */
  singleLine: boolean;
}

/** Applies edits (any order, non-overlapping) to text. */
export function applyTextEdits(text: string, edits: TextEdit[]): string {
  // From the end, so offsets stay valid; at one offset the later edit goes first, so the edits
  // end up in the order they were listed.
  const sorted = edits.map((edit, index) => ({ edit, index })).sort((a, b) => b.edit.offset - a.edit.offset || b.index - a.index);
  let result = text;
  for (const { edit } of sorted) {
    result = result.slice(0, edit.offset) + edit.content + result.slice(edit.offset + edit.length);
  }
  return result;
}

/** EOL and indentation unit of a file: CRLF kept, tabs or the smallest space indent. */
export function detectStyle(text: string): TextStyle {
  const crlf = text.indexOf('\r\n');
  const lf = text.indexOf('\n');
  const eol = crlf !== -1 && crlf + 1 === lf ? '\r\n' : '\n';
  let tabs = 0;
  let spaces = 0;
  let minSpaces = Number.POSITIVE_INFINITY;
  for (const match of text.matchAll(/\n([ \t]+)\S/g)) {
    const indent = match[1] ?? '';
    if (indent.startsWith('\t')) tabs += 1;
    else {
      spaces += 1;
      minSpaces = Math.min(minSpaces, indent.length);
    }
  }
  const singleLine = lf === -1;
  if (tabs > spaces) return { eol, unit: '\t', singleLine };
  return { eol, singleLine, unit: spaces > 0 && minSpaces <= 8 ? ' '.repeat(minSpaces) : '  ' };
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** The whitespace at the start of the line holding offset. */
export function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, offset))?.[0] ?? '';
}

function onSameLine(text: string, from: number, to: number): boolean {
  return !/[\r\n]/.test(text.slice(from, to));
}

/** The property node of `key` in an object node, plus whether the key occurs more than once. */
export function findMember(object: Node, key: string): { property?: Node; duplicate: boolean } {
  let property: Node | undefined;
  let count = 0;
  for (const child of object.children ?? []) {
    if (child.children?.[0]?.value === key) {
      count += 1;
      // Editors (JSON.parse semantics) read the last occurrence.
      property = child;
    }
  }
  return { property, duplicate: count > 1 };
}

export function memberValue(property: Node | undefined): Node | undefined {
  return property?.children?.[1];
}

interface AfterToken {
  /** Offset right after a comma that follows the node, if there is one. */
  commaEnd?: number;
  /** Where an inserted line may start: end of the node's line when only trivia follows on it. */
  lineEnd: number;
}

/** Looks at what follows `end` on the same line: a comma, comments, then the line end. */
function scanAfter(text: string, end: number): AfterToken {
  const scanner = createScanner(text, false);
  scanner.setPosition(end);
  let commaEnd: number | undefined;
  let lineEnd = end;
  for (;;) {
    const token = scanner.scan();
    if (token === SyntaxKind.CommaToken && commaEnd === undefined) {
      commaEnd = scanner.getTokenOffset() + scanner.getTokenLength();
      lineEnd = commaEnd;
      continue;
    }
    if (token === SyntaxKind.Trivia) continue;
    if (token === SyntaxKind.LineCommentTrivia) {
      lineEnd = scanner.getTokenOffset() + scanner.getTokenLength();
      continue;
    }
    if (token === SyntaxKind.BlockCommentTrivia) {
      const tokenEnd = scanner.getTokenOffset() + scanner.getTokenLength();
      if (!onSameLine(text, scanner.getTokenOffset(), tokenEnd)) return { commaEnd, lineEnd };
      lineEnd = tokenEnd;
      continue;
    }
    return { commaEnd, lineEnd };
  }
}

/** How an insertion was made, recorded so it can be taken back exactly. */
export interface InsertionRecord {
  /** A comma was added right after the previous member. */
  addedComma: boolean;
  /** The container was empty: its inner text before the insertion. */
  emptyInner?: string;
}

/**
 * Inserts `memberText` (e.g. `"KEY": "value"` or `"value"`) as the last member of an object or array.
 * Multi-line containers get the member on its own line with the siblings' indentation; single-line
 * containers keep it on the line.
 */
export function appendMember(
  text: string,
  container: Node,
  memberText: (indent: string) => string,
  style: TextStyle,
): { edits: TextEdit[]; record: InsertionRecord } {
  const children = container.children ?? [];
  const open = container.offset;
  const close = container.offset + container.length - 1;
  if (children.length === 0) {
    const inner = text.slice(open + 1, close);
    const parentIndent = indentAt(text, open);
    if (/^\s*$/.test(inner)) {
      // Pure insertions: the whitespace already inside stays where it is.
      const record = { addedComma: false, emptyInner: inner };
      if (style.singleLine || (inner !== '' && !/[\r\n]/.test(inner))) {
        return { edits: [{ offset: open + 1, length: 0, content: `${inner === '' ? '' : ' '}${memberText('')}` }], record };
      }
      const childIndent = parentIndent + style.unit;
      const closing = inner === '' ? `${style.eol}${parentIndent}` : '';
      return { edits: [{ offset: open + 1, length: 0, content: `${style.eol}${childIndent}${memberText(childIndent)}${closing}` }], record };
    }
    // Only comments inside: put the member on a new line after `{`, leave the comments where they are.
    const childIndent = parentIndent + style.unit;
    return {
      edits: [{ offset: open + 1, length: 0, content: `${style.eol}${childIndent}${memberText(childIndent)}` }],
      record: { addedComma: false },
    };
  }
  const last = children[children.length - 1] as Node;
  const lastEnd = last.offset + last.length;
  const after = scanAfter(text, lastEnd);
  const multiline = !onSameLine(text, open, last.offset) || !onSameLine(text, lastEnd, close);
  const edits: TextEdit[] = [];
  const addedComma = after.commaEnd === undefined;
  if (addedComma) edits.push({ offset: lastEnd, length: 0, content: ',' });
  const trailing = after.commaEnd !== undefined ? ',' : '';
  if (multiline && !onSameLine(text, after.lineEnd, close)) {
    const indent = indentAt(text, last.offset);
    edits.push({ offset: after.lineEnd, length: 0, content: `${style.eol}${indent}${memberText(indent)}${trailing}` });
  } else {
    const at = after.commaEnd ?? lastEnd;
    edits.push({ offset: at, length: 0, content: ` ${memberText('')}${trailing}` });
  }
  return { edits, record: { addedComma } };
}

/** Takes back a member added by appendMember (or any member): the exact inverse when nothing moved. */
export function removeMember(text: string, container: Node, member: Node, record: InsertionRecord | undefined): TextEdit[] {
  const children = container.children ?? [];
  const index = children.indexOf(member);
  const open = container.offset;
  const close = container.offset + container.length - 1;
  const memberEnd = member.offset + member.length;
  if (children.length === 1) {
    if (record?.emptyInner !== undefined) {
      return [{ offset: open + 1, length: close - open - 1, content: record.emptyInner }];
    }
    const start = lineStartBefore(text, member.offset, open + 1);
    const after = scanAfter(text, memberEnd);
    const end = after.commaEnd ?? memberEnd;
    return [{ offset: start, length: end - start, content: '' }];
  }
  if (index < children.length - 1) {
    const next = children[index + 1] as Node;
    // Delete from the member to the next one, keeping the member's own leading whitespace for the next.
    return [{ offset: member.offset, length: next.offset - member.offset, content: '' }];
  }
  const previous = children[index - 1] as Node;
  const previousEnd = previous.offset + previous.length;
  const after = scanAfter(text, memberEnd);
  const end = after.commaEnd ?? memberEnd;
  const start = lineStartBefore(text, member.offset, previousEnd);
  const edits: TextEdit[] = [{ offset: start, length: end - start, content: '' }];
  // The comma after the previous member was ours when the member had none of its own.
  if ((record?.addedComma ?? after.commaEnd === undefined) && text[previousEnd] === ',' && previousEnd < start) {
    edits.push({ offset: previousEnd, length: 1, content: '' });
  }
  return edits;
}

/** Start of the whitespace (and one line break) before offset, not before `floor`. */
function lineStartBefore(text: string, offset: number, floor: number): number {
  let start = offset;
  while (start > floor && (text[start - 1] === ' ' || text[start - 1] === '\t')) start -= 1;
  if (start > floor && text[start - 1] === '\n') {
    start -= 1;
    if (start > floor && text[start - 1] === '\r') start -= 1;
  }
  return start;
}

/**
 * Inserts members (array items or `"K": v` properties) before the child at `index`, with the
 * separator the container already uses between its children.
 */
export function insertBefore(text: string, container: Node, index: number, members: string[]): TextEdit[] {
  const children = container.children ?? [];
  const before = children[index];
  if (!before) throw new Error('insertBefore needs an existing child at the index');
  const neighbour = index > 0 ? (children[index - 1] as Node) : children[1];
  let separator = ', ';
  if (neighbour) {
    const between = index > 0 ? text.slice(neighbour.offset + neighbour.length, before.offset) : text.slice(before.offset + before.length, neighbour.offset);
    if (/^\s*,\s*$/.test(between)) separator = between.replace(/^\s*/, '');
  }
  return [{ offset: before.offset, length: 0, content: members.map((member) => member + separator).join('') }];
}

/** Removes `count` children starting at `index` (the inverse of insertBefore). */
export function removeChildren(array: Node, index: number, count: number): TextEdit[] {
  const children = array.children ?? [];
  const first = children[index] as Node;
  const next = children[index + count];
  if (next) return [{ offset: first.offset, length: next.offset - first.offset, content: '' }];
  const previous = children[index - 1];
  const lastRemoved = children[index + count - 1] as Node;
  const start = previous ? previous.offset + previous.length : first.offset;
  return [{ offset: start, length: lastRemoved.offset + lastRemoved.length - start, content: '' }];
}

/** Replaces a value node's text. */
export function replaceValue(value: Node, content: string): TextEdit {
  return { offset: value.offset, length: value.length, content };
}
