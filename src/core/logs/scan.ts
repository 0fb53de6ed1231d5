// Log text → findings, one per failure event.
//
// Every line either continues the group of lines before it (a stack frame, a chained exception,
// `Caused by:`, a `[cause]:`, a line without the editor's timestamp) or starts a new group. A group
// that holds at least one TLS failure line is one event: a Python traceback that repeats its error
// through chained exceptions is one finding, and takes its host from whichever of its lines names it.
//
// Speed: `scanText` and `scanFile` search a whole chunk for the catalogue's anchors with one regex and
// only walk the lines of a hit's group (back to a line that surely starts it); everything else is
// skipped after counting its newlines. `push` (the live tailer's path) walks every line; both give
// the same findings.
import { closeSync, openSync, readSync } from 'node:fs';
import type { Finding, FindingKind, Runtime } from '../types';
import type { LogLine } from './classify';
import { EDITOR_PREFIX_LINES, classifyLine, extractHost, parseLogLine, runtimeHint } from './classify';
import { ANCHOR_PATTERN } from './signatures';

/** Column-0 `Traceback (most recent call last):` starts a Python traceback (or an exception group's). */
const TRACEBACK = /^[ \t|+]*(?:Exception Group )?Traceback \(most recent call last\):/;
/** Lines that chain one exception to the next: the group goes on. */
const CHAIN_MARKER = /^[ \t|]*(?:During handling of the above exception|The above exception was the direct cause|Caused by:|\[cause\]:|--- End of inner exception|---> )/;
/** Indented, boxed (uv/miette), or closing a printed object: continues the line before. */
const INDENTED = /^(?:[ \t|+}\])]|\u2502|\u251c|\u2570|\u2514|\u00d7|\u2500)/;
/** Lines the editor writes itself: always a boundary. */
const EDITOR_BOUNDARY = /^(?:Starting server|Stopping server|Connection state: |Server exited|Process exited|Waiting for server|connecting stdio|Connection failed|Successfully connected|Server command line)/;
/** npm prints one failure over many `npm ERR!` lines. */
const NPM = /^npm (?:ERR!|error) /;

/** How far the fast path walks back from a hit for the start of its group (lines, characters). */
const MAX_WALK_LINES = 2000;
const MAX_WALK_CHARS = 1024 * 1024;
/** A group holding a hit is closed after this many lines, whatever follows. */
const MAX_GROUP_LINES = 2000;
/** Lines of a group kept for host and runtime extraction. */
const KEPT_LINES = 400;
const MAX_MESSAGE = 1000;

interface Hit {
  line: number;
  kind: FindingKind;
  runtime: Runtime | null;
  text: string;
}

type PyState = 'none' | 'frames' | 'after';

class Group {
  readonly lines: string[] = [];
  readonly hits: Hit[] = [];
  size = 0;
  py: PyState = 'none';
  afterMarker = false;
  blanks = 0;
  npm = false;
}

export class FindingScanner {
  private lineNo = 0;
  private group = new Group();
  private prefixedFile = false;

  constructor(
    private readonly file: string,
    private readonly server?: string,
  ) {}

  /** Lines consumed so far (the next line is number linesSeen + 1). */
  get linesSeen(): number {
    return this.lineNo;
  }

  /** A TLS failure is open: the next lines may still belong to it. */
  get eventOpen(): boolean {
    return this.group.hits.length > 0;
  }

  push(lines: string[]): Finding[] {
    const out: Finding[] = [];
    for (const raw of lines) this.feed(raw, out);
    return out;
  }

  /** Ends whatever event is open (the end of the input, or the log went quiet). */
  flush(): Finding[] {
    const out: Finding[] = [];
    this.close(out);
    return out;
  }

  /**
   * Lines that hold no anchor and were not looked at. Only valid while no event is open and when
   * the line after them starts a group of its own (see startsGroup): the current group ends.
   */
  private skip(count: number): void {
    if (count <= 0) return;
    this.lineNo += count;
    this.group = new Group();
  }

  /** All findings of `text` (whole lines; a last line without `\n` counts as whole). */
  pushText(text: string, lineAt?: (start: number, end: number) => string): Finding[] {
    return this.scanChunk(text, lineAt, true).findings;
  }

