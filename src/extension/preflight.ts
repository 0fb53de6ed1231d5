import * as vscode from 'vscode';
import type { Logger } from '../core/types';
import type { ChainAnalysis } from './analysis';
import type { FindingNotifier } from './notifier';
import { listServers } from './servers';
import type { Settings } from './settings';
import { commonName } from './verdictText';
import { WORKSPACE_CONFIG_GLOB } from './configPresence';
import { useCases } from './lazyUseCases';
import { serverNeeds } from './serverNeeds';
import { reportKey, type VerdictCache } from './verdictCache';

const DEBOUNCE_MS = 1500;

/**
 * Before a server fails: probe once (in the worker) each host the configured stdio servers
 * will reach, and warn about servers whose effective environment does not trust the CA that
 * intercepts it. The way in where the editor keeps MCP logs off disk (code-server, remotes).
 */
export class Preflight implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    readonly analysis: ChainAnalysis,
    readonly settings: Settings,
    private readonly notifier: FindingNotifier,
    readonly logger: Logger,
    readonly cache: VerdictCache,
  ) {}

  start(): void {
    const watcher = vscode.workspace.createFileSystemWatcher(WORKSPACE_CONFIG_GLOB);
    this.disposables.push(
      watcher,
      // A changed config may name other hosts or proxies, or be the user's answer to a failure: probe again.
      watcher.onDidChange(() => this.refresh()),
      watcher.onDidCreate(() => this.refresh()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.schedule()),
    );
    this.schedule();
  }

  schedule(): void {
    if (!this.settings.preflight) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), DEBOUNCE_MS);
  }

  /** Probe again (skip kept verdicts) on the next run: a config changed, or a failure was seen. */
  refresh(host?: string, port?: number): void {
    void this.cache.forget(host, port).then(() => this.schedule());
  }

  async run(): Promise<void> {
    if (this.running) return this.schedule();
    this.running = true;
    try {
      const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
      // An untrusted workspace names no host to probe and no file to read (Workspace Trust).
      const trusted = vscode.workspace.isTrusted;
      const servers = (await listServers(folders, this.logger)).filter(
        (server) => server.transport === 'stdio' && !this.settings.ignoredServers.includes(server.name),
      );
      if (servers.length === 0) return;
      const needs = await serverNeeds(servers, this, { cache: this.cache });
      for (const { target, found, error, needing } of needs.targets) {
        if (error) {
          this.logger.info(`preflight: ${target.host}:${target.port} not reachable (${error}); nothing to say`);
          continue;
        }
        if (!found?.root || needing.length === 0 || (found.verdict !== 'intercepted' && found.verdict !== 'untrusted')) continue;
        void this.notifier.onPreflight({
          servers: needing.map((server) => ({ name: server.name, configPath: server.config.path })),
          host: target.host,
          port: target.port,
          caSubject: commonName(found.root.subject),
          verdict: found.verdict,
        });
      }
      if (!trusted) this.logger.info('preflight: workspace not trusted: its configs name no host or proxy, their CA files are not read');
    } catch (error) {
      this.logger.warn(`preflight: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running = false;
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** Keeps every report's verdict for preflight (any analysis: preflight, the picker, Analyze Host, Re-analyze). */
export function keepVerdicts(analysis: ChainAnalysis, cache: VerdictCache): vscode.Disposable {
  return analysis.onDidReport((report) => void cache.put(reportKey(report), useCases().verdictOf(report)));
}
