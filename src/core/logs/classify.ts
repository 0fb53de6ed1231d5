// One line of log text → what TLS failure it names, if any; the host it names, if any.
import type { FindingDetail, FindingKind, Runtime } from '../types';
import { CONTEXT_HOST_PATTERNS, DOC_HOSTS, DOC_LINK_BEFORE, HOST_PATTERNS, RUNTIME_HINTS, SIGNATURES } from './signatures';

export interface LineClass {
  kind: FindingKind;
  runtime: Runtime | null;
  /** The text says verification failed but not why (Signature.vague). */
  vague?: boolean;
  detail?: FindingDetail;
}

/** Lines longer than this are classified on their first part only (a 1 MB line still costs linear time). */
const MAX_CLASSIFIED = 64 * 1024;
/** How much of each side of a line break a wrapped failure is looked for in. */
const JOIN_SIDE = 300;

/** The VS Code / Cursor log prefix: `2026-11-24 20:33:55.106 [warning] [server stderr] `. */
const EDITOR_PREFIX = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d{1,6})? \[(\w{1,10})\] (?:\[(?:server stderr|McpProcess stderr|[\w .-]{1,60} stderr)\] )?/;

/** The prefix at the start of any line of a text (`m`: `^` after every newline; callers check the match is after `\n`). */
export const EDITOR_PREFIX_LINES = new RegExp(EDITOR_PREFIX.source, 'gm');

export interface LogLine {
  /** The text the program wrote, without the editor's prefix. */
  text: string;
  /** The editor wrote this line itself (not a server's stderr): a boundary between events. */
  fromEditor: boolean;
  /** The line carried an editor prefix at all (lines without one continue the entry before). */
  prefixed: boolean;
}

export function parseLogLine(raw: string): LogLine {
  const match = EDITOR_PREFIX.exec(raw);
  if (!match) return { text: raw, fromEditor: false, prefixed: false };
  const stderr = match[0].includes('stderr] ');
  return { text: raw.slice(match[0].length), fromEditor: !stderr, prefixed: true };
}

function toClass(signature: (typeof SIGNATURES)[number]): LineClass {
  const cls: LineClass = { kind: signature.kind, runtime: signature.runtime };
  if (signature.vague) cls.vague = true;
  if (signature.detail) cls.detail = signature.detail;
  return cls;
}

/** Documentation and advice around a quoted error text (markdown emphasis or lists, "if you see", a CA variable). */
const PROSE = /\*\*|^[ \t]*(?:[-*+]|\d{1,3}\.|#{1,6}) |\b(?:[Ii]f you|you (?:see|get|may|might|will)|[Ss]et the|[Ss]olution|[Cc]ause:|[Ee]xample|[Ww]orkaround)\b|SSL_CERT_FILE|NODE_EXTRA_CA_CERTS|REQUESTS_CA_BUNDLE|UV_NATIVE_TLS|--native-tls/;

/** Is [at, at + length) inside a `backtick` span of a line that reads as documentation? */
function quotedInProse(line: string, at: number, length: number): boolean {
  let ticks = 0;
  for (let i = line.indexOf('`'); i !== -1 && i < at; i = line.indexOf('`', i + 1)) ticks += 1;
  return ticks % 2 === 1 && line.indexOf('`', at + length) !== -1 && PROSE.test(line);
}

export function classifyLine(text: string): LineClass | null {
  const line = text.length > MAX_CLASSIFIED ? text.slice(0, MAX_CLASSIFIED) : text;
  for (const signature of SIGNATURES) {
    const match = signature.pattern.exec(line);
    if (!match) continue;
    // Documentation that quotes an error ("**Error: `unable to get local issuer certificate`**") is not one.
    if (line.includes('`') && quotedInProse(line, match.index, match[0].length)) return null;
    return toClass(signature);
  }
  return null;
}

/** Layout around a break: padding and the frame of a boxed (Rich, miette) or quoted block. */
const TRAILING_FRAME = /[\s\u2502\u2503\u2551|]+$/;
const LEADING_FRAME = /^[\s\u2502\u2503\u2551|>]+/;

/**
 * A failure text that a terminal's hard wrap cut in two (even mid-word: `…in certifica` / `te chain`,
 * `unable to get loca` / `  l issuer certificate`; or the reason on the next line: `certificate verify
 * failed:` / ` Basic Constraints of CA cert not marked critical`): the class of a signature match that
 * spans the break once the two sides are joined (without and then with a space), else null.
 */
export function classifyJoined(before: string, after: string): LineClass | null {
  const head = before.length > JOIN_SIDE ? before.slice(before.length - JOIN_SIDE) : before;
  const tail = after.length > JOIN_SIDE ? after.slice(0, JOIN_SIDE) : after;
  const a = head.replace(TRAILING_FRAME, '');
  const b = tail.replace(LEADING_FRAME, '');
  if (a === '' || b === '') return null;
  for (const separator of ['', ' ']) {
    const joined = a + separator + b;
    const cut = a.length;
    for (const signature of SIGNATURES) {
      const match = signature.pattern.exec(joined);
      if (match && match.index < cut && match.index + match[0].length > cut + separator.length) return toClass(signature);
    }
  }
  return null;
}

export function runtimeHint(text: string): Runtime | null {
  const line = text.length > MAX_CLASSIFIED ? text.slice(0, MAX_CLASSIFIED) : text;
  for (const hint of RUNTIME_HINTS) if (hint.pattern.test(line)) return hint.runtime;
  return null;
}

/** A host name or an IP address as it may appear in a URL or a message (not a placeholder like `<YOUR IP>`). */
const HOST_SHAPE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63}){0,20}\.?|[0-9a-fA-F:.]{2,45})$/;

