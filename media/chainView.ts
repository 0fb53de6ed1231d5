// The chain viewer's script: renders what the extension posts; builds DOM nodes, never HTML strings.
import type { ChainViewStrings, FromView, ToView, ViewCert } from '../src/extension/chainViewProtocol';

interface VsCodeApi {
  postMessage(message: FromView): void;
  /** What the webview shows, kept by VS Code while the panel is hidden and across reloads. */
  getState(): ToView | undefined;
  setState(state: ToView): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;

type Child = Node | string | null | undefined | false;

function el(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child);
  }
  return node;
}

function icon(name: string): HTMLElement {
  return el('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}

function button(label: string, iconName: string, message: FromView, primary = false): HTMLElement {
  const node = el('button', { type: 'button', class: primary ? 'primary' : 'secondary' }, icon(iconName), el('span', {}, label));
  node.addEventListener('click', () => vscode.postMessage(message));
  return node;
}

function field(label: string, ...value: Child[]): HTMLElement[] {
  return [el('dt', {}, label), el('dd', {}, ...value)];
}

function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 10);
}

function groupHex(hex: string): string {
  return (hex.match(/.{1,2}/g) ?? []).join(':').toUpperCase();
}

const verdictIcon: Record<string, string> = {
  trusted: 'pass',
  intercepted: 'eye',
  untrusted: 'error',
  incomplete: 'question',
  expired: 'history',
  'hostname-mismatch': 'error',
};

function card(cert: ViewCert, strings: ChainViewStrings, index: number): HTMLElement {
  const roleName = strings[cert.role];
  const validity = el(
    'span',
    { class: cert.expired || cert.notYetValid ? 'bad' : '' },
    `${formatDate(cert.notBefore)} → ${formatDate(cert.notAfter)}`,
    cert.expired ? el('span', { class: 'tag bad' }, icon('warning'), strings.expired) : null,
    cert.notYetValid ? el('span', { class: 'tag bad' }, icon('warning'), strings.notYetValid) : null,
  );
  const trust = el(
    'span',
    {},
    el('span', { class: `tag source-${cert.source}` }, strings.source[cert.source]),
    cert.source !== 'presented' ? el('span', { class: 'muted' }, ` (${cert.sent ? strings.sent : strings.notSent})`) : null,
  );
  return el(
    'li',
    { class: `card role-${cert.role}`, tabindex: '0', 'aria-label': `${roleName}: ${cert.subject}` },
    el('header', {}, icon(cert.role === 'leaf' ? 'globe' : cert.role === 'root' ? 'shield' : 'link'), el('span', { class: 'role' }, `${index + 1}. ${roleName}`), el('span', { class: 'subject' }, cert.subject)),
    el(
      'dl',
      {},
      ...field(strings.issuer, cert.issuer),
      ...field(strings.validity, validity),
      ...field(strings.sha256, el('code', { class: 'fingerprint' }, groupHex(cert.sha256))),
      ...(cert.key ? field(strings.key, cert.key) : []),
      ...field(strings.trust, trust),
    ),
    el(
      'div',
      { class: 'card-actions' },
      button(strings.copyPem, 'copy', { type: 'copyPem', sha256: cert.sha256 }),
      button(strings.savePem, 'save', { type: 'savePem', sha256: cert.sha256 }),
    ),
  );
}

function render(message: ToView): void {
  root.replaceChildren();
  const { strings } = message;
  if (message.type === 'busy') {
    root.append(el('p', { class: 'busy' }, icon('loading codicon-modifier-spin'), ` ${strings.analyzing} ${message.host}`));
    return;
  }
  const { report, certs, canFix } = message;
  root.append(
    el(
      'header',
      { class: `verdict verdict-${report.verdict}` },
      el('h1', {}, icon(verdictIcon[report.verdict] ?? 'info'), ` ${report.host}:${report.port}`, el('span', { class: 'badge' }, strings.verdictLabel[report.verdict])),
      el('p', {}, strings.verdictText),
      el('p', { class: 'muted' }, `${strings.proxy}: ${report.proxy ?? strings.direct}`),
    ),
    el(
      'div',
      { class: 'actions', role: 'toolbar' },
      canFix ? button(strings.fix, 'wrench', { type: 'fix' }, true) : null,
      button(strings.savePem, 'save', { type: 'savePem' }),
      button(strings.copyPem, 'copy', { type: 'copyPem' }),
      button(strings.reanalyze, 'refresh', { type: 'reanalyze' }),
    ),
  );
  if (report.warnings.length > 0) {
    root.append(
      el('section', { class: 'warnings', 'aria-label': strings.warnings }, el('h2', {}, icon('warning'), ` ${strings.warnings}`), el('ul', {}, ...report.warnings.map((warning) => el('li', {}, warning.message)))),
    );
  }
  root.append(certs.length === 0 ? el('p', {}, strings.empty) : el('ol', { class: 'chain' }, ...certs.map((cert, index) => card(cert, strings, index))));
}

window.addEventListener('message', (event: MessageEvent<ToView>) => {
  render(event.data);
  // Only a chain is worth restoring: "Analysing…" restored after a reload would spin forever.
  if (event.data.type === 'show') vscode.setState(event.data);
});
// Back from a tab switch or a reload: draw the chain at once, before the extension answers "ready".
const saved = vscode.getState();
if (saved?.type === 'show') render(saved);
vscode.postMessage({ type: 'ready' });
