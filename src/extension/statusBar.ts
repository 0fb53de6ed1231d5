import * as vscode from 'vscode';
import type { ChainReport } from '../core/types';
import { commonName, verdictText } from './verdictText';

/** The network's TLS state at a glance; a click opens the chain viewer. */
export class TlsStatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem('mcpSslDoctor.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = vscode.l10n.t('MCP SSL Doctor');
    this.item.command = 'mcpSslDoctor.showChain';
    this.item.text = '$(shield) MCP TLS';
    this.item.tooltip = vscode.l10n.t('MCP SSL Doctor: no host analysed yet. Click to analyse one.');
    this.item.show();
  }

  showBusy(host: string): void {
    this.item.text = `$(sync~spin) MCP TLS`;
    this.item.tooltip = vscode.l10n.t('Analysing the certificate chain of {0}…', host);
  }

  showReport(report: ChainReport): void {
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
    this.item.text = `$(error) MCP TLS`;
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    this.item.tooltip = vscode.l10n.t('Could not analyse {0}: {1}', host, message);
  }

  dispose(): void {
    this.item.dispose();
  }
}
