import * as vscode from 'vscode';
import type { Logger } from '../core/types';
import type { ChainAnalysis } from './analysis';
import type { FindingNotifier } from './notifier';
import { listServers } from './servers';
import type { Settings } from './settings';
import { commonName } from './verdictText';
import { WORKSPACE_CONFIG_GLOB } from './configPresence';
import { useCases } from './lazyUseCases';
import { assessServers } from './assessServers';
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
      const core = useCases();
      const assessments = await assessServers(servers, this, { cache: this.cache });
      // One notification per target (host, port, route) whose root some servers do not trust.
      const byTarget = new Map<string, typeof assessments>();
      for (const assessment of assessments) {
        if (!assessment.target) continue;
        if (assessment.state === 'unreachable') {
          this.logger.info(`preflight: ${assessment.target.host}:${assessment.target.port} not reachable (${assessment.probeError ?? '?'}); nothing to say about ${assessment.server.name}`);
          continue;
        }
        if (!core.needsRoot(assessment) || !assessment.found) continue;
        const key = core.targetKeyOf(assessment.target);
        byTarget.set(key, [...(byTarget.get(key) ?? []), assessment]);
      }
      for (const group of byTarget.values()) {
        const [first] = group;
        const verdict = first?.found?.verdict;
        if (!first?.target || !first.root || (verdict !== 'intercepted' && verdict !== 'untrusted')) continue;
        void this.notifier.onPreflight({
          servers: group.map(({ server }) => ({ name: server.name, configPath: server.config.path })),
          host: first.target.host,
          port: first.target.port,
          caSubject: commonName(first.root.subject),
          verdict,
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
