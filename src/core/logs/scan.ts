// Log text → findings, one per failure event. A Python traceback that repeats its error through
// chained exceptions is one event and takes its host from whichever of its lines names it; a Node
// error and its `code: '...'` line are one event; lines that only mention certificates are none.
import { openSync, readSync, closeSync } from 'node:fs';
import type { Finding, FindingKind, Runtime } from '../types';
import { classifyLine, extractHost, parseLogLine, runtimeHint } from './classify';
import { ANCHOR_PATTERN } from './signatures';

const TRACEBACK = /^\s*Traceback \(most recent call last\):/;
const CHAINED = /^\s*(?:During handling of the above exception, another exception occurred:|The above exception was the direct cause of the following exception:)/;
const EXCEPTION_LINE = /^[A-Za-z_][\w.]*(?:Error|Exception|Warning|Exit|Failure)?: /;
/** Editor lines that end whatever a server was printing. */
const EDITOR_BOUNDARY = /^(?:Starting server|Stopping server|Connection state: |Server exited|Process exited|Waiting for server)/;
/** A continuation of the line before: indented stack frames, `code: '...'`, `[cause]:`, `Caused by:`, braces. */
const CONTINUATION = /^(?:\s|code:|errno:|reason:|\[cause\]|Caused by|cause:|\}|\{|npm ERR!|npm error)/;
/** Lines after the last TLS line that still belong to its event when they continue it. */
const WINDOW = 12;

interface OpenEvent {
  line: number;
  kind: FindingKind;
  runtime: Runtime | null;
  hintRuntime: Runtime | null;
  host: string | null;
  port: number | null;
  message: string;
}

/** Builds events from lines, across pushes: feed lines as they come, flush at the end. */
export class FindingScanner {
  private lineNo = 0;
  private event: OpenEvent | null = null;
  private inTraceback = false;
  private afterException = false;
  private chained = false;
  private sinceTls = 0;
  /** A host named in a traceback before its TLS line (a frame, a URL in a log line). */
  private contextHost: { host: string; port: number | null } | null = null;
  private contextRuntime: Runtime | null = null;

  constructor(
    private readonly file: string,
    private readonly server?: string,
  ) {}

  get linesSeen(): number {
    return this.lineNo;
  }

  /** Lines that were not looked at (the fast path skips what cannot matter): they end any event. */
  skip(count: number): Finding[] {
    if (count <= 0) return [];
    this.lineNo += count;
    return this.end();
  }

  push(lines: string[]): Finding[] {
    const out: Finding[] = [];
    for (const raw of lines) this.feed(raw, out);
    return out;
  }

  flush(): Finding[] {
    return this.end();
  }

  private end(): Finding[] {
    const out: Finding[] = [];
    this.close(out);
    this.inTraceback = false;
    this.afterException = false;
    this.chained = false;
    this.contextHost = null;
    this.contextRuntime = null;
    return out;
  }

  private close(out: Finding[]): void {
    const event = this.event;
    if (!event) return;
    this.event = null;
    const runtime = event.runtime ?? event.hintRuntime ?? this.contextRuntime ?? 'unknown';
    const finding: Finding = {
      file: this.file,
      line: event.line,
      kind: event.kind,
      runtime,
      host: event.host,
      port: event.host ? event.port ?? 443 : null,
      fixable: event.kind === 'untrusted-ca',
      message: event.message,
    };
    if (this.server) finding.server = this.server;
    out.push(finding);
  }

  private feed(raw: string, out: Finding[]): void {
    this.lineNo += 1;
    const { text, fromEditor } = parseLogLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
    const cls = ANCHOR_PATTERN.test(text) ? classifyLine(text) : null;
    ANCHOR_PATTERN.lastIndex = 0;

    if (fromEditor && EDITOR_BOUNDARY.test(text)) {
      this.close(out);
      this.inTraceback = false;
      this.contextHost = null;
      this.contextRuntime = null;
      if (!cls) return;
    }

    if (TRACEBACK.test(text)) {
      if (!this.chained) {
        this.close(out);
        this.contextHost = null;
        this.contextRuntime = null;
      }
      this.chained = false;
      this.inTraceback = true;
      this.afterException = false;
      this.contextRuntime = 'python';
      return;
    }
    if (CHAINED.test(text)) {
      this.chained = true;
      return;
    }

    if (this.inTraceback) {
      const indented = /^\s/.test(text);
      if (this.afterException && !indented && text.trim() !== '' && !cls && !EXCEPTION_LINE.test(text)) {
        // The traceback is over: this line is something else.
        this.close(out);
        this.inTraceback = false;
        this.contextHost = null;
      } else if (!indented && EXCEPTION_LINE.test(text)) {
        this.afterException = true;
      }
    }

    if (!cls) {
      const host = this.inTraceback || this.event ? extractHost(text) : null;
      if (host) {
        if (this.event && !this.event.host) {
          this.event.host = host.host;
          this.event.port = host.port;
        } else if (!this.event) this.contextHost = host;
      }
      if (this.event && !this.inTraceback) {
        this.sinceTls += 1;
        if (this.sinceTls > WINDOW || !(CONTINUATION.test(text) || text.trim() === '')) this.close(out);
      }
      return;
    }

    const host = extractHost(text);
    const joins = this.event !== null && (this.inTraceback || this.chained || CONTINUATION.test(text) || this.sinceTls === 0);
    if (this.event && joins) {
      // The same failure said again (a wrapper exception, the error code line).
      if (!this.event.host && host) {
        this.event.host = host.host;
        this.event.port = host.port;
      }
      if (!this.event.runtime && cls.runtime) this.event.runtime = cls.runtime;
      if (this.event.kind === 'other-tls' && cls.kind !== 'other-tls') this.event.kind = cls.kind;
      this.sinceTls = 0;
      return;
    }
    this.close(out);
    const fromContext = host ?? this.contextHost;
    this.event = {
      line: this.lineNo,
      kind: cls.kind,
      runtime: cls.runtime,
      hintRuntime: runtimeHint(text),
      host: fromContext?.host ?? null,
      port: fromContext?.port ?? null,
      message: (text.length > 1000 ? `${text.slice(0, 1000)}…` : text).trim(),
    };
    this.sinceTls = 0;
    // A second, separate failure right after: joins only through the rules above.
    this.sinceTls = this.inTraceback ? 0 : 1;
  }
}

