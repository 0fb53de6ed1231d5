import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChainReport, Logger } from '../core/types';
import { pemFingerprints } from '../core/pem';
import type { ChainAnalysis } from './analysis';
import type { FindingNotifier } from './notifier';
import { listServers, type ServerEntry } from './servers';
import type { Settings } from './settings';
import { commonName } from './verdictText';
import * as fixCore from './fixCore';

const CONFIG_GLOB = '{**/.vscode/mcp.json,**/.cursor/mcp.json,**/.mcp.json,**/.kiro/settings/mcp.json,**/.roo/mcp.json}';
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
    const watcher = vscode.workspace.createFileSystemWatcher(CONFIG_GLOB);
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
      const servers = (await listServers(folders, this.logger)).filter(
        (server) => server.stdio && !this.settings.ignoredServers.includes(server.name),
      );
      if (servers.length === 0) return;
      const byHost = new Map<string, { host: string; port: number; servers: ServerEntry[] }>();
      for (const server of servers) {
        const target = fixCore.probeTargetFor(server, this.settings.probeHost);
        const key = `${target.host}:${target.port}`;
        const group = byHost.get(key) ?? { ...target, servers: [] };
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
        if ((report.verdict !== 'intercepted' && report.verdict !== 'untrusted') || !report.root) continue;
        const untrusting: ServerEntry[] = [];
        for (const server of group) {
          if (await this.trustsRoot(server, report.root.sha256, folders)) this.logger.info(`preflight: ${server.name} already trusts ${report.root.subject}`);
          else untrusting.push(server);
        }
        if (untrusting.length > 0) {
          void this.notifier.onPreflight({
            servers: untrusting.map((server) => ({ name: server.name, configPath: server.configPath })),
            host,
            port,
            caSubject: commonName(report.root.subject),
            verdict: report.verdict,
          });
        }
      }
    } catch (error) {
      this.logger.warn(`preflight: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running = false;
    }
  }

  /**
   * The server's effective environment trusts the root when one of its runtime's CA variables,
   * from the entry's env or (VS Code passes its own environment to servers) the editor's,
   * names a file that holds it.
   */
  private async trustsRoot(server: ServerEntry, rootSha256: string, folders: string[]): Promise<boolean> {
    const inherited = server.configHost === 'vscode' ? process.env : {};
    const candidates = fixCore.variablesFor(server.runtime).map((variable) => ({ variable, raw: server.env[variable] ?? inherited[variable] }));
    // A container reads the bundle through the read-only mount a fix adds to its args.
    const mount = server.runtime === 'docker' ? server.args.find((arg) => arg.includes(`target=${fixCore.CONTAINER_BUNDLE_PATH}`)) : undefined;
    const mountSource = mount ? /(?:^|,)(?:source|src)=([^,]+)/.exec(mount)?.[1] : undefined;
    if (mountSource) candidates.unshift({ variable: '--mount', raw: mountSource });
    for (const { variable, raw } of candidates) {
      if (typeof raw !== 'string' || raw === '') continue;
      const file = resolveVariables(raw, folders[0]);
      try {
        if (pemFingerprints(await readFile(file, 'utf8')).has(rootSha256)) return true;
      } catch {
        this.logger.warn(`preflight: ${server.name} sets ${variable}=${raw}, which cannot be read`);
      }
    }
    return false;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** The variables VS Code resolves in an MCP server's env values (measured in 1.139). */
function resolveVariables(value: string, workspaceFolder: string | undefined): string {
  return value.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
    if (name === 'userHome') return os.homedir();
    if (name === '/') return path.sep;
    if (name === 'workspaceFolder' && workspaceFolder) return workspaceFolder;
    if (name.startsWith('env:')) return process.env[name.slice(4)] ?? '';
    return whole;
  });
}