  /**
   * The fast path. Searches `text` for the anchors in one regex pass and feeds only the lines from
   * the start of a hit's group to the hit (then on while its event is open); the lines between are
   * counted, not read. The answer is the same as `push` of every line: a run of lines is skipped
   * only up to a line that starts a group whatever came before it (startsGroup).
   *
   * Lines are decoded only where they are looked at: `lineAt(start, end)` returns the text of
   * [start, end); positions in `text` must be positions for `lineAt` (a latin1 view of UTF-8 bytes
   * keeps that). Unless `final`, the input goes on after `text`: the lines after the last group
   * start are not taken in, and `consumed` says where they begin (pass them again, in front of the
   * next chunk).
   */
  scanChunk(text: string, lineAt: (start: number, end: number) => string = (start, end) => text.slice(start, end), final = true): { findings: Finding[]; consumed: number } {
    const out: Finding[] = [];
    const length = text.length;
    const anchor = new RegExp(ANCHOR_PATTERN.source, 'g');
    const lineEnd = (start: number): number => {
      const eol = text.indexOf('\n', start);
      return eol === -1 ? length : eol;
    };
    const feedLine = (start: number): number => {
      const end = lineEnd(start);
      this.feed(lineAt(start, end), out);
      return end === length ? end : end + 1;
    };
    const parsedAt = (start: number): LogLine => {
      const raw = lineAt(start, lineEnd(start));
      return parseLogLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
    };
    /** Start of the line before the one starting at `start` (> 0). (lastIndexOf clamps a negative index to 0.) */
    const previous = (start: number): number => (start < 2 ? 0 : text.lastIndexOf('\n', start - 2) + 1);

    // Until the file has shown an editor prefix, where its first one is (it changes how lines group).
    let firstPrefixed = -1;
    if (!this.prefixedFile) {
      const prefix = new RegExp(EDITOR_PREFIX_LINES.source, 'gm');
      for (let match = prefix.exec(text); match; match = prefix.exec(text)) {
        if (match.index === 0 || text.charCodeAt(match.index - 1) === 10) {
          firstPrefixed = match.index;
          break;
        }
        prefix.lastIndex = match.index + 1;
      }
    }
    const prefixedAt = (start: number): boolean => this.prefixedFile || (firstPrefixed !== -1 && firstPrefixed <= start);
    const skipTo = (from: number, to: number): void => {
      const count = countLines(text, from, to);
      if (count === 0) return;
      if (firstPrefixed !== -1 && firstPrefixed < to) this.prefixedFile = true;
      this.skip(count);
    };
    /** The nearest line at or above `start`, not above `floor`, that surely starts a group. */
    const groupStart = (start: number, floor: number): number => {
      const window: { at: number; line: LogLine }[] = [{ at: start, line: parsedAt(start) }];
      for (let walked = 0; walked < MAX_WALK_LINES && start - window[0].at <= MAX_WALK_CHARS; walked += 1) {
        while (window.length < 3 && window[window.length - 1].at > floor) {
          const at = previous(window[window.length - 1].at);
          window.push({ at, line: parsedAt(at) });
        }
        const [line, before, beforeThat] = window;
        if (!before) return line.at; // at the floor
        if (startsGroup(line.line, prefixedAt(line.at), before.line, prefixedAt(before.at), beforeThat?.line ?? null, beforeThat ? prefixedAt(beforeThat.at) : false)) return line.at;
        window.shift();
      }
      return window[0].at;
    };

    let cursor = 0;
    while (cursor < length) {
      if (this.eventOpen) {
        cursor = feedLine(cursor);
        continue;
      }
      anchor.lastIndex = cursor;
      const match = anchor.exec(text);
      if (!match) {
        if (final) {
          skipTo(cursor, length);
          return { findings: out, consumed: length };
        }
        // The last lines may be the head of a group that goes on in the next chunk: keep them.
        const last = text.charCodeAt(length - 1) === 10 ? previous(length) : text.lastIndexOf('\n', length - 1) + 1;
        const from = last < cursor ? cursor : groupStart(last, cursor);
        skipTo(cursor, from);
        return { findings: out, consumed: from };
      }
      const hitStart = match.index === 0 ? 0 : text.lastIndexOf('\n', match.index - 1) + 1;
      const from = groupStart(hitStart, cursor);
      skipTo(cursor, from);
      cursor = from;
      while (cursor <= hitStart && cursor < length) cursor = feedLine(cursor);
    }
    return { findings: out, consumed: length };
  }