/** All findings in a text. */
export function scanText(text: string, file: string, server?: string): Finding[] {
  const scanner = new FindingScanner(file, server);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return [...scanner.push(lines), ...scanner.flush()];
}

const CHUNK = 8 * 1024 * 1024;
/** Lines before a match that may hold its context (a traceback's start, a host in a frame). */
const CONTEXT_BEFORE = 60;
const TRACEBACK_ANCHOR = 'Traceback (most recent call last)';

/**
 * Scans a file of any size in fixed-size chunks. Only regions around an anchor are split into
 * lines; the rest is searched by one regex pass over a one-byte string, which is what keeps a
 * 200 MB log within reach of grep.
 */
export function scanFile(file: string, server?: string, onFinding?: (finding: Finding) => void): Finding[] {
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
    const buffer = Buffer.allocUnsafe(CHUNK);
    let carry = Buffer.alloc(0);
    for (;;) {
      const read = readSync(fd, buffer, 0, CHUNK, null);
      if (read === 0) break;
      const data = carry.length > 0 ? Buffer.concat([carry, buffer.subarray(0, read)]) : buffer.subarray(0, read);
      const lastNewline = data.lastIndexOf(10);
      if (lastNewline === -1) {
        carry = Buffer.from(data);
        continue;
      }
      emit(scanRegion(scanner, data.subarray(0, lastNewline + 1)));
      carry = Buffer.from(data.subarray(lastNewline + 1));
    }
    if (carry.length > 0) emit(scanRegion(scanner, Buffer.concat([carry, Buffer.from('\n')])));
    emit(scanner.flush());
  } finally {
    closeSync(fd);
  }
  return found;
}

function countNewlines(data: Buffer, from: number, to: number): number {
  let count = 0;
  for (let at = data.indexOf(10, from); at !== -1 && at < to; at = data.indexOf(10, at + 1)) count += 1;
  return count;
}

/** A region of whole lines (ends with \n): feed the lines near anchors, skip the rest. */
function scanRegion(scanner: FindingScanner, data: Buffer): Finding[] {
  const out: Finding[] = [];
  const text = data.toString('latin1');
  const starts: number[] = [];
  ANCHOR_PATTERN.lastIndex = 0;
  for (let match = ANCHOR_PATTERN.exec(text); match; match = ANCHOR_PATTERN.exec(text)) {
    starts.push(match.index);
    // One hit per line is enough.
    const eol = text.indexOf('\n', match.index);
    ANCHOR_PATTERN.lastIndex = eol === -1 ? text.length : eol + 1;
  }
  ANCHOR_PATTERN.lastIndex = 0;
  let cursor = 0;
  for (const start of starts) {
    if (start < cursor) continue;
    // Back up to include the context of a traceback (its start and the frames naming a host).
    let from = text.lastIndexOf('\n', start - 1) + 1;
    const tb = text.lastIndexOf(TRACEBACK_ANCHOR, start);
    let back = 0;
    while (from > cursor && back < CONTEXT_BEFORE && (tb !== -1 && tb < from)) {
      from = text.lastIndexOf('\n', from - 2) + 1;
      back += 1;
      if (tb >= from) break;
    }
    if (from < cursor) from = cursor;
    out.push(...scanner.skip(countNewlines(data, cursor, from)));
    // Feed from there through the match and a window after it.
    let end = text.indexOf('\n', start);
    for (let extra = 0; extra < WINDOW + 4 && end !== -1 && end + 1 < text.length; extra += 1) {
      const next = text.indexOf('\n', end + 1);
      if (next === -1) break;
      end = next;
    }
    const stop = end === -1 ? data.length : end + 1;
    const lines = data.toString('utf8', from, stop).split('\n');
    lines.pop();
    out.push(...scanner.push(lines));
    cursor = stop;
  }
  out.push(...scanner.skip(countNewlines(data, cursor, data.length)));
  return out;
}
