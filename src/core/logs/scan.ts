// Log text → findings, one per failure event.
//
// Every line either continues the group of lines before it (a stack frame, a chained exception,
// `Caused by:`, a `[cause]:`, a line without the editor's timestamp, the second half of a hard-wrapped
// line, the same failure printed again right after) or starts a new group. A group that holds at least
// one certificate failure line is one event: a Python traceback that repeats its error through chained
// exceptions is one finding, and takes its host from whichever of its lines names it, else from a line
// just before it that names the host it talked to (`curl https://…`, `Downloading https://…`).
//
// Speed: files and streams are scanned as bytes in fixed-size pieces (no string of the whole input):
// each anchor of the catalogue is searched with Buffer.indexOf (memchr-driven), newlines are counted
// in one WebAssembly call per skipped range, and only the lines of a hit's group are decoded and walked
// (back to a line that surely starts it). `push` (the live tailer's path) walks every line; both give
// the same findings.
import { closeSync, openSync, readSync } from 'node:fs';
import type { Finding, FindingDetail, FindingKind, Runtime, ScanSignal } from '../types';
import type { HostPort, LineClass, LogLine } from './classify';
import { EDITOR_PREFIX_LINES, classifyJoined, classifyLine, extractContextHost, extractHost, parseLogLine, runtimeHint } from './classify';
import { ByteWindow } from './newlines';
import { SERVER_FROM_LINE } from './locations';
import { ANCHORS, ANCHOR_PATTERN, NOT_CERTIFICATE } from './signatures';

/**
 * Longest line looked at (characters on `push`, bytes on files and streams): the rest of a longer line is
 * skipped without being kept, so a 2 GB line costs a bounded amount of memory.
 */
export const MAX_LINE = 1024 * 1024;
/** Bytes read at a time from a file or a stream. */
export const READ_BYTES = 1024 * 1024;

/** Column-0 `Traceback (most recent call last):` starts a Python traceback (or an exception group's, or Rich's boxed one). */
const TRACEBACK = /^[ \t|+]*(?:Exception Group )?Traceback \(most recent call last\):|^[ \t]*\u256d[\u2500 ]{0,200}Traceback \(most recent call last\)/;
/** Lines that chain one exception to the next: the group goes on. */
const CHAIN_MARKER = /^[ \t|]*(?:During handling of the above exception|The above exception was the direct cause|Caused by:|\[cause\]:|--- End of inner exception|---> )/;
/** Indented, boxed (uv/miette, Rich), or closing a printed object: continues the line before. */
const INDENTED = /^(?:[ \t|+}\])]|\u2502|\u251c|\u2570|\u2514|\u00d7|\u2500)/;
/** Lines the editor writes itself: always a boundary. */
const EDITOR_BOUNDARY = /^(?:Starting server|Stopping server|Connection state: |Server exited|Process exited|Waiting for server|connecting stdio|Connection failed|Successfully connected|Server command line)/;
/** npm prints one failure over many `npm ERR!` lines; its debug log numbers every line (`14 verbose stack …`). */
const NPM = /^npm (?:ERR!|error) |^\d{1,7} (?:silly|verbose|info|http|timing|error|warn|notice) /;
/** A `curl -v` trace line (`* …`, `> …`, `< …`): between a failure and curl's exit line, one event. */
const CURL_TRACE = /^[*<>{}] /;
/** curl's exit line (`curl: (60) …`). */
const CURL_EXIT = /^curl: \(\d{1,3}\)/;
/** A printed object opens (Node's error objects: `    at … {`) or closes. */
const OPENS_OBJECT = /\{[ \t]*$/;
const CLOSES_OBJECT = /^[ \t]*\}/;
/** A hard wrap in the middle of a word: the line before ends in a letter or digit, this one goes on in lower case. */
const ENDS_IN_WORD = /[A-Za-z0-9]$/;
const STARTS_IN_WORD = /^[a-z]/;
/** A line at least this long may have been cut by a terminal's width (80 columns and up, less a prompt). */
const WRAP_WIDTH = 70;
/** Protocol errors whose lines hold no anchor (`tls: first record…`, `…secure TLS connection…`): signals only. */
const PROTOCOL_HINT = /TLS|tls: |EPROTO|wrong version number/;
/** Node's undici and the editors' MCP clients say this when a request failed, whatever the reason. */
const FETCH_FAILED = /\bfetch failed\b/;

