// Log text → findings, one per failure event.
//
// Every line either continues the group of lines before it (a stack frame, a chained exception,
// `Caused by:`, a `[cause]:`, a line without the editor's timestamp) or starts a new group. A group
// that holds at least one TLS failure line is one event: a Python traceback that repeats its error
// through chained exceptions is one finding, and takes its host from whichever of its lines names it.
//
// Speed: `scanText` and `scanFile` search a whole chunk for the catalogue's anchors with one regex and
// only walk the lines around a hit (plus a little context before it); everything else is skipped
// after counting its newlines. `push` (the live tailer's path) walks every line.
import { closeSync, openSync, readSync } from 'node:fs';
import type { Finding, FindingKind, Runtime } from '../types';
import { classifyLine, extractHost, parseLogLine, runtimeHint } from './classify';
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

/** Context walked before a hit on the fast path (a traceback's head, a host in an earlier frame). */
const CONTEXT_BEFORE = 200;
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
    this.dropContext();
    const out: Finding[] = [];
    for (const raw of lines) this.feed(raw, out);
    return out;
  }

  /** Ends whatever event is open (the end of the input, or the log went quiet). */
  flush(): Finding[] {
    this.dropContext();
    const out: Finding[] = [];
    this.close(out);
    return out;
  }

  /**
   * Lines that hold no anchor and were not looked at. Only valid while no event is open: they end
   * the current group (which has no hit), so its context is dropped.
   */
  skip(count: number): void {
    if (count <= 0) return;
    this.lineNo += count;
    this.group = new Group();
  }

  /** The last lines of the previous chunk, not yet counted: context for a hit at the next chunk's top. */
  private context: string[] = [];

  private dropContext(): void {
    if (this.context.length === 0) return;
    this.skip(this.context.length);
    this.context = [];
  }

  /**
   * The fast path: `text` holds whole lines (a last line without `\n` counts as whole). Lines are
   * decoded only where they are looked at: `lineAt(start, end)` returns the text of [start, end).
   * Positions in `text` must be positions for `lineAt` (a latin1 view of UTF-8 bytes keeps that).
   */
  pushText(text: string, lineAt: (start: number, end: number) => string = (start, end) => text.slice(start, end)): Finding[] {
    const out: Finding[] = [];
    const anchor = new RegExp(ANCHOR_PATTERN.source, 'g');
    let cursor = 0;
    const lineEnd = (start: number): number => {
      const eol = text.indexOf('\n', start);
      return eol === -1 ? text.length : eol;
    };
    const feedLine = (start: number): number => {
      const end = lineEnd(start);
      this.feed(lineAt(start, end), out);
      return end === text.length ? end : end + 1;
    };
    /** Start of the line `count` lines before the one starting at `start`, not before `floor`. */
    const back = (start: number, count: number, floor: number): number => {
      let from = start;
      for (let i = 0; i < count && from > floor; i += 1) from = text.lastIndexOf('\n', from - 2) + 1;
      return from < floor ? floor : from;
    };
    while (cursor < text.length) {
      if (this.eventOpen) {
        cursor = feedLine(cursor);
        continue;
      }
      anchor.lastIndex = cursor;
      const match = anchor.exec(text);
      if (!match) {
        // Keep the last lines as context for a hit at the top of the next chunk.
        const from = back(text.length, CONTEXT_BEFORE, cursor);
        const kept: string[] = [];
        for (let at = from; at < text.length; ) {
          const end = lineEnd(at);
          kept.push(lineAt(at, end));
          at = end === text.length ? end : end + 1;
        }
        const skipped = countLines(text, cursor, from);
        if (skipped > 0) this.dropContext();
        this.skip(skipped);
        this.context.push(...kept);
        if (this.context.length > CONTEXT_BEFORE) {
          const excess = this.context.length - CONTEXT_BEFORE;
          this.skip(excess);
          this.context.splice(0, excess);
        }
        break;
      }
      const hitStart = text.lastIndexOf('\n', match.index - 1) + 1;
      const from = back(hitStart, CONTEXT_BEFORE, cursor);
      if (from === 0 && this.context.length > 0) {
        const context = this.context;
        this.context = [];
        for (const line of context) this.feed(line, out);
      } else this.dropContext();
      this.skip(countLines(text, cursor, from));
      cursor = from;
      while (cursor <= hitStart && cursor < text.length) cursor = feedLine(cursor);
    }
    return out;
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
    if (text.trim() === '' || /^[ \t]*\|[ \t]*$/.test(text)) {
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
    // One buffer: the unfinished last line of a read moves to its front, the next read goes after it.
    let buffer = Buffer.allocUnsafe(Math.max(16, chunkBytes));
    let carried = 0;
    for (;;) {
      if (carried === buffer.length) {
        // A line longer than the buffer: grow it.
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, carried);
        buffer = bigger;
      }
      const read = readSync(fd, buffer, carried, buffer.length - carried, null);
      if (read === 0) break;
      const filled = carried + read;
      const lastNewline = buffer.lastIndexOf(10, filled - 1);
      if (lastNewline === -1) {
        carried = filled;
        continue;
      }
      emit(scanBytes(scanner, buffer.subarray(0, lastNewline + 1)));
      carried = filled - (lastNewline + 1);
      buffer.copy(buffer, 0, lastNewline + 1, filled);
    }
    if (carried > 0) emit(scanBytes(scanner, Buffer.from(buffer.subarray(0, carried))));
    emit(scanner.flush());
  } finally {
    closeSync(fd);
  }
  return found;
}

function scanBytes(scanner: FindingScanner, bytes: Buffer): Finding[] {
  const text = bytes.toString('latin1');
  return scanner.pushText(text, (start, end) => bytes.toString('utf8', start, end));
}
