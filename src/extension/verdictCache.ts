import type * as vscode from 'vscode';
import type { TargetVerdict } from '../core/assess/assess';
import type { ChainReport } from '../core/types';

/**
 * How long preflight trusts a kept verdict. An interception proxy and its root change rarely (IT
 * rolls a root over in months); a window start every few minutes should not each probe the same
 * hosts. A config change, a failure in a log and the user's Analyze Host / Re-analyze probe again.
 */
export const VERDICT_TTL_MS = 4 * 60 * 60_000;
/** A failed probe is kept only so that windows opened together do not each retry it at once. */
export const FAILURE_TTL_MS = 2 * 60_000;
const MAX_ENTRIES = 64;
const STATE_KEY = 'mcpSslDoctor.verdicts.v1';

type Entry = { at: number; verdict: TargetVerdict } | { at: number; error: string };

/**
 * Preflight's verdicts per (host, port, proxy), in `globalState`: shared by every window of the
 * profile. Holds what preflight needs (verdict, the root's subject and SHA-256, the policy's
 * action), never a certificate, and a proxy only as `scheme://host:port` (no credentials).
 */
export class VerdictCache {
  constructor(
    private readonly state: vscode.Memento,
    private readonly now: () => number = Date.now,
  ) {}

  private read(): Record<string, Entry> {
    const value = this.state.get<Record<string, Entry>>(STATE_KEY);
    return value && typeof value === 'object' ? value : {};
  }

  private async write(entries: Record<string, Entry>): Promise<void> {
    const now = this.now();
    const live = Object.entries(entries)
      .filter(([, entry]) => now - entry.at < ('error' in entry ? FAILURE_TTL_MS : VERDICT_TTL_MS))
      .sort(([, a], [, b]) => b.at - a.at)
      .slice(0, MAX_ENTRIES);
    await this.state.update(STATE_KEY, Object.fromEntries(live));
  }

  /** The kept verdict, a kept failure (`{error}`), or undefined when there is none or it expired. */
  get(key: string): { verdict: TargetVerdict } | { error: string } | undefined {
    const entry = this.read()[key];
    if (!entry || typeof entry.at !== 'number') return undefined;
    const age = this.now() - entry.at;
    if (age < 0 || age >= ('error' in entry ? FAILURE_TTL_MS : VERDICT_TTL_MS)) return undefined;
    return 'error' in entry ? { error: entry.error } : { verdict: entry.verdict };
  }

  async put(key: string, verdict: TargetVerdict): Promise<void> {
    await this.write({ ...this.read(), [key]: { at: this.now(), verdict } });
  }

  async putFailure(key: string, error: string): Promise<void> {
    await this.write({ ...this.read(), [key]: { at: this.now(), error } });
  }

  /** Forgets every proxy's verdict for host:port (a failure was seen there), or everything. */
  async forget(host?: string, port?: number): Promise<void> {
    if (host === undefined) return this.write({});
    const prefix = JSON.stringify([host.toLowerCase(), port ?? 443]).slice(0, -1) + ',';
    await this.write(Object.fromEntries(Object.entries(this.read()).filter(([key]) => !key.startsWith(prefix))));
  }
}

/** The key a report's verdict is kept under: the same as ChainAnalysis.cacheKeyOf for its target. */
export function reportKey(report: Pick<ChainReport, 'host' | 'port' | 'proxy'>): string {
  return JSON.stringify([report.host.toLowerCase(), report.port, report.proxy]);
}