/** How far the fast path walks back from a hit for the start of its group (lines, bytes). */
const MAX_WALK_LINES = 2000;
const MAX_WALK_BYTES = 1024 * 1024;
/** A group holding a hit is closed after this many lines, whatever follows. */
const MAX_GROUP_LINES = 2000;
/** Lines of a group kept for host and runtime extraction. */
const KEPT_LINES = 400;
/** Lines before a group searched for the host it talked to. */
const CONTEXT_LINES = 12;
const MAX_MESSAGE = 1000;

const ANCHOR_BYTES = ANCHORS.map((anchor) => Buffer.from(anchor, 'latin1'));

interface Hit {
  line: number;
  kind: FindingKind;
  runtime: Runtime | null;
  vague: boolean;
  detail?: FindingDetail;
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
  /** Printed objects open (`{` at a line's end) and not closed yet. */
  braces = 0;
  /** Non-blank lines since the last hit. */
  sinceHit = 0;
  /** Those lines were all `curl -v` trace lines. */
  traceSinceHit = true;
  lastHit = false;
  lastText = '';
  /** The line number of the group's first line, and of its first `fetch failed` line. */
  firstLine = 0;
  fetchLine = 0;
  /** The lines just before the group's first one (oldest first). */
  before: string[] = [];
}

function hasAnchor(text: string): boolean {
  ANCHOR_PATTERN.lastIndex = 0;
  const found = ANCHOR_PATTERN.test(text);
  ANCHOR_PATTERN.lastIndex = 0;
  return found;
}

function compatible(a: Runtime | null, b: Runtime | null): boolean {
  return a === null || b === null || a === b;
}

export interface ScannerOptions {
  /** Called for what is not a certificate finding but may hide one (ScanSignal). */
  onSignal?: (signal: ScanSignal) => void;
  /** Called for each line of a file or stream cut to MAX_LINE bytes (its number). */
  onLongLine?: (line: number) => void;
}

export class FindingScanner {
  private lineNo = 0;
  private group = new Group();
  private prefixedFile = false;
  /** The lines just read (parsed text), oldest first; at most CONTEXT_LINES. */
  private recent: string[] = [];
  /** The line before the next one: its text and whether it holds an anchor (null: not known, skipped). */
  private prevText: string | null = null;
  private prevAnchored = false;
  /** The line before was a vague failure line: this one may carry the reason, anchor or not. */
  private prevVague = false;
  /** The line before named a failure with its reason: nothing to complete by joining. */
  private prevSpecific = false;

  constructor(
    private readonly file: string,
    private readonly server?: string,
    readonly options: ScannerOptions = {},
  ) {}

  /** Lines consumed so far (the next line is number linesSeen + 1). */
  get linesSeen(): number {
    return this.lineNo;
  }

  /** A TLS failure is open: the next lines may still belong to it. */
  get eventOpen(): boolean {
    return this.group.hits.length > 0;
  }

  /** The next line must be read whatever it holds (an event is open, or the last line may wrap onto it). */
  private get needsNext(): boolean {
    return this.group.hits.length > 0 || this.prevAnchored;
  }

  push(lines: string[]): Finding[] {
    const out: Finding[] = [];
    for (const raw of lines) this.feed(raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw, out);
    return out;
  }

  /** Ends whatever event is open (the end of the input, or the log went quiet). */
  flush(): Finding[] {
    const out: Finding[] = [];
    this.close(out);
    return out;
  }

  /** All findings of `text` (whole lines; a last line without `\n` counts as whole). */
  pushText(text: string): Finding[] {
    const out: Finding[] = [];
    const stream = new ByteScanner(this, (findings) => {
      for (const finding of findings) out.push(finding);
    });
    const bytes = Buffer.from(text, 'utf8');
    for (let at = 0; at < bytes.length; at += READ_BYTES) stream.write(bytes.subarray(at, Math.min(bytes.length, at + READ_BYTES)));
    stream.end(false);
    return out;
  }

