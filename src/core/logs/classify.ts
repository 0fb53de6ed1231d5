// One line of log text → what TLS failure it names, if any; the host it names, if any.
import type { FindingKind, Runtime } from '../types';
import { HOST_PATTERNS, RUNTIME_HINTS, SIGNATURES } from './signatures';

export interface LineClass {
  kind: FindingKind;
  runtime: Runtime | null;
}

/** Lines longer than this are classified on their first part only (a 1 MB line still costs linear time). */
const MAX_CLASSIFIED = 64 * 1024;

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

export function classifyLine(text: string): LineClass | null {
  const line = text.length > MAX_CLASSIFIED ? text.slice(0, MAX_CLASSIFIED) : text;
  for (const signature of SIGNATURES) {
    if (signature.pattern.test(line)) return { kind: signature.kind, runtime: signature.runtime };
  }
  return null;
}

export function runtimeHint(text: string): Runtime | null {
  const line = text.length > MAX_CLASSIFIED ? text.slice(0, MAX_CLASSIFIED) : text;
  for (const hint of RUNTIME_HINTS) if (hint.pattern.test(line)) return hint.runtime;
  return null;
}

const URL_PATTERN = /^\(\?:https/;

export function extractHost(text: string): { host: string; port: number | null } | null {
  const line = text.length > MAX_CLASSIFIED ? text.slice(0, MAX_CLASSIFIED) : text;
  for (const pattern of HOST_PATTERNS) {
    const match = pattern.exec(line);
    if (!match?.[1]) continue;
    const host = match[1].replace(/^\[|\]$/g, '');
    // A URL without a port means 443; a number that is no port (0, > 65535) names none.
    const given = match[2] ? Number(match[2]) : null;
    const port = given !== null ? (given >= 1 && given <= 65535 ? given : null) : URL_PATTERN.test(pattern.source) ? 443 : null;
    return { host, port };
  }
  return null;
}
