import * as vscode from 'vscode';
import * as os from 'node:os';
import { decideFix } from '../core/doctor/policy';
import { probeTargetOf } from '../core/doctor/targets';
import type { ChainReport, Logger } from '../core/types';
import type { ChainAnalysis } from './analysis';
import type { FindingNotifier } from './notifier';
import { listServers, type ServerEntry } from './servers';
import type { Settings } from './settings';
import { commonName } from './verdictText';
import { WORKSPACE_CONFIG_GLOB } from './configPresence';
import { useCases } from './lazyUseCases';

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
    private readonly analysis: ChainAnalysis,
    private readonly settings: Settings,
    private readonly notifier: FindingNotifier,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const watcher = vscode.workspace.createFileSystemWatcher(WORKSPACE_CONFIG_GLOB);
    this.disposables.push(
      watcher,
      watcher.onDidChange(() => this.schedule()),
      watcher.onDidCreate(() => this.schedule()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.schedule()),
    );
    this.schedule();
  }

  schedule(): void {
    if (!this.settings.preflight) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), DEBOUNCE_MS);
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
      const byHost = new Map<string, { host: string; port: number; servers: ServerEntry[] }>();
      for (const server of servers) {
        const fromWorkspace = server.config.scope === 'workspace';
        const target = probeTargetOf(server, { probeHost: this.settings.probeHost, fromConfig: trusted || !fromWorkspace });
        if (!target) continue;
        const key = `${target.host}:${target.port}`;
        const group = byHost.get(key) ?? { host: target.host, port: target.port, servers: [] };
        group.servers.push(server);
        byHost.set(key, group);
      }
      for (const { host, port, servers: group } of byHost.values()) {
        let report: ChainReport;
        try {
          report = await this.analysis.analyze(host, port);
        } catch (error) {
          this.logger.info(`preflight: ${host}:${port} not reachable (${error instanceof Error ? error.message : String(error)}); nothing to say`);
          continue;
        }
        const root = report.root;
        const verdict = report.verdict;
        if (decideFix(report).action === 'refuse' || !root || (verdict !== 'intercepted' && verdict !== 'untrusted')) continue;
        const untrusting: ServerEntry[] = [];
        for (const server of group) {
          if (!trusted && server.config.scope === 'workspace') {
            untrusting.push(server);
            continue;
          }
          const env = useCases().effectiveEnvOf(server, process.env);
          const check = await useCases().serverTrustsRoot(server, root.sha256, env, { home: os.homedir(), workspaceFolder: folders[0], env: process.env });
          for (const bad of check.unreadable) this.logger.warn(`preflight: ${server.name} sets ${bad.variable}=${bad.value}, which cannot be read (${bad.message})`);
          if (check.trusted) this.logger.info(`preflight: ${server.name} already trusts ${root.subject} through ${check.via ?? '?'}`);
          else untrusting.push(server);
        }
        if (untrusting.length > 0) {
          void this.notifier.onPreflight({
            servers: untrusting.map((server) => ({ name: server.name, configPath: server.config.path })),
            host,
            port,
            caSubject: commonName(root.subject),
            verdict,
          });
        }
      }
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