  /**
   * Lines that hold no anchor and were not looked at. Only valid while no event is open and when
   * the line after them starts a group of its own (see startsGroup): the current group ends.
   * `recent` is what the last lines of them were (for the next group's context).
   */
  private skip(count: number, recent: string[]): void {
    if (count <= 0) return;
    this.lineNo += count;
    this.group = new Group();
    this.recent = recent;
    this.prevText = null;
    this.prevAnchored = false;
    this.prevVague = false;
    this.prevSpecific = false;
  }

  /**
   * The fast path over whole lines of bytes [0, length) of `window`. Searches each anchor with
   * Buffer.indexOf and feeds only the lines from the start of a hit's group to the hit (then on while
   * its event is open); the lines between are counted, not read. The answer is the same as `push` of
   * every line: a run of lines is skipped only up to a line that starts a group whatever came before it
   * (startsGroup). Unless `final`, the input goes on after `length`: the lines after the last group start
   * are not taken in, and `consumed` says where they begin (pass them again, in front of the next piece).
   */
  scanBytes(window: ByteWindow, length: number, final: boolean): { findings: Finding[]; consumed: number } {
    const out: Finding[] = [];
    const bytes = window.bytes.subarray(0, length);
    const lineEnd = (start: number): number => {
      const eol = bytes.indexOf(10, start);
      return eol === -1 ? length : eol;
    };
    const lineAt = (start: number, end: number): string => bytes.toString('utf8', start, Math.min(end, start + MAX_LINE));
    const parse = (raw: string): LogLine => parseLogLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
    const parsedAt = (start: number): LogLine => parse(lineAt(start, lineEnd(start)));
    const feedLine = (start: number): number => {
      const end = lineEnd(start);
      this.feed(lineAt(start, end), out);
      return end === length ? end : end + 1;
    };
    /** Start of the line before the one starting at `start` (> 0). */
    const previous = (start: number): number => (start < 2 ? 0 : bytes.lastIndexOf(10, start - 2) + 1);

    // Until the input has shown an editor prefix, where its first one is (it changes how lines group).
    let firstPrefixed = -1;
    let prefixSearched = 0;
    const findPrefix = (upTo: number): void => {
      // The line starts in [prefixSearched, upTo], each looked at once.
      if (this.prefixedFile || firstPrefixed !== -1 || prefixSearched > upTo) return;
      if (prefixSearched === 0 && looksPrefixed(bytes, 0)) {
        firstPrefixed = 0;
        return;
      }
      for (let at = bytes.indexOf(NEWLINE_20, Math.max(0, prefixSearched - 1)); at !== -1 && at + 1 <= upTo; at = bytes.indexOf(NEWLINE_20, at + 1)) {
        if (looksPrefixed(bytes, at + 1)) {
          firstPrefixed = at + 1;
          return;
        }
      }
      prefixSearched = upTo + 1;
    };
    const prefixedAt = (start: number): boolean => {
      if (this.prefixedFile) return true;
      findPrefix(start);
      return firstPrefixed !== -1 && firstPrefixed <= start;
    };
    /** The last CONTEXT_LINES lines before `to` (those from `from` on were skipped), oldest first. */
    const recentBefore = (from: number, to: number): string[] => {
      const lines: string[] = [];
      for (let at = to; at > from && lines.length < CONTEXT_LINES; ) {
        at = previous(at);
        if (at < from) break;
        lines.push(parsedAt(at).text);
      }
      lines.reverse();
      const older = this.recent.slice(Math.max(0, this.recent.length - (CONTEXT_LINES - lines.length)));
      return lines.length >= CONTEXT_LINES ? lines : [...older, ...lines];
    };
    const skipTo = (from: number, to: number): void => {
      const count = window.countNewlines(from, to) + (to === length && to > from && bytes[to - 1] !== 10 ? 1 : 0);
      if (count === 0) return;
      if (prefixedAt(to - 1)) this.prefixedFile = true;
      this.skip(count, recentBefore(from, to));
    };
    /** The nearest line at or above `start`, not above `floor`, that surely starts a group. */
    const groupStart = (start: number, floor: number): number => {
      const window3: { at: number; line: LogLine }[] = [{ at: start, line: parsedAt(start) }];
      for (let walked = 0; walked < MAX_WALK_LINES && start - window3[0].at <= MAX_WALK_BYTES; walked += 1) {
        while (window3.length < 3 && window3[window3.length - 1].at > floor) {
          const at = previous(window3[window3.length - 1].at);
          window3.push({ at, line: parsedAt(at) });
        }
        const [line, before, beforeThat] = window3;
        if (!before) return line.at; // at the floor
        if (startsGroup(line.line, prefixedAt(line.at), before.line, prefixedAt(before.at), beforeThat?.line ?? null, beforeThat ? prefixedAt(beforeThat.at) : false)) return line.at;
        window3.shift();
      }
      return window3[0].at;
    };

    // The next occurrence of each anchor at or after a position (-2: not searched yet, -1: none).
    const next = ANCHOR_BYTES.map(() => -2);
    const nextAnchor = (from: number): number => {
      let best = -1;
      for (let i = 0; i < next.length; i += 1) {
        if (next[i] === -1) continue;
        if (next[i] < from) next[i] = bytes.indexOf(ANCHOR_BYTES[i], from);
        if (next[i] !== -1 && (best === -1 || next[i] < best)) best = next[i];
      }
      return best;
    };

    let cursor = 0;
    while (cursor < length) {
      if (this.needsNext) {
        cursor = feedLine(cursor);
        continue;
      }
      const hit = nextAnchor(cursor);
      if (hit === -1) {
        if (final) {
          skipTo(cursor, length);
          return { findings: out, consumed: length };
        }
        // The last lines may be the head of a group that goes on in the next piece: keep them.
        const last = bytes[length - 1] === 10 ? previous(length) : bytes.lastIndexOf(10, length - 1) + 1;
        const from = last < cursor ? cursor : groupStart(last, cursor);
        skipTo(cursor, from);
        return { findings: out, consumed: from };
      }
      const hitStart = hit === 0 ? 0 : bytes.lastIndexOf(10, hit - 1) + 1;
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
    const anchored = hasAnchor(text);
    const cls = anchored || this.prevVague ? classifyLine(text) : null;
    // A failure the terminal wrapped onto this line (or whose reason it carries): only where neither
    // line names one by itself (a vague line before may still be completed).
    const joined = cls === null && this.prevText !== null && !this.prevSpecific && (anchored || this.prevAnchored) ? classifyJoined(this.prevText, text) : null;

    const group = this.group;
    const continues = group.size > 0 && group.size < MAX_GROUP_LINES && (joined !== null || this.continues(group, text, parsed.prefixed, cls));
    if (!continues) {
      this.close(out);
      this.start(text);
    }
    const current = this.group;
    current.size += 1;
    if (current.lines.length < KEPT_LINES) current.lines.push(text);
    if (joined && this.prevText !== null) current.hits.push(hitOf(this.lineNo - 1, joined, joinText(this.prevText, text)));
    if (cls) current.hits.push(hitOf(this.lineNo, cls, text));
    if (cls || joined) {
      current.sinceHit = 0;
      current.traceSinceHit = true;
      current.lastHit = true;
    } else {
      if (!isBlank(text)) {
        current.sinceHit += 1;
        if (!CURL_TRACE.test(text)) current.traceSinceHit = false;
      }
      current.lastHit = false;
    }
    current.lastText = text;
    if (OPENS_OBJECT.test(text)) current.braces += 1;
    else if (current.braces > 0 && CLOSES_OBJECT.test(text)) current.braces -= 1;
    if (!cls && current.fetchLine === 0 && FETCH_FAILED.test(text)) current.fetchLine = this.lineNo;
    if (!anchored && !cls && this.options.onSignal && PROTOCOL_HINT.test(text)) {
      // Outside the grouping (the fast path never reads such lines): a signal of its own.
      const protocol = classifyLine(text);
      if (protocol && protocol.kind === 'other-tls' && !protocol.detail) {
        const lone = new Group();
        lone.lines.push(text);
        lone.before = current.before;
        this.signal(lone, 'tls-protocol', this.lineNo, text, hitOf(this.lineNo, protocol, text));
      }
    }

    this.recent.push(text);
    if (this.recent.length > CONTEXT_LINES) this.recent.shift();
    this.prevText = text;
    this.prevAnchored = anchored;
    this.prevVague = cls?.vague === true || joined?.vague === true;
    this.prevSpecific = (cls !== null && cls.vague !== true) || (joined !== null && joined.vague !== true);
  }

  private start(text: string): void {
    const group = new Group();
    if (TRACEBACK.test(text)) group.py = 'frames';
    group.npm = NPM.test(text);
    group.before = this.recent.slice();
    group.firstLine = this.lineNo;
    this.group = group;
  }

  /** Does `text` continue the group? Updates the group's state as it reads. */
  private continues(group: Group, text: string, prefixed: boolean, cls: LineClass | null): boolean {
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
    // The same failure again, right after (or after blank lines only): a logger's line and the exception
    // it prints, a message printed twice, a vague line and the reason after it.
    const last = group.hits[group.hits.length - 1];
    // curl -v: the failure, a few trace lines (`* Closing connection 0`), then curl's exit line saying it again.
    const traced = last !== undefined && group.traceSinceHit && group.sinceHit <= 3;
    if (traced && CURL_TRACE.test(text)) return true;
    const again =
      cls !== null &&
      last !== undefined &&
      (group.sinceHit === 0 || (traced && CURL_EXIT.test(text))) &&
      (cls.kind === last.kind || last.vague || cls.vague === true) &&
      compatible(cls.runtime, last.runtime);
    if (INDENTED.test(text)) return blanks === 0 || afterMarker || group.py !== 'none' || group.braces > 0 || again;
    if (group.npm && NPM.test(text)) return true;
    if (group.py === 'frames' && blanks === 0) {
      // The exception line that ends a traceback's frames.
      group.py = 'after';
      return true;
    }
    if (again) return true;
    // A hard wrap in the middle of a word, right after a failure line, or of a terminal-wide line (its
    // head: `FetchError: request to https://registry…/server-fi` / `lesystem failed, reason: …`) onto one.
    if (blanks === 0 && ENDS_IN_WORD.test(group.lastText) && STARTS_IN_WORD.test(text) && (group.lastHit || (cls !== null && group.hits.length === 0 && group.lastText.length >= WRAP_WIDTH))) return true;
    return afterMarker;
  }

  private close(out: Finding[]): void {
    const group = this.group;
    this.group = new Group();
    if (group.hits.length === 0) {
      if (group.fetchLine > 0) this.signal(group, 'fetch-failed', group.fetchLine, group.lines.find((line) => FETCH_FAILED.test(line)) ?? '');
      return;
    }
    if (group.lines.some((line) => NOT_CERTIFICATE.test(line)) || group.hits.some((hit) => NOT_CERTIFICATE.test(hit.text))) return;
    // Protocol errors (wrong version number, handshake failure) are not certificate findings.
    const certificate = group.hits.filter((hit) => hit.kind !== 'other-tls' || hit.detail !== undefined);
    if (certificate.length === 0) {
      this.signal(group, 'tls-protocol', group.hits[0].line, group.hits[0].text, group.hits[0]);
      return;
    }
    // The most specific: a named reason, then a revocation check that could not run, then a vague one.
    const specific =
      certificate.find((hit) => !hit.vague && hit.kind !== 'other-tls') ?? certificate.find((hit) => !hit.vague) ?? certificate[0];
    const primary = specific.line === certificate[0].line ? specific : certificate[0];
    const kind = specific.kind;
    const runtime = this.runtimeOf(group, certificate);
    const host = hostOf(group, certificate);
    // Without an exception group's `| ` frame or `+ ` box, which are layout, not message.
    const message = primary.text.trim().replace(/^(?:[|+\u2502\u2503\u2551] ?)+/, '').replace(/[ \t]*[\u2502\u2503\u2551]$/, '').trim();
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
    const server = this.server ?? serverOfEvent(group, certificate);
    if (server) finding.server = server;
    const detail = specific.detail ?? (specific.vague ? 'reason-unspecified' : undefined);
    if (detail) finding.detail = detail;
    out.push(finding);
  }

  private runtimeOf(group: Group, hits: Hit[]): Runtime | null {
    let runtime: Runtime | null = hits.find((hit) => hit.runtime !== null)?.runtime ?? null;
    if (runtime === null) {
      for (const line of [...hits.map((hit) => hit.text), ...group.lines]) {
        runtime = runtimeHint(line);
        if (runtime) break;
      }
    }
    return runtime;
  }

  private signal(group: Group, reason: ScanSignal['reason'], line: number, text: string, hit?: Hit): void {
    if (!this.options.onSignal) return;
    const host = hostOf(group, hit ? [hit] : []);
    const signal: ScanSignal = {
      file: this.file,
      line,
      reason,
      runtime: this.runtimeOf(group, hit ? [hit] : []) ?? 'unknown',
      host: host?.host ?? null,
      port: host ? host.port : null,
      message: text.trim().slice(0, MAX_MESSAGE),
    };
    if (this.server) signal.server = this.server;
    this.options.onSignal(signal);
  }
}

function hitOf(line: number, cls: LineClass, text: string): Hit {
  const hit: Hit = { line, kind: cls.kind, runtime: cls.runtime, vague: cls.vague === true, text };
  if (cls.detail) hit.detail = cls.detail;
  return hit;
}

/** Two halves of a wrapped line as one (the way classifyJoined matched them). */
function joinText(before: string, after: string): string {
  const a = before.replace(/[\s\u2502\u2503\u2551|]+$/, '');
  const b = after.replace(/^[\s\u2502\u2503\u2551|>]+/, '');
  return /[A-Za-z0-9]$/.test(a) && /^[a-z]/.test(b) && !/\s$/.test(before) ? a + b : `${a} ${b}`;
}

/** The host of an event: named by its failure lines, else by any of its lines (a URL, then where it connects), else by a line just before it. */
function hostOf(group: Group, hits: Hit[]): HostPort | null {
  for (const hit of hits) {
    const host = extractHost(hit.text);
    if (host) return host;
  }
  for (const line of group.lines) {
    const host = extractHost(line);
    if (host) return host;
  }
  // A line of the event that names where it connects (pip's `Starting new HTTPS connection (6): host:443`
  // between its retries, a download announcement), as the lines just before it may.
  for (const line of group.lines) {
    const host = extractContextHost(line);
    if (host) return host;
  }
  for (let i = group.before.length - 1; i >= 0; i -= 1) {
    const host = extractContextHost(group.before[i]);
    if (host) return host;
  }
  return null;
}

/** The server a host's shared log names in the event's lines (SERVER_FROM_LINE), failure lines first. */
function serverOfEvent(group: Group, hits: Hit[]): string | null {
  for (const text of [...hits.map((hit) => hit.text), ...group.lines]) {
    if (!text.includes('mcp server') && !text.includes('MCP client for')) continue;
    for (const row of SERVER_FROM_LINE) {
      const match = row.pattern.exec(text);
      if (match) return match[1];
    }
  }
  return null;
}

/** An empty line, or an exception group's empty `|` frame line. */
function isBlank(text: string): boolean {
  return text.trim() === '' || /^[ \t]*\|[ \t]*$/.test(text);
}

/**
 * Does `line` start a new group whatever came before the two lines above it? True only when
 * `continues` is sure to answer no: the line is at column 0 and neither it nor the line above can
 * extend a traceback, a chain or an npm block, the line above that leaves no chain marker open, the
 * line is no failure line of its own (it may repeat the one before), and it does not complete a failure
 * wrapped from the line above.
 * (`prefixed…`: the input had shown the editor prefix by then; its lines without one continue.)
 */
function startsGroup(line: LogLine, prefixedFile: boolean, before: LogLine, prefixedBefore: boolean, beforeThat: LogLine | null, prefixedBeforeThat: boolean): boolean {
  if (prefixedFile && !line.prefixed) return false;
  const text = line.text;
  if (isBlank(text)) return false;
  if (EDITOR_BOUNDARY.test(text)) return true;
  if (INDENTED.test(text) || CHAIN_MARKER.test(text) || NPM.test(text) || CURL_TRACE.test(text)) return false;
  const anchored = hasAnchor(text);
  const beforeAnchored = hasAnchor(before.text);
  if (anchored && classifyLine(text) !== null) return false;
  const beforeClass = beforeAnchored ? classifyLine(before.text) : null;
  if ((anchored || beforeAnchored) && (beforeClass === null || beforeClass.vague === true) && classifyJoined(before.text, text) !== null) return false;
  if (beforeClass !== null && ENDS_IN_WORD.test(before.text) && STARTS_IN_WORD.test(text)) return false;
  if (prefixedBefore && !before.prefixed) return false;
  const above = before.text;
  if (isBlank(above) || INDENTED.test(above) || CHAIN_MARKER.test(above) || NPM.test(above) || TRACEBACK.test(above)) return false;
  if (!beforeThat || (prefixedBeforeThat && !beforeThat.prefixed)) return false;
  return !isBlank(beforeThat.text) && !CHAIN_MARKER.test(beforeThat.text);
}

/** `\n20`: a line that may start with an editor timestamp (years 2000–2099). */
const NEWLINE_20 = Buffer.from('\n20', 'latin1');
const PREFIX_AT = new RegExp(`^${EDITOR_PREFIX_LINES.source.replace(/^\^/, '')}`);

/** Does the line at `start` begin with the editor's prefix? (A byte check first: most lines fail it at once.) */
function looksPrefixed(bytes: Buffer, start: number): boolean {
  if (start + 24 > bytes.length) return false;
  if (bytes[start + 4] !== 0x2d || bytes[start + 7] !== 0x2d || bytes[start + 13] !== 0x3a || bytes[start + 16] !== 0x3a) return false;
  let bracket = false;
  for (let at = start + 19; at < start + 28 && at + 1 < bytes.length; at += 1) {
    if (bytes[at] === 0x20 && bytes[at + 1] === 0x5b) {
      bracket = true;
      break;
    }
  }
  return bracket && PREFIX_AT.test(bytes.toString('latin1', start, Math.min(bytes.length, start + 120)));
}

/**
 * Feeds bytes of any size to a FindingScanner in bounded memory: pieces are scanned as they come; a
 * line longer than MAX_LINE is kept to its first MAX_LINE bytes and the rest is dropped as it arrives.
 */
/** Buffers of ended scans, kept for the next (creating one costs a WebAssembly instance). */
const spareWindows: ByteWindow[] = [];

export class ByteScanner {
  private readonly window = spareWindows.pop() ?? new ByteWindow(READ_BYTES * 2);
  /** end() gave the buffer back for the next scan: this one takes no more bytes. */
  private released = false;
  private filled = 0;
  private discarding = false;
  /** Lines cut to MAX_LINE so far. */
  longLines = 0;