  private feed(raw: string, out: Finding[]): void {
    this.lineNo += 1;
    const parsed = parseLogLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
    if (parsed.prefixed) this.prefixedFile = true;
    const text = parsed.text;
    ANCHOR_PATTERN.lastIndex = 0;
    const cls = ANCHOR_PATTERN.test(text) ? classifyLine(text) : null;
    ANCHOR_PATTERN.lastIndex = 0;

    const group = this.group;
    const continues = group.size > 0 && group.size < MAX_GROUP_LINES && this.continues(group, text, parsed.prefixed);
    if (!continues) {
      this.close(out);
      this.start(text);
    }
    const current = this.group;
    current.size += 1;
    if (current.lines.length < KEPT_LINES) current.lines.push(text);
    if (cls) current.hits.push({ line: this.lineNo, kind: cls.kind, runtime: cls.runtime, text });
  }

  private start(text: string): void {
    const group = new Group();
    if (TRACEBACK.test(text)) group.py = 'frames';
    group.npm = NPM.test(text);
    this.group = group;
  }

  /** Does `text` continue the group? Updates the group's state as it reads. */
  private continues(group: Group, text: string, prefixed: boolean): boolean {
    // VS Code: a line without the timestamp prefix continues the entry before.
    if (this.prefixedFile && !prefixed) return true;
    if (isBlank(text)) {
      group.blanks += 1;
      return group.blanks <= 2;
    }
    const blanks = group.blanks;
    group.blanks = 0;
    if (EDITOR_BOUNDARY.test(text)) return false;
    if (CHAIN_MARKER.test(text)) {
      group.afterMarker = true;
      return true;
    }
    const afterMarker = group.afterMarker;
    group.afterMarker = false;
    if (TRACEBACK.test(text)) {
      // A traceback inside an exception group is indented; a new one at column 0 is a new event
      // unless an exception chain led to it.
      if (afterMarker || /^[ \t|+]/.test(text)) {
        group.py = 'frames';
        return true;
      }
      return false;
    }
    if (INDENTED.test(text)) return blanks === 0 || afterMarker || group.py !== 'none';
    if (group.npm && NPM.test(text)) return true;
    if (group.py === 'frames' && blanks === 0) {
      // The exception line that ends a traceback's frames.
      group.py = 'after';
      return true;
    }
    return afterMarker;
  }

  private close(out: Finding[]): void {
    const group = this.group;
    this.group = new Group();
    if (group.hits.length === 0) return;
    const primary = group.hits[0];
    const kind = group.hits.find((hit) => hit.kind !== 'other-tls')?.kind ?? primary.kind;
    let runtime: Runtime | null = group.hits.find((hit) => hit.runtime !== null)?.runtime ?? null;
    if (runtime === null) {
      for (const line of [...group.hits.map((hit) => hit.text), ...group.lines]) {
        runtime = runtimeHint(line);
        if (runtime) break;
      }
    }
    let host: { host: string; port: number | null } | null = null;
    for (const hit of group.hits) {
      host = extractHost(hit.text);
      if (host) break;
    }
    if (!host) {
      for (const line of group.lines) {
        host = extractHost(line);
        if (host) break;
      }
    }
    // Without an exception group's `| ` frame or `+ ` box, which are layout, not message.
    const message = primary.text.trim().replace(/^(?:[|+] ?)+/, '').trim();
    const finding: Finding = {
      file: this.file,
      line: primary.line,
      kind,
      runtime: runtime ?? 'unknown',
      host: host?.host ?? null,
      port: host ? host.port : null,
      fixable: kind === 'untrusted-ca',
      message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message,
    };
    if (this.server) finding.server = this.server;
    out.push(finding);
  }
}

