import * as vscode from 'vscode';
import type { ChainReport, Finding, Logger } from '../core/types';
import { commonName, verdictText } from './verdictText';

/**
 * The network's TLS state at a glance; a click opens the chain viewer. Contextual, as VS Code's
 * guidelines ask of status bar items: shown only in a window with an MCP config, or once there is
 * something to tell (a finding, an analysis); hidden everywhere else.
 */
export class TlsStatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  /** Where this window's MCP config is, when it has one (configPresence.ts). */
  private config: string | undefined;
  /** A finding or an analysis happened in this window. */
  private active = false;

  constructor(private readonly logger?: Logger) {
    this.item = vscode.window.createStatusBarItem('mcpSslDoctor.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = vscode.l10n.t('MCP SSL Doctor');
    this.item.command = 'mcpSslDoctor.showChain';
    this.item.text = '$(shield) MCP TLS';
    this.item.tooltip = vscode.l10n.t('MCP SSL Doctor: no host analysed yet. Click to analyse one.');
  }

  /** Whether the window has an MCP config (its path), or none (undefined). */
  setConfig(config: string | undefined): void {
    this.config = config;
    this.updateVisibility();
  }

  /** A TLS failure seen in an MCP log: worth showing even where no config was found. */
  showFinding(finding: Finding): void {
    if (!this.active) {
      this.item.text = `$(warning) MCP TLS`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      this.item.tooltip = finding.server
        ? vscode.l10n.t('MCP server {0} failed a TLS certificate check. Click to analyse a host.', finding.server)
        : vscode.l10n.t('An MCP server failed a TLS certificate check. Click to analyse a host.');
    }
    this.activate();
  }

  showBusy(host: string): void {
    this.item.text = `$(sync~spin) MCP TLS`;
    this.item.tooltip = vscode.l10n.t('Analysing the certificate chain of {0}…', host);
    this.activate();
  }

  private activate(): void {
    this.active = true;
    this.updateVisibility();
  }

  private visible: boolean | undefined;

  private updateVisibility(): void {
    const visible = this.active || this.config !== undefined;
    if (visible === this.visible) return;
    this.visible = visible;
    if (visible) this.item.show();
    else this.item.hide();
    this.logger?.info(
      visible
        ? `status item shown (${this.active ? 'a finding or an analysis' : `MCP config ${this.config ?? ''}`})`
        : 'status item hidden (no MCP config, no finding)',
    );
  }

  showReport(report: ChainReport): void {
    this.activate();
    const root = report.root ? commonName(report.root.subject) : undefined;
    switch (report.verdict) {
      case 'trusted':
        this.item.text = '$(shield) MCP TLS';
        this.item.backgroundColor = undefined;
        break;
      case 'intercepted':
        this.item.text = `$(eye) ${vscode.l10n.t('TLS intercepted by {0}', root ?? '?')}`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        break;
      default:
        this.item.text = `$(warning) MCP TLS: ${report.verdict}`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    }
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${report.host}:${report.port}**\n\n`);
    tooltip.appendText(verdictText(report));
    tooltip.appendMarkdown(`\n\n${vscode.l10n.t('Click to open the certificate chain.')}`);
    this.item.tooltip = tooltip;
  }

  showError(host: string, message: string): void {
    this.activate();
    this.item.text = `$(error) MCP TLS`;
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    this.item.tooltip = vscode.l10n.t('Could not analyse {0}: {1}', host, message);
  }

  dispose(): void {
    this.item.dispose();
  }
}