  /** Bytes the buffer holds room for now (bounded: MAX_LINE, a read, and the head of a group). */
  get capacity(): number {
    return this.window.bytes.length;
  }

  constructor(
    private readonly scanner: FindingScanner,
    private readonly emit: (findings: Finding[]) => void,
  ) {}

  /** Where the next bytes may be read to: at least `size` bytes from `offset` of `bytes`. */
  room(size = READ_BYTES): { bytes: Buffer; offset: number } {
    if (this.released) throw new Error('the scan has ended');
    this.window.ensure(this.filled + size, this.filled);
    return { bytes: this.window.bytes, offset: this.filled };
  }

  /** `count` bytes were read to the offset `room` gave. */
  commit(count: number): void {
    if (this.released) throw new Error('the scan has ended');
    if (count <= 0) return;
    const bytes = this.window.bytes;
    const start = this.filled;
    let end = start + count;
    if (this.discarding) {
      // The rest of an over-long line: drop it up to its newline.
      const eol = bytes.subarray(0, end).indexOf(10, start);
      if (eol === -1) return;
      bytes.copy(bytes, start, eol, end);
      end = start + (end - eol);
      this.discarding = false;
    }
    // The line open before these bytes: kept to MAX_LINE bytes, the rest dropped (now, or as it arrives).
    const lineStart = start === 0 ? 0 : bytes.lastIndexOf(10, start - 1) + 1;
    const eol = bytes.subarray(0, end).indexOf(10, start);
    if ((eol === -1 ? end : eol) - lineStart > MAX_LINE) {
      const keep = lineStart + MAX_LINE;
      if (eol === -1) {
        end = keep;
        this.discarding = true;
      } else {
        bytes.copy(bytes, keep, eol, end);
        end = keep + (end - eol);
      }
      this.longLines += 1;
      this.scanner.options.onLongLine?.(this.scanner.linesSeen + this.window.countNewlines(0, lineStart) + 1);
    }
    this.filled = end;
    const lastNewline = bytes.subarray(0, end).lastIndexOf(10, end - 1);
    if (lastNewline < start) return; // no line ended in these bytes
    const { findings, consumed } = this.scanner.scanBytes(this.window, lastNewline + 1, false);
    if (findings.length > 0) this.emit(findings);
    const windowBytes = this.window.bytes;
    windowBytes.copy(windowBytes, 0, consumed, this.filled);
    this.filled -= consumed;
  }