/** An empty line, or an exception group's empty `|` frame line. */
function isBlank(text: string): boolean {
  return text.trim() === '' || /^[ \t]*\|[ \t]*$/.test(text);
}

/**
 * Does `line` start a new group whatever came before the two lines above it? True only when
 * `continues` is sure to answer no: the line is at column 0 and neither it nor the line above can
 * extend a traceback, a chain or an npm block, and the line above that leaves no chain marker open.
 * (`prefixed…`: the file had shown the editor prefix by then; its lines without one continue.)
 */
function startsGroup(line: LogLine, prefixedFile: boolean, before: LogLine, prefixedBefore: boolean, beforeThat: LogLine | null, prefixedBeforeThat: boolean): boolean {
  if (prefixedFile && !line.prefixed) return false;
  const text = line.text;
  if (isBlank(text)) return false;
  if (EDITOR_BOUNDARY.test(text)) return true;
  if (INDENTED.test(text) || CHAIN_MARKER.test(text) || NPM.test(text)) return false;
  if (prefixedBefore && !before.prefixed) return false;
  const above = before.text;
  if (isBlank(above) || INDENTED.test(above) || CHAIN_MARKER.test(above) || NPM.test(above) || TRACEBACK.test(above)) return false;
  if (!beforeThat || (prefixedBeforeThat && !beforeThat.prefixed)) return false;
  return !isBlank(beforeThat.text) && !CHAIN_MARKER.test(beforeThat.text);
}

function countLines(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', from); at !== -1 && at < to; at = text.indexOf('\n', at + 1)) count += 1;
  // A last line without its newline.
  if (to === text.length && to > from && text.charCodeAt(to - 1) !== 10) count += 1;
  return count;
}

/** All findings in a text. */
export function scanText(text: string, file: string, server?: string): Finding[] {
  const scanner = new FindingScanner(file, server);
  return [...scanner.pushText(text), ...scanner.flush()];
}

const CHUNK = 8 * 1024 * 1024;

/**
 * Scans a file of any size in fixed-size chunks of whole lines. Each chunk is searched as a
 * one-byte (latin1) string, which costs a copy rather than a UTF-8 decode; the lines the scanner
 * looks at are decoded as UTF-8 from the bytes (the anchors are ASCII, so positions agree).
 */
export function scanFile(file: string, server?: string, onFinding?: (finding: Finding) => void, chunkBytes = CHUNK): Finding[] {
  const found: Finding[] = [];
  const emit = (findings: Finding[]): void => {
    for (const finding of findings) {
      if (onFinding) onFinding(finding);
      else found.push(finding);
    }
  };
  const scanner = new FindingScanner(file, server);
  const fd = openSync(file, 'r');
  try {
    // One buffer: what a chunk did not take in (its unfinished last line, the head of a group that
    // may go on) moves to its front, the next read goes after it.
    let buffer = Buffer.allocUnsafe(Math.max(16, chunkBytes));
    let carried = 0;
    for (;;) {
      if (carried * 2 > buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, carried);
        buffer = bigger;
      }
      const read = readSync(fd, buffer, carried, buffer.length - carried, null);
      if (read === 0) break;
      const filled = carried + read;
      const lastNewline = buffer.lastIndexOf(10, filled - 1);
      if (lastNewline < carried) {
        // No new line ended: nothing new to look at.
        carried = filled;
        continue;
      }
      const { findings, consumed } = scanBytes(scanner, buffer.subarray(0, lastNewline + 1), false);
      emit(findings);
      carried = filled - consumed;
      buffer.copy(buffer, 0, consumed, filled);
    }
    if (carried > 0) emit(scanBytes(scanner, Buffer.from(buffer.subarray(0, carried)), true).findings);
    emit(scanner.flush());
  } finally {
    closeSync(fd);
  }
  return found;
}

function scanBytes(scanner: FindingScanner, bytes: Buffer, final: boolean): { findings: Finding[]; consumed: number } {
  const text = bytes.toString('latin1');
  return scanner.scanChunk(text, (start, end) => bytes.toString('utf8', start, end), final);
}