export interface HostPort {
  host: string;
  port: number | null;
}

function hostOf(match: RegExpExecArray, urlDefault: boolean): HostPort | null {
  if (!match[1]) return null;
  const host = match[1].replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (!HOST_SHAPE.test(host) || DOC_HOSTS.test(host)) return null;
  // A URL without a port means 443; a number that is no port (0, > 65535) names none.
  const given = match[2] ? Number(match[2]) : null;
  const port = given !== null ? (given >= 1 && given <= 65535 ? given : null) : urlDefault ? 443 : null;
  return { host, port };
}

/** Every HOST_PATTERNS text holds one of these (a cheap test first: most lines name no host). */
const HOST_HINT = /:\/\/|host|Host|onnect to|certificate is|x509: c|name "|Certificate for <|matching|IP: |cannot verify|dial tcp|\bto [A-Za-z0-9]|[Dd]ial/;
/** The path of a project's issue tracker (`https://github.com/npm/npm/issues`: "report this error at …"). */
const ISSUE_TRACKER = /^\/[^/\s]{1,100}\/[^/\s]{1,100}\/(?:-\/)?issues(?:[/?#\s'">)]|$)/;
/** Likewise for CONTEXT_HOST_PATTERNS. */
const CONTEXT_HINT = /https:|Connect|connection/;

/** The host a line names (never a documentation link's: `see https://…`, curl.se, readthedocs…). */
export function extractHost(text: string): HostPort | null {
  const line = text.length > MAX_CLASSIFIED ? text.slice(0, MAX_CLASSIFIED) : text;
  if (!HOST_HINT.test(line)) return null;
  for (const pattern of HOST_PATTERNS) {
    if (pattern.global) {
      pattern.lastIndex = 0;
      for (let match = pattern.exec(line); match; match = pattern.exec(line)) {
        const before = line.slice(Math.max(0, match.index - 40), match.index);
        const path = line.slice(match.index + match[0].length, match.index + match[0].length + 200);
        const found = DOC_LINK_BEFORE.test(before) || ISSUE_TRACKER.test(path) ? null : hostOf(match, true);
        if (found) {
          pattern.lastIndex = 0;
          return found;
        }
      }
      continue;
    }
    const match = pattern.exec(line);
    const found = match ? hostOf(match, false) : null;
    if (found) return found;
  }
  return null;
}

/** The host a line just before an event names as the one it talks to (CONTEXT_HOST_PATTERNS). */
export function extractContextHost(text: string): HostPort | null {
  const line = text.length > MAX_CLASSIFIED ? text.slice(0, MAX_CLASSIFIED) : text;
  if (!CONTEXT_HINT.test(line)) return null;
  for (const pattern of CONTEXT_HOST_PATTERNS) {
    const match = pattern.exec(line);
    const found = match ? hostOf(match, pattern.source.includes('https:')) : null;
    if (found) return found;
  }
  return null;
}