  /** Copies a piece in (for streams; files read straight into `room`). */
  write(piece: Uint8Array): void {
    for (let at = 0; at < piece.length; at += READ_BYTES) {
      const part = piece.subarray(at, Math.min(piece.length, at + READ_BYTES));
      const { bytes, offset } = this.room(part.length);
      bytes.set(part, offset);
      this.commit(part.length);
    }
  }

  /** The input ended: the last line (without its newline) and any open event. */
  end(flush = true): void {
    if (this.released) return;
    if (this.filled > 0) {
      const { findings } = this.scanner.scanBytes(this.window, this.filled, true);
      if (findings.length > 0) this.emit(findings);
      this.filled = 0;
    }
    if (flush) {
      const rest = this.scanner.flush();
      if (rest.length > 0) this.emit(rest);
    }
    if (!this.released && spareWindows.length < 2 && this.window.bytes.length <= READ_BYTES * 4) spareWindows.push(this.window);
    this.released = true;
  }
}

/** All findings in a text. */
export function scanText(text: string, file: string, server?: string, options?: ScannerOptions): Finding[] {
  const scanner = new FindingScanner(file, server, options);
  const found = scanner.pushText(text);
  for (const finding of scanner.flush()) found.push(finding);
  return found;
}

/**
 * Scans a file of any size in pieces of `readBytes`, read straight into the scanner's buffer. Each
 * finding goes to `onFinding` as soon as its event ends, or into the returned array without one.
 */
export function scanFile(file: string, server?: string, onFinding?: (finding: Finding) => void, readBytes = READ_BYTES, options?: ScannerOptions): Finding[] {
  const found: Finding[] = [];
  const scanner = new FindingScanner(file, server, options);
  const stream = new ByteScanner(scanner, (findings) => {
    for (const finding of findings) {
      if (onFinding) onFinding(finding);
      else found.push(finding);
    }
  });
  const fd = openSync(file, 'r');
  try {
    // A piece holds no whole line longer than MAX_LINE (the cap is applied as lines cross pieces).
    const size = Math.min(READ_BYTES, Math.max(1, readBytes));
    for (;;) {
      const { bytes, offset } = stream.room(size);
      const read = readSync(fd, bytes, offset, size, null);
      if (read === 0) break;
      stream.commit(read);
    }
    stream.end();
  } finally {
    closeSync(fd);
  }
  return found;
}

/** Scans a stream (stdin) in bounded memory; findings go to `onFinding` as their events end. */
export async function scanStream(input: AsyncIterable<Uint8Array | string>, file: string, onFinding: (finding: Finding) => void, server?: string, options?: ScannerOptions): Promise<{ longLines: number }> {
  const scanner = new FindingScanner(file, server, options);
  const stream = new ByteScanner(scanner, (findings) => {
    for (const finding of findings) onFinding(finding);
  });
  for await (const piece of input) stream.write(typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece);
  stream.end();
  return { longLines: stream.longLines };
}
