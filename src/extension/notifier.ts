import * as vscode from 'vscode';
import { markdownSafe } from '../core/text';
import type { Logger } from '../core/types';
import type { FixFlow, FixTarget } from './fixFlow';
import type { ServerFinding } from './logWatcher';
import type { Settings } from './settings';
import { kindText } from './verdictText';

/** Same server, same kind, within this time: the same event seen again (a retry loop), not news. */
const QUIET_MS = 5 * 60_000;

export interface PreflightProblem {
  /** The stdio servers that will reach the host without trusting its CA. */
  servers: { name: string; configPath: string }[];
  host: string;
  port: number;
  caSubject: string;
  /** The OS store trusts that CA (the corporate case) or nothing does (possibly an attack). */
  verdict: 'intercepted' | 'untrusted';
}

/**
 * Turns findings into notifications: one per server per event, never a flood. Fixable ones
 * offer Fix / Show chain / Don't ask again; the others explain what is wrong instead.
 */
export class FindingNotifier {
  private readonly lastShown = new Map<string, number>();
  private readonly open = new Set<string>();

  constructor(
    private readonly settings: Settings,
    private readonly fixFlow: FixFlow,
    private readonly logger: Logger,
  ) {}

  private shouldShow(key: string, server: string | undefined): boolean {
    if (server && this.settings.ignoredServers.includes(server)) return false;
    if (this.open.has(key)) return false;
    const last = this.lastShown.get(key);
    return last === undefined || Date.now() - last > QUIET_MS;
  }

  private async ask(key: string, show: () => Thenable<string | undefined>): Promise<string | undefined> {
    this.open.add(key);
    this.lastShown.set(key, Date.now());
    try {
      return await show();
    } finally {
      this.open.delete(key);
    }
  }

  async onFinding(finding: ServerFinding): Promise<void> {
    const server = finding.server;
    const key = `${server ?? finding.file}|${finding.kind}`;
    if (!this.shouldShow(key, server)) return;
    // Names and hosts come from logs and configs (possibly cloned from someone else): markdown-safe.
    const where = finding.host ? markdownSafe(`${finding.host}${finding.port && finding.port !== 443 ? `:${finding.port}` : ''}`) : undefined;
    const name = server !== undefined ? markdownSafe(server) : vscode.l10n.t('An MCP server');
    if (!finding.fixable) {
      const message = where
        ? vscode.l10n.t('MCP server {0} could not connect to {1}: {2}.', name, where, kindText(finding.kind))
        : vscode.l10n.t('MCP server {0} failed TLS verification: {1}.', name, kindText(finding.kind));
      const choice = await this.ask(key, () => vscode.window.showWarningMessage(message, vscode.l10n.t('Show chain')));
      if (choice && finding.host) await this.fixFlow.showChain(finding.host, finding.port ?? 443);
      return;
    }
    const message = where
      ? vscode.l10n.t(
          'MCP server {0} failed: the certificate of {1} is signed by a CA its runtime does not trust. A TLS-inspecting proxy is probably re-signing certificates.',
          name,
          where,
        )
      : vscode.l10n.t(
          'MCP server {0} failed: a certificate is signed by a CA its runtime does not trust. A TLS-inspecting proxy is probably re-signing certificates.',
          name,
        );
    const target: FixTarget = { finding };
    await this.offer(key, message, target, server, finding.host ? { host: finding.host, port: finding.port ?? 443 } : undefined);
  }

  /** A notification about this server (a log failure) was shown lately: preflight has nothing to add. */
  private toldLately(server: string): boolean {
    const now = Date.now();
    return [...this.lastShown.entries()].some(([key, at]) => key.startsWith(`${server}|`) && now - at <= QUIET_MS);
  }

  async onPreflight(problem: PreflightProblem): Promise<void> {
    // A log failure makes preflight probe again: the servers it named were already told.
    const servers = problem.servers.filter((server) => this.shouldShow(`${server.name}|preflight`, server.name) && !this.toldLately(server.name));
    if (servers.length === 0) return;
    const key = servers.map((server) => `${server.name}|preflight`).join('+');
    const where = markdownSafe(`${problem.host}${problem.port !== 443 ? `:${problem.port}` : ''}`);
    const names = servers.map((server) => markdownSafe(server.name)).join(', ');
    const caSubject = markdownSafe(problem.caSubject);
    const message =
      problem.verdict === 'intercepted'
        ? vscode.l10n.t('TLS to {0} is intercepted by "{1}". MCP servers without a CA setting for it will fail with CERTIFICATE_VERIFY_FAILED: {2}.', where, caSubject, names)
        : vscode.l10n.t('TLS to {0} is signed by "{1}", a CA that no trust store knows. These MCP servers will fail: {2}. Check with IT before trusting it.', where, caSubject, names);
    for (const server of servers) this.lastShown.set(`${server.name}|preflight`, Date.now());
    await this.offer(key, message, { servers, host: { host: problem.host, port: problem.port } }, servers.length === 1 ? servers[0].name : undefined, problem);
  }

  private async offer(key: string, message: string, target: FixTarget, server: string | undefined, host: { host: string; port: number } | undefined): Promise<void> {
    const fix = vscode.l10n.t('Fix');
    const chain = vscode.l10n.t('Show chain');
    const never = vscode.l10n.t("Don't ask again for this server");
    const actions = [fix, ...(host ? [chain] : []), ...(server ? [never] : [])];
    this.logger.info(`notify: ${message}`);
    const choice = await this.ask(key, () => vscode.window.showWarningMessage(message, ...actions));
    if (choice === fix) await this.fixFlow.run(target);
    else if (choice === chain && host) await this.fixFlow.showChain(host.host, host.port);
    else if (choice === never && server) {
      await this.settings.ignoreServer(server);
      this.logger.info(`server ${server} added to mcpSslDoctor.ignoredServers`);
    }
  }
}
