import * as vscode from 'vscode';
import { interceptionRoot } from '../core/assess/policy';
import type { CertInfo, ChainReport } from '../core/types';
import type { ChainViewStrings, FromView, ToView, ViewCert } from './chainViewProtocol';
import { verdictText } from './verdictText';

export interface ChainViewActions {
  fix(report: ChainReport): void;
  reanalyze(host: string, port: number): void;
}

export const CHAIN_VIEW_TYPE = 'mcpSslDoctor.chain';

/**
 * The certificate chain viewer: one webview panel, reused, fed with the last report.
 *
 * No retained context (a hidden webview costs memory): the webview keeps what it shows with
 * `setState` and draws it again when it comes back; the panel serializer below brings the panel
 * and its chain back after a window reload (activation event `onWebviewPanel:mcpSslDoctor.chain`).
 */
export class ChainView implements vscode.Disposable, vscode.WebviewPanelSerializer<ToView> {
  private panel: vscode.WebviewPanel | undefined;
  private report: ChainReport | undefined;
  /** The last message shown: sent again whenever the webview (re)starts. */
  private last: ToView | undefined;
  private ready = false;
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly actions: ChainViewActions,
  ) {
    this.registration = vscode.window.registerWebviewPanelSerializer(CHAIN_VIEW_TYPE, this);
  }

  showBusy(host: string): void {
    this.post({ type: 'busy', host, strings: strings() });
  }

  show(report: ChainReport): void {
    this.report = report;
    this.post(showMessage(report));
  }

  /** A panel VS Code restores after a reload, with the state its webview last saved. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (this.panel && this.panel !== panel) {
      // One viewer: a second restored panel would show a chain the actions no longer follow.
      panel.dispose();
      return;
    }
    if (!isShowState(state)) {
      // Nothing to show again (it was still analysing, or the state is from another version).
      panel.dispose();
      return;
    }
    this.adopt(panel);
    // Words in the editor's current language, certificate roles and validity as of now.
    this.report = state.report;
    this.last = showMessage(state.report);
  }

  private post(message: ToView): void {
    this.last = message;
    const panel = this.ensurePanel();
    panel.reveal(undefined, false);
    if (this.ready) void panel.webview.postMessage(message);
  }

  private ensurePanel(): vscode.WebviewPanel {
    if (this.panel) return this.panel;
    const panel = vscode.window.createWebviewPanel(CHAIN_VIEW_TYPE, vscode.l10n.t('Certificate Chain'), vscode.ViewColumn.Active, {
      ...this.webviewOptions(),
      retainContextWhenHidden: false,
    });
    this.adopt(panel);
    return panel;
  }

  private webviewOptions(): vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'media')] };
  }

  /** Content, icon and listeners of the panel, new or restored. */
  private adopt(panel: vscode.WebviewPanel): void {
    const media = vscode.Uri.joinPath(this.extensionUri, 'dist', 'media');
    panel.webview.options = this.webviewOptions();
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nonce = (require('node:crypto') as typeof import('node:crypto')).randomBytes(16).toString('base64');
    const asset = (name: string) => panel.webview.asWebviewUri(vscode.Uri.joinPath(media, name)).toString();
    const csp = [
      `default-src 'none'`,
      `img-src ${panel.webview.cspSource}`,
      `font-src ${panel.webview.cspSource}`,
      `style-src ${panel.webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    this.ready = false;
    panel.webview.html = `<!DOCTYPE html>
<html lang="${vscode.env.language}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${asset('codicon.css')}" rel="stylesheet">
<link href="${asset('chainView.css')}" rel="stylesheet">
<title>${escapeHtml(vscode.l10n.t('Certificate Chain'))}</title>
</head>
<body>
<main id="root" aria-live="polite"></main>
<script nonce="${nonce}" src="${asset('chainView.js')}"></script>
</body>
</html>`;
    panel.webview.onDidReceiveMessage((message: FromView) => this.receive(message));
    panel.onDidDispose(() => {
      if (this.panel !== panel) return;
      this.panel = undefined;
      this.ready = false;
      this.last = undefined;
    });
    this.panel = panel;
  }

  private async receive(message: FromView): Promise<void> {
    const report = this.report;
    switch (message.type) {
      case 'ready':
        // Sent on every (re)start of the webview: after a tab switch it has redrawn its saved
        // state already; this brings it up to date (a report that arrived while it was hidden).
        this.ready = true;
        if (this.last) void this.panel?.webview.postMessage(this.last);
        return;
      case 'fix':
        if (report) this.actions.fix(report);
        return;
      case 'reanalyze':
        if (report) this.actions.reanalyze(report.host, report.port);
        return;
      case 'copyPem': {
        const pem = report && pemOf(report, message.sha256);
        if (pem) {
          await vscode.env.clipboard.writeText(pem);
          void vscode.window.showInformationMessage(vscode.l10n.t('Copied the certificate in PEM to the clipboard.'));
        }
        return;
      }
      case 'savePem': {
        const pem = report && pemOf(report, message.sha256);
        if (!pem || !report) return;
        const target = await vscode.window.showSaveDialog({
          defaultUri: vscode.Uri.file(`${report.host}-chain.pem`),
          filters: { PEM: ['pem', 'crt'] },
          title: vscode.l10n.t('Save the certificate chain as PEM'),
        });
        if (target) {
          await vscode.workspace.fs.writeFile(target, Buffer.from(pem, 'utf8'));
          void vscode.window.showInformationMessage(vscode.l10n.t('Saved {0}.', target.fsPath));
        }
        return;
      }
    }
  }

  dispose(): void {
    this.registration.dispose();
    this.panel?.dispose();
  }
}

function showMessage(report: ChainReport): ToView {
  return { type: 'show', report, certs: viewCerts(report), strings: strings(report), canFix: interceptionRoot(report) !== null };
}

/** The saved state of a webview, checked: it comes from storage, maybe from an older version. */
function isShowState(state: unknown): state is Extract<ToView, { type: 'show' }> {
  if (typeof state !== 'object' || state === null) return false;
  const candidate = state as { type?: unknown; report?: { host?: unknown; port?: unknown; verdict?: unknown; presented?: unknown; path?: unknown; trust?: unknown; warnings?: unknown } };
  const report = candidate.report;
  return (
    candidate.type === 'show' &&
    typeof report === 'object' && report !== null &&
    typeof report.host === 'string' &&
    typeof report.port === 'number' &&
    typeof report.verdict === 'string' &&
    Array.isArray(report.presented) &&
    Array.isArray(report.path) &&
    Array.isArray(report.warnings) &&
    typeof report.trust === 'object' && report.trust !== null
  );
}

/** The PEM of one certificate (by fingerprint) or of the whole path, leaf first. */
function pemOf(report: ChainReport, sha256: string | undefined): string | undefined {
  const certs: CertInfo[] = report.path.length > 0 ? report.path : report.presented;
  const chosen = sha256 ? certs.filter((cert) => cert.sha256 === sha256) : certs;
  const pems = chosen.map((cert) => cert.pem).filter((pem): pem is string => Boolean(pem));
  return pems.length > 0 ? pems.map((pem) => pem.trimEnd() + '\n').join('') : undefined;
}

function describeKey(cert: CertInfo): string {
  if (!cert.keyType) return '';
  return cert.keySize ? `${cert.keyType} ${cert.keySize}` : cert.keyType;
}

export function viewCerts(report: ChainReport): ViewCert[] {
  const presented = new Set(report.presented.map((cert) => cert.sha256));
  const certs: (CertInfo & { source?: ViewCert['source'] })[] = report.path.length > 0 ? report.path : report.presented;
  const now = Date.now();
  // A root the server sent is trusted (or not) by a store, not by having been sent.
  const rootTrust: ViewCert['source'] = report.trust.public ? 'public' : report.trust.system ? 'system' : 'none';
  return certs.map((cert, index) => {
    const isRoot = report.root !== null && cert.sha256 === report.root.sha256;
    return {
      role: index === 0 ? 'leaf' : cert.selfSigned || isRoot ? 'root' : 'intermediate',
      subject: cert.subject,
      issuer: cert.issuer,
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      expired: Date.parse(cert.notAfter) < now,
      notYetValid: Date.parse(cert.notBefore) > now,
      sha256: cert.sha256,
      key: describeKey(cert),
      source: isRoot ? rootTrust : cert.source ?? 'none',
      sent: presented.has(cert.sha256),
    };
  });
}

function strings(report?: ChainReport): ChainViewStrings {
  return {
    title: vscode.l10n.t('Certificate Chain'),
    verdictLabel: {
      trusted: vscode.l10n.t('Trusted'),
      intercepted: vscode.l10n.t('Intercepted'),
      untrusted: vscode.l10n.t('Untrusted'),
      incomplete: vscode.l10n.t('Incomplete'),
      expired: vscode.l10n.t('Expired'),
      'hostname-mismatch': vscode.l10n.t('Wrong host name'),
    },
    verdictText: report ? verdictText(report) : '',
    subject: vscode.l10n.t('Subject'),
    issuer: vscode.l10n.t('Issuer'),
    validity: vscode.l10n.t('Valid'),
    expired: vscode.l10n.t('Expired'),
    notYetValid: vscode.l10n.t('Not yet valid'),
    sha256: vscode.l10n.t('SHA-256'),
    key: vscode.l10n.t('Key'),
    trust: vscode.l10n.t('Trust'),
    source: {
      presented: vscode.l10n.t('Sent by the server'),
      system: vscode.l10n.t('OS trust store'),
      public: vscode.l10n.t('Public roots'),
      none: vscode.l10n.t('No store'),
    },
    leaf: vscode.l10n.t('Leaf'),
    intermediate: vscode.l10n.t('Intermediate'),
    root: vscode.l10n.t('Root'),
    notSent: vscode.l10n.t('not sent by the server'),
    sent: vscode.l10n.t('sent by the server'),
    fix: vscode.l10n.t('Fix MCP SSL'),
    savePem: vscode.l10n.t('Save PEM…'),
    copyPem: vscode.l10n.t('Copy PEM'),
    reanalyze: vscode.l10n.t('Re-analyze'),
    proxy: vscode.l10n.t('Proxy'),
    direct: vscode.l10n.t('direct'),
    warnings: vscode.l10n.t('Warnings'),
    empty: vscode.l10n.t('No certificate was presented.'),
    analyzing: vscode.l10n.t('Analysing…'),
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
