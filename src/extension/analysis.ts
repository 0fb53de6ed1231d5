import * as vscode from 'vscode';
import type { AnalyzeOptions, VerifyResult } from '../core/chain/index';
import type { ChainWorkerClient } from '../core/chain/workerClient';
import type { ServerTarget } from '../core/model/server';
import type { ChainReport, Logger } from '../core/types';
import { useCases } from './lazyUseCases';
import type { Settings } from './settings';

/**
 * Chain analysis for the editor: every certificate is parsed and every socket waited on in a
 * worker thread, started on first use and stopped when idle. Keeps the last report for the
 * status bar and the chain viewer.
 */
export class ChainAnalysis implements vscode.Disposable {
  private client: ChainWorkerClient | undefined;
  private readonly reported = new vscode.EventEmitter<ChainReport>();
  readonly onDidReport = this.reported.event;
  private lastReport: ChainReport | undefined;

  constructor(
    private readonly workerPath: string,
    private readonly settings: Settings,
    private readonly logger: Logger,
  ) {}

  get last(): ChainReport | undefined {
    return this.lastReport;
  }

  private async worker(): Promise<ChainWorkerClient> {
    if (!this.client) {
      const { ChainWorkerClient } = await import('../core/chain/workerClient');
      this.client = new ChainWorkerClient(this.workerPath, { idleMs: 60_000 });
    }
    return this.client;
  }

  /**
   * A host the user names goes through the editor's proxy; a server's target through the proxy its
   * own environment names (`proxyEnv`), as the server itself will connect.
   */
  private options(target: ServerTarget): AnalyzeOptions {
    const own = target.proxyEnv !== undefined;
    return {
      host: target.host,
      port: target.port,
      proxy: own ? undefined : this.settings.editorProxy,
      env: own ? useCases().probeEnvOf(target, process.env) : process.env,
      timeoutMs: 10_000,
      systemCaFile: this.settings.systemCaFile,
    };
  }

  /** The key a verdict is kept under: host, port and the proxy the probe goes through (without credentials). */
  cacheKeyOf(target: ServerTarget): string {
    const { proxy, env } = this.options(target);
    let through: string | null;
    try {
      through = useCases().resolveProxy(target.host, target.port, proxy, env ?? process.env)?.display ?? null;
    } catch {
      through = 'invalid';
    }
    return JSON.stringify([target.host.toLowerCase(), target.port, through]);
  }

  async analyze(host: string, port: number, signal?: AbortSignal): Promise<ChainReport> {
    return this.analyzeTarget({ host, port }, signal);
  }

  async analyzeTarget(target: ServerTarget, signal?: AbortSignal): Promise<ChainReport> {
    const started = Date.now();
    const { host, port } = target;
    const report = await (await this.worker()).analyze(this.options(target), signal);
    this.logger.info(
      `chain ${host}:${port}: ${report.verdict}${report.root ? ` (root "${report.root.subject}" ${report.root.sha256}, from ${report.root.source})` : ''}${report.proxy ? ` via ${report.proxy}` : ''} in ${Date.now() - started} ms`,
    );
    this.lastReport = report;
    this.reported.fire(report);
    return report;
  }

  /** A handshake trusting only caPem: proof that a bundle fixes the path before it is written. */
  async verify(host: string, port: number, caPem: string, signal?: AbortSignal, proxyEnv?: Record<string, string>): Promise<VerifyResult> {
    const { proxy, env, timeoutMs } = this.options({ host, port, proxyEnv });
    return (await this.worker()).verify({ host, port, proxy, env, timeoutMs, caPem }, signal);
  }

  dispose(): void {
    this.client?.dispose();
    this.reported.dispose();
  }
}
