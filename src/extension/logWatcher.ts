import * as vscode from 'vscode';
import { watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import type { Finding, Logger, ScanSignal } from '../core/types';
import type { DiscoveredLog } from '../core/logs/discover';
import type { FileTailer } from '../core/logs/tail';
import type { FindingScanner } from '../core/logs/scan';
import { probeableFromLog } from '../core/assess/targets';
import { detection } from './lazyUseCases';
import type { Settings } from './settings';

export interface ServerFinding extends Finding {
  /** The editor's definition id of the server (VS Code: mcp.config.ws0.<name>), when the log's name gives it. */
  definitionId: string | null;
  logHost: DiscoveredLog['host'];
}

interface Followed {
  log: DiscoveredLog;
  tailer: FileTailer;
  scanner: FindingScanner;
  watcher?: FSWatcher;
  /** When lines last arrived: an open event is complete once its writer has paused this long. */
  lastLinesAt: number;
}

/** A writer that has said nothing for this long has finished its event (a traceback comes in one burst). */
const QUIET_MS = 400;

const POLL_MS = 1500;
const REDISCOVER_EVERY = 20;

/**
 * Follows the MCP logs of this editor (VS Code's per-server files, Cursor's) and the paths the
 * user added, and reports each TLS failure event once. Polling reads only appended bytes, so a
 * poll costs the same whatever the size of the logs.
 */
/** A server's log line that says it started and answers. */
const RUNNING = /Connection state: Running|Discovered \d+ tools/;

export class LogWatcher implements vscode.Disposable {
  private readonly followed = new Map<string, Followed>();
  private timer: NodeJS.Timeout | undefined;
  private polls = 0;
  private busy = false;
  private again = false;
  private soon: NodeJS.Timeout | undefined;
  private readonly found = new vscode.EventEmitter<ServerFinding>();
  readonly onDidFind = this.found.event;
  private readonly running = new vscode.EventEmitter<string>();
  /** A server's log says it runs (VS Code: `Connection state: Running`, tools discovered). */
  readonly onDidSeeRunning = this.running.event;
  /** What is no certificate finding but may hide one (a remote server's `fetch failed`): see remoteTrust.ts. */
  private readonly signaled = new vscode.EventEmitter<ScanSignal & { definitionId: string | null }>();
  readonly onDidSignal = this.signaled.event;

  constructor(
    private readonly logUri: vscode.Uri,
    private readonly settings: Settings,
    private readonly logger: Logger,
  ) {}

  /** The window's log folder: context.logUri is <logs>/window<N>/exthost/<extension id>. */
  private get windowLogFolder(): string | undefined {
    return this.logUri.scheme === 'file' ? path.resolve(this.logUri.fsPath, '..', '..') : undefined;
  }

  start(): void {
    if (this.timer) return;
    this.polls = 0;
    this.timer = setInterval(() => void this.poll(), POLL_MS);
    void this.poll();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.soon) clearTimeout(this.soon);
    this.timer = undefined;
    for (const followed of this.followed.values()) followed.watcher?.close();
    this.followed.clear();
  }

  /** A change event from the OS: read now rather than at the next poll (polling stays as the fallback). */
  private pollSoon(delayMs = 30): void {
    if (this.soon || !this.timer) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.poll();
    }, delayMs);
  }

  /** Whether a log of this server is followed on disk (not in code-server or a remote window). */
  follows(server: string): boolean {
    return [...this.followed.values()].some((followed) => followed.log.server === server);
  }

  /** Re-discover at once (settings changed). */
  refresh(): void {
    this.polls = 0;
  }

  private async discover(): Promise<void> {
    const { discoverLogFiles, FileTailer, FindingScanner } = detection();
    const logs = await discoverLogFiles({
      vscodeWindowFolder: this.windowLogFolder,
      appName: vscode.env.appName,
      extraPaths: this.settings.logPaths,
      hostLogs: true,
    });
    const firstDiscovery = this.followed.size === 0 && this.polls === 0;
    for (const log of logs) {
      if (this.followed.has(log.path)) continue;
      // Files of this window's session are read from the start (a server may have failed
      // before we activated); user-added paths and the hosts' own logs (Codex's codex-tui.log, Zed.log)
      // may be long histories, so from their end.
      const fromStart = log.host === 'vscode' || log.host === 'cursor' || !firstDiscovery;
      let watcher: FSWatcher | undefined;
      try {
        watcher = watch(log.path, { persistent: false }, () => this.pollSoon());
        watcher.on('error', () => watcher?.close());
      } catch {
        // Not watchable (a network drive, a file not there yet): polling covers it.
      }
      this.followed.set(log.path, {
        log,
        tailer: new FileTailer(log.path, { startAtEnd: !fromStart }),
        scanner: new FindingScanner(log.path, undefined, {
          onSignal: (signal) => this.signaled.fire({ ...signal, server: signal.server ?? log.server ?? undefined, definitionId: log.definitionId }),
        }),
        watcher,
        lastLinesAt: 0,
      });
      this.logger.info(`watching ${log.path}${log.server ? ` (server ${log.server})` : ''}`);
    }
  }

  private async poll(): Promise<void> {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    try {
      if (this.polls++ % REDISCOVER_EVERY === 0) await this.discover();
      let waiting = false;
      for (const followed of this.followed.values()) {
        const { log, tailer, scanner } = followed;
        const lines = await tailer.read();
        const now = Date.now();
        if (lines.length > 0) followed.lastLinesAt = now;
        const quiet = now - followed.lastLinesAt >= QUIET_MS;
        const findings = lines.length > 0 ? scanner.push(lines) : quiet ? scanner.flush() : [];
        if (log.server && lines.some((line) => RUNNING.test(line))) this.running.fire(log.server);
        waiting ||= scanner.eventOpen && !quiet;
        for (const finding of findings) {
          this.logger.info(`detected ${finding.kind} (${finding.runtime}) in ${path.basename(log.path)}:${finding.line}${finding.host ? ` for ${finding.host}:${finding.port ?? 443}` : ''}: ${finding.message}`);
          // A host from a log is probed on a click only when it parses like `chain`'s argument and is no metadata address.
          const probeable = finding.host !== null && probeableFromLog(finding.host, finding.port ?? 443);
          if (finding.host !== null && !probeable) this.logger.warn(`not offering ${JSON.stringify(finding.host)} from ${path.basename(log.path)} for a probe: not a host name or a probeable address`);
          const host = probeable ? { host: finding.host, port: finding.port } : { host: null, port: null };
          this.found.fire({ ...finding, ...host, server: finding.server ?? log.server ?? undefined, definitionId: log.definitionId, logHost: log.host });
        }
      }
      // An event is complete once its writer pauses: look again then, rather than at the next poll.
      if (waiting) this.pollSoon(QUIET_MS);
    } catch (error) {
      this.logger.warn(`log watcher: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.busy = false;
      if (this.again) {
        this.again = false;
        this.pollSoon();
      }
    }
  }

  dispose(): void {
    this.stop();
    this.found.dispose();
    this.running.dispose();
    this.signaled.dispose();
  }
}
