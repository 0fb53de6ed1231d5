// A remote MCP server's failure as the editor logs it: `Error sending message to https://…: TypeError:
// fetch failed` (maybe ECONNRESET), no certificate word at all. The log scanner exposes it as a
// ScanSignal with reason `fetch-failed`; this finds the URL the host was sending to, so the front end
// can probe it out of band.
import type { ScanSignal } from '../types';
import { remoteTarget, RemoteTarget } from './remote';

export interface RemoteFetchFailure extends RemoteTarget {
  url: string;
}

/** `https://…` or `wss://…` up to white space, a quote or a bracket; a trailing `:` `.` `,` `)` is the sentence's. */
const URL_IN_TEXT = /\b(?:https|wss):\/\/[^\s'"<>`]+/i;

export function remoteUrlInText(text: string): RemoteFetchFailure | null {
  const match = URL_IN_TEXT.exec(text);
  if (!match) return null;
  const url = match[0].replace(/[:.,;)\]]+$/, '');
  const target = remoteTarget(url);
  return target ? { url, ...target } : null;
}

/** The URL of a `fetch failed` signal, or null (another reason, or no https URL in the line). */
export function remoteFetchFailure(signal: Pick<ScanSignal, 'reason' | 'message'>): RemoteFetchFailure | null {
  return signal.reason === 'fetch-failed' ? remoteUrlInText(signal.message) : null;
}
