// The editor as the doctor (dist/editorDoctor.js, required on first use): the view of every MCP
// server of this machine, "Check This Machine", and the diagnostics and quick fixes in MCP config
// files. Every state is the one assessment's (core/doctor/assess.ts, through assessServers): the
// view's the same as `doctor --json` for the same home; diagnostics read kept verdicts only.
import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Assessment, StateReason } from '../core/assess/assess';
import type { ConfigRef } from '../core/model/server';
import { describeError, type Finding, type Logger } from '../core/types';
import type { ChainAnalysis } from './analysis';
import { assessServers, NOT_KEPT } from './assessServers';
import { entryFindings, groupForView, HOST_NAMES, removalReady, routeOf, summaryOf, type ConfigGroup, type EntryFinding, type HostGroup } from './doctorModel';
import type { FixFlow, ServerRef } from './fixFlow';
import { isThisEditor } from './editorHost';
import { useCases } from './lazyUseCases';
import { definitionIdFor, type ServerEntry } from './servers';
import type { Settings } from './settings';
import type { UndoStore } from './undoStore';
import type { VerdictCache } from './verdictCache';
import { commonName } from './verdictText';

export interface EditorDoctorDeps {
  analysis: ChainAnalysis;
  settings: Settings;
  logger: Logger;
  cache: VerdictCache;
  fixFlow: FixFlow;
  undoStore: UndoStore;
  /** The latest TLS failure each server's log shows, by name. */
  failures: ReadonlyMap<string, Finding>;
}

export const VIEW_ID = 'mcpSslDoctor.servers';
const SOURCE = 'MCP SSL Doctor';
/** Edits are diagnosed after this pause (kept verdicts only: nothing is probed). */
const EDIT_DEBOUNCE_MS = 400;
const OPEN_DELAY_MS = 50;

type Node =
  | { kind: 'host'; group: HostGroup<ServerEntry> }
  | { kind: 'config'; group: ConfigGroup<ServerEntry> }
  | { kind: 'server'; assessment: Assessment<ServerEntry> }
  | { kind: 'detail'; label: string; value: string; icon: string; id: string };

type Check = { status: 'idle' } | { status: 'loading' } | { status: 'done'; groups: HostGroup<ServerEntry>[]; assessments: Assessment<ServerEntry>[] } | { status: 'failed'; message: string };

// ---------------------------------------------------------------------------------------------
// Words

function stateLabel(state: Assessment['state']): string {
  switch (state) {
    case 'ok':
      return vscode.l10n.t('works');
    case 'will-fail':
      return vscode.l10n.t('will fail');
    case 'failing':
      return vscode.l10n.t('fails now');
    case 'remote-host-trust':
      return vscode.l10n.t('trust is the host\'s');
    case 'strict-ca':
      return vscode.l10n.t('CA rejected (strict X.509)');
    case 'unreachable':
      return vscode.l10n.t('not reachable');
    case 'unknown':
      return vscode.l10n.t('unknown');
  }
}

const STATE_ICON: Record<Assessment['state'], [string, string]> = {
  ok: ['pass', 'testing.iconPassed'],
  'will-fail': ['warning', 'list.warningForeground'],
  failing: ['error', 'list.errorForeground'],
  'remote-host-trust': ['globe', 'editorInfo.foreground'],
  'strict-ca': ['error', 'list.errorForeground'],
  unreachable: ['debug-disconnect', 'disabledForeground'],
  unknown: ['question', 'disabledForeground'],
};

function where(assessment: Assessment): string {
  return assessment.target ? `${assessment.target.host}:${assessment.target.port}` : '';
}

/** Why a server is in its state, in a sentence (the reason codes of core/assess/assess.ts). */
function reasonText(assessment: Assessment<ServerEntry>): string {
  const root = assessment.root ? commonName(assessment.root.subject) : '';
  const host = assessment.target?.host ?? '';
  const reason: StateReason = assessment.reason;
  switch (reason) {
    case 'public-root':
      return vscode.l10n.t('nothing intercepts {0}', where(assessment));
    case 'trusts-root':
      return vscode.l10n.t('already trusts "{0}" through {1}', root, assessment.trustedVia ?? '?');
    case 'bundle-stale':
      return assessment.staleBundle?.stale === 'public-roots'
        ? vscode.l10n.t('works, but the bundle mcp-ssl-doctor wrote for it ({0}) has public roots older than this runtime\'s: Fix renews it', assessment.staleBundle.via)
        : vscode.l10n.t('TLS to {0} is re-signed by "{1}" (renewed), which the bundle mcp-ssl-doctor wrote for it lacks: Fix renews that bundle', host, root);
    case 'root-not-trusted':
      return vscode.l10n.t('TLS to {0} is re-signed by "{1}", which this server\'s runtime does not trust', host, root);
    case 'log-failure':
      return vscode.l10n.t('its log shows a TLS failure: TLS to {0} is re-signed by "{1}", which this server\'s runtime does not trust', host, root);
    case 'unknown-root':
      return assessment.server.transport === 'remote'
        ? vscode.l10n.t('TLS to {0} is re-signed by "{1}", a CA no trust store knows: check with IT before trusting it', host, root)
        : vscode.l10n.t('meets "{0}", a CA no trust store knows: check with IT before trusting it', root);
    case 'strict-python':
      return vscode.l10n.t('its Python rejects "{0}" under strict X.509 rules (3.13+): trusting it will not help', root);
    case 'remote':
      return vscode.l10n.t('the host connects itself: TLS to {0} is re-signed by "{1}", so trusting it is {2}\'s setting, not this entry\'s', host, root, HOST_NAMES[assessment.server.config.hostApp]);
    case 'config-not-read':
      return vscode.l10n.t('this workspace is not trusted: the host its config names was not probed');
    case 'no-url':
      return vscode.l10n.t('no https url to check');
    case 'out-of-reach':
      return vscode.l10n.t('TLS to {0} is re-signed by "{1}", but this entry runs the server where its env never reaches (a container that already exists, the Docker MCP gateway, a shell string): the CA goes into the container itself', host, root);
    case 'proxy-dropped':
      return vscode.l10n.t('its host does not pass on the proxy {0}, so it goes directly, which fails; through that proxy TLS to {1} is re-signed by "{2}"', assessment.droppedProxy?.url ?? '?', host, root);
    case 'probe-failed':
      return vscode.l10n.t('could not analyse {0}: {1}', where(assessment), assessment.probeError ?? '?');
    case 'not-fixable-verdict':
      return vscode.l10n.t('the chain of {0} cannot be fixed by trusting a CA ({1})', where(assessment), assessment.found?.verdict ?? '?');
    case 'invalid-entry':
      return vscode.l10n.t('neither a command nor a url: the host cannot start it');
  }
}

function routeText(assessment: Assessment<ServerEntry>): string {
  const route = routeOf(assessment);
  switch (route.kind) {
    case 'direct':
      return vscode.l10n.t('direct');
    case 'proxy':
      return vscode.l10n.t('through {0}', route.display);
    case 'host':
      return vscode.l10n.t('as its host connects');
    case 'none':
      return vscode.l10n.t('no target');
  }
}

function findingMessage(finding: EntryFinding<ServerEntry>): string {
  const assessment = finding.assessment;
  const host = assessment?.target?.host ?? '';
  const root = assessment?.root ? commonName(assessment.root.subject) : '';
  switch (finding.kind) {
    case 'will-fail':
      return vscode.l10n.t('{0} will fail: TLS to {1} is re-signed by "{2}", which this server\'s runtime does not trust', finding.server, host, root);
    case 'fails-now':
      return vscode.l10n.t('{0} fails now: TLS to {1} is re-signed by "{2}", which this server\'s runtime does not trust', finding.server, host, root);
    case 'unknown-root':
      return vscode.l10n.t('{0} will fail: TLS to {1} is re-signed by "{2}", a CA no trust store knows: check its fingerprint with IT before trusting it', finding.server, host, root);
    case 'strict-ca':
      return vscode.l10n.t('{0}: its Python rejects "{1}" under strict X.509 rules (3.13+): trusting it will not help', finding.server, root);
    case 'remote-host-trust':
      return vscode.l10n.t('{0} is a remote server: TLS to {1} is re-signed by "{2}" and {3} connects itself, so its trust is the host\'s, not this entry\'s', finding.server, host, root, assessment ? HOST_NAMES[assessment.server.config.hostApp] : '');
    case 'insecure':
      return vscode.l10n.t('{0} switches TLS verification off for {1}: trust the corporate CA instead, then remove it', finding.insecure?.setting ?? '', finding.server);
  }
}

function serversText(count: number): string {
  return count === 1 ? vscode.l10n.t('1 server') : vscode.l10n.t('{0} servers', count);
}

const SEVERITY: Record<EntryFinding['kind'], vscode.DiagnosticSeverity> = {
  'fails-now': vscode.DiagnosticSeverity.Error,
  'will-fail': vscode.DiagnosticSeverity.Error,
  'strict-ca': vscode.DiagnosticSeverity.Error,
  'unknown-root': vscode.DiagnosticSeverity.Warning,
  insecure: vscode.DiagnosticSeverity.Warning,
  'remote-host-trust': vscode.DiagnosticSeverity.Information,
};

/** A tree id per server: ~/.claude.json holds several servers objects, each may name a server alike. */
const serverIdOf = (server: ServerEntry): string => `server:${JSON.stringify([server.config.path, server.config.serversPath ?? null, server.name])}`;

const refOf = (server: ServerEntry): ServerRef => ({ name: server.name, configPath: server.config.path });


function homeRelative(file: string): string {
  const home = os.homedir();
  const inWorkspace = vscode.workspace.asRelativePath(file, true);
  if (inWorkspace !== file) return inWorkspace;
  return file.startsWith(home + path.sep) ? `~${file.slice(home.length)}` : file;
}

// ---------------------------------------------------------------------------------------------

export class EditorDoctor implements vscode.Disposable {
  private check: Check = { status: 'idle' };
  private readonly collection = vscode.languages.createDiagnosticCollection('mcpSslDoctor');
  private readonly findings = new Map<string, { version: number; findings: EntryFinding<ServerEntry>[]; said: string }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];
  private refs: { at: number; refs: Promise<ConfigRef[]> } | undefined;
  private reportTimer: NodeJS.Timeout | undefined;
  private running: Promise<Check> | undefined;
  private shown: HostGroup<ServerEntry>[] = [];

  constructor(
    private readonly deps: EditorDoctorDeps,
    private readonly view: vscode.TreeView<unknown>,
    private readonly changed: vscode.EventEmitter<undefined>,
  ) {
    this.disposables.push(
      this.collection,
      vscode.languages.registerCodeActionsProvider([{ scheme: 'file', language: 'json' }, { scheme: 'file', language: 'jsonc' }], this, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
      // A new verdict (any analysis) may change what an open config file says: read the kept verdicts again.
      deps.analysis.onDidReport(() => {
        if (this.reportTimer) clearTimeout(this.reportTimer);
        this.reportTimer = setTimeout(() => this.rediagnose(), 300);
      }),
      // A fix or an undo anywhere (a toast, the palette, the view): the view and the diagnostics read again.
      deps.fixFlow.onDidWrite(() => void this.afterWrite()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.rediagnose()),
      // A saved config file may hold other servers: the view reads it again (kept verdicts; a new host is probed).
      vscode.workspace.onDidSaveTextDocument((document) => {
        if (this.check.status !== 'idle' && this.findings.has(document.uri.toString())) void this.runCheck('kept');
      }),
    );
  }

  // ------------------------------------------------------------------ the view

  getChildren(node?: unknown): Node[] {
    const at = node as Node | undefined;
    if (!at) {
      if (this.check.status === 'idle') void this.runCheck('kept');
      // During a check the last result stays (the view's progress bar says a check runs).
      return this.shown.map((group) => ({ kind: 'host', group }));
    }
    switch (at.kind) {
      case 'host':
        return at.group.configs.map((group) => ({ kind: 'config', group }));
      case 'config':
        return at.group.assessments.map((assessment) => ({ kind: 'server', assessment }));
      case 'server':
        return this.details(at.assessment);
      case 'detail':
        return [];
    }
  }

  private details(assessment: Assessment<ServerEntry>): Node[] {
    const id = serverIdOf(assessment.server);
    const rows: Node[] = [{ kind: 'detail', label: vscode.l10n.t('State'), value: `${stateLabel(assessment.state)} — ${reasonText(assessment)}`, icon: STATE_ICON[assessment.state][0], id: `${id}#state` }];
    if (assessment.target) rows.push({ kind: 'detail', label: vscode.l10n.t('Target'), value: where(assessment), icon: 'target', id: `${id}#target` });
    rows.push({ kind: 'detail', label: vscode.l10n.t('Route'), value: routeText(assessment), icon: 'arrow-swap', id: `${id}#route` });
    if (assessment.root) rows.push({ kind: 'detail', label: vscode.l10n.t('Root'), value: `${commonName(assessment.root.subject)} (SHA-256 ${assessment.root.sha256.slice(0, 16)}…)`, icon: 'shield', id: `${id}#root` });
    return rows;
  }

  getTreeItem(node: unknown): vscode.TreeItem {
    const at = node as Node;
    switch (at.kind) {
      case 'host': {
        const item = new vscode.TreeItem(HOST_NAMES[at.group.hostApp], vscode.TreeItemCollapsibleState.Expanded);
        const assessments = at.group.configs.flatMap((config) => config.assessments);
        const problems = assessments.filter((entry) => entry.state === 'will-fail' || entry.state === 'failing' || entry.state === 'strict-ca').length;
        item.id = `host:${at.group.hostApp}`;
        item.iconPath = new vscode.ThemeIcon('server-environment');
        item.description = problems > 0 ? vscode.l10n.t('{0}, {1} with a TLS problem', serversText(assessments.length), problems) : serversText(assessments.length);
        item.accessibilityInformation = { label: `${HOST_NAMES[at.group.hostApp]}: ${item.description}` };
        item.contextValue = 'host';
        return item;
      }
      case 'config': {
        const config = at.group.config;
        const item = new vscode.TreeItem(homeRelative(config.path), vscode.TreeItemCollapsibleState.Expanded);
        item.id = `config:${at.group.key}`;
        item.resourceUri = vscode.Uri.file(config.path);
        item.iconPath = at.group.unreadable ? new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground')) : vscode.ThemeIcon.File;
        item.description = at.group.unreadable ? vscode.l10n.t('cannot be read') : config.project ? vscode.l10n.t('project {0}', config.project) : config.scope === 'workspace' ? vscode.l10n.t('workspace') : vscode.l10n.t('user');
        item.tooltip = at.group.unreadable ? `${config.path}\n${at.group.unreadable}` : config.path;
        item.accessibilityInformation = { label: vscode.l10n.t('Config {0}, {1}', config.path, String(item.description)) };
        item.contextValue = `config${this.hasUndo(config.path) ? ' undo' : ''}`;
        return item;
      }
      case 'server': {
        const { assessment } = at;
        const server = assessment.server;
        const item = new vscode.TreeItem(server.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = serverIdOf(server);
        const [icon, colour] = STATE_ICON[assessment.state];
        item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(colour));
        item.description = [stateLabel(assessment.state), where(assessment), assessment.target ? routeText(assessment) : ''].filter(Boolean).join(' · ');
        const tooltip = new vscode.MarkdownString();
        // A config's words are text, never markdown (a server name could carry a link or an image).
        tooltip.appendMarkdown('**').appendText(server.name).appendMarkdown('** — ').appendText(`${stateLabel(assessment.state)}: ${reasonText(assessment)}`);
        tooltip.appendMarkdown('\n\n').appendText(`${vscode.l10n.t('Target')}: ${where(assessment) || '—'} · ${vscode.l10n.t('Route')}: ${routeText(assessment)}`);
        if (assessment.root) tooltip.appendMarkdown('\n\n').appendText(`${vscode.l10n.t('Root')}: ${assessment.root.subject}\nSHA-256: ${assessment.root.sha256}`);
        item.tooltip = tooltip;
        item.accessibilityInformation = { label: vscode.l10n.t('MCP server {0}: {1}. {2}. Route: {3}.', server.name, stateLabel(assessment.state), reasonText(assessment), routeText(assessment)) };
        const flags = ['server', `state-${assessment.state}`];
        if (assessment.fix === 'env' || assessment.fix === 'host-level' || (assessment.reason === 'unknown-root' && server.transport === 'stdio')) flags.push('fixable');
        if (assessment.target) flags.push('chain');
        if (this.hasUndo(server.config.path)) flags.push('undo');
        item.contextValue = flags.join(' ');
        return item;
      }
      case 'detail': {
        const item = new vscode.TreeItem(at.label, vscode.TreeItemCollapsibleState.None);
        item.id = at.id;
        item.description = at.value;
        item.tooltip = `${at.label}: ${at.value}`;
        item.iconPath = new vscode.ThemeIcon(at.icon);
        item.accessibilityInformation = { label: `${at.label}: ${at.value}` };
        return item;
      }
    }
  }

  /** The configs the journal holds a fix of (read at each check). */
  private undoable = new Set<string>();

  private hasUndo(configPath: string): boolean {
    return this.undoable.has(configPath);
  }

  /** What cannot be checked from here (a remote window, the browser), and an untrusted workspace's limits. */
  private limits(): string[] {
    const notes: string[] = [];
    if (vscode.env.remoteName) notes.push(vscode.l10n.t('This window runs on {0}: the MCP configs of that machine are checked, not those of the apps on your own computer.', vscode.env.remoteName));
    else if (vscode.env.uiKind === vscode.UIKind.Web) notes.push(vscode.l10n.t('This editor runs in a browser: the MCP configs of the machine serving it are checked, not those of the apps on the computer you browse from.'));
    if (!vscode.workspace.isTrusted) notes.push(vscode.l10n.t('Workspace not trusted: the hosts, proxies and CA files its configs name are not read.'));
    return notes;
  }

  /** Assess every server of every config this window can read; `fresh` probes every target again. */
  async runCheck(mode: 'kept' | 'fresh'): Promise<Check> {
    // One check at a time: a request during one waits for it, then checks again (its files may have changed).
    const previous = this.running;
    const next = (async (): Promise<Check> => {
      await previous?.catch(() => undefined);
      return this.checkNow(mode);
    })();
    this.running = next;
    try {
      return await next;
    } finally {
      if (this.running === next) this.running = undefined;
    }
  }

  private async checkNow(mode: 'kept' | 'fresh'): Promise<Check> {
    this.check = { status: 'loading' };
    this.view.message = vscode.l10n.t('Reading the MCP configs of this machine and checking the hosts their servers reach…');
    this.changed.fire(undefined);
    await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, async () => {
      try {
        const core = useCases();
        const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
        const refs = await core.discoverConfigRefs({ workspaceFolders: folders, home: os.homedir(), platform: process.platform, env: process.env });
        this.refs = { at: Date.now(), refs: Promise.resolve(refs) };
        const inventory = await core.readInventory(refs);
        const servers: ServerEntry[] = inventory.servers.map((server) => ({ ...server, definitionId: definitionIdFor(server.config.path, server.name, folders) }));
        const assessments = await assessServers(servers, this.deps, {
          cache: mode === 'kept' ? this.deps.cache : undefined,
          failures: this.deps.failures,
          progress: (done, total, target) => (this.view.message = vscode.l10n.t('Checking {0} ({1} of {2})…', `${target.host}:${target.port}`, done, total)),
        });
        for (const assessment of assessments) this.deps.logger.info(`view: ${assessment.server.config.hostApp} ${assessment.server.config.path} ${assessment.server.name}: ${assessment.state} (${assessment.reason})`);
        this.undoable = new Set((await this.deps.undoStore.list(this.deps.settings.bundleDirectory)).map((record) => record.configPath));
        this.check = { status: 'done', groups: groupForView(assessments, inventory.unreadable), assessments };
        this.shown = this.check.groups;
      } catch (error) {
        this.deps.logger.warn(`view: ${describeError(error)}`);
        this.check = { status: 'failed', message: describeError(error) };
      }
    });
    this.showSummary();
    this.changed.fire(undefined);
    return this.check;
  }

  private showSummary(): void {
    const notes = this.limits();
    if (this.check.status === 'failed') {
      this.view.message = vscode.l10n.t('The check failed: {0}', this.check.message);
      return;
    }
    if (this.check.status !== 'done') return;
    const { assessments } = this.check;
    if (assessments.length === 0 && this.check.groups.length === 0) {
      this.view.message = [vscode.l10n.t('No MCP server is configured in this workspace or for this user (VS Code, Cursor, Claude Desktop, Claude Code, Windsurf, Cline, Roo, Kiro).'), ...notes].join(' ');
      this.view.badge = undefined;
      return;
    }
    const problems = assessments.filter((entry) => entry.state === 'will-fail' || entry.state === 'failing' || entry.state === 'strict-ca').length;
    this.view.message = notes.length > 0 ? notes.join(' ') : undefined;
    this.view.description = serversText(assessments.length);
    this.view.badge = problems > 0 ? { value: problems, tooltip: vscode.l10n.t('{0} MCP servers with a TLS problem', problems) } : undefined;
  }

  /** A server's log showed a TLS failure: open config files say so (the view on its next check). */
  failureSeen(): void {
    this.rediagnose();
  }

  // ------------------------------------------------------------------ commands

  async command(id: string, args: unknown[]): Promise<void> {
    try {
      switch (id) {
        case 'checkMachine':
          return await this.checkMachine();
        case 'refreshView':
          await this.runCheck('fresh');
          return;
        case 'fixServer': {
          const node = args[0] as Node | undefined;
          if (node && typeof node === 'object' && 'kind' in node && node.kind === 'server' && node.assessment.server.transport === 'remote') return await this.fixRemote(node.assessment);
          return await this.fix(this.serverRefs(args[0]));
        }
        case 'showChainOf':
          return await this.showChain(args);
        case 'openConfig':
          return await this.openConfig(args[0]);
        case 'undoConfig':
          return await this.undo(args[0]);
        case 'removeInsecure':
          return await this.removeInsecure(args[0] as ServerRef, String(args[1] ?? ''));
      }
    } catch (error) {
      this.deps.logger.error(`${id}: ${describeError(error)}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('MCP SSL Doctor: {0}', describeError(error)));
    }
  }

  private serverRefs(arg: unknown): ServerRef[] {
    const node = arg as Node | ServerRef | ServerRef[] | undefined;
    if (!node) return [];
    if (Array.isArray(node)) return node;
    if ('kind' in node && node.kind === 'server') return [refOf(node.assessment.server)];
    if ('name' in node && 'configPath' in node) return [node];
    return [];
  }

  private async checkMachine(): Promise<void> {
    await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
    const check = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking every MCP server of this machine…') }, () => this.runCheck('fresh'));
    if (check.status !== 'done') return;
    const summary = summaryOf(check.assessments);
    if (summary.total === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No MCP server is configured in this workspace or for this user (VS Code, Cursor, Claude Desktop, Claude Code, Windsurf, Cline, Roo, Kiro).'));
      return;
    }
    const text = vscode.l10n.t(
      'Checked {0} MCP servers in {1} configs: {2} will fail, {3} fail now, {4} work, {5} remote (the host\'s trust), {6} other.',
      summary.total,
      check.groups.reduce((sum, group) => sum + group.configs.length, 0),
      summary.byState['will-fail'] ?? 0,
      summary.byState.failing ?? 0,
      summary.byState.ok ?? 0,
      summary.byState['remote-host-trust'] ?? 0,
      (summary.byState['strict-ca'] ?? 0) + (summary.byState.unreachable ?? 0) + (summary.byState.unknown ?? 0),
    );
    const fixAll = vscode.l10n.t('Fix all that can be fixed');
    const choice = summary.fixable > 0 ? await vscode.window.showWarningMessage(text, fixAll) : await vscode.window.showInformationMessage(text);
    if (choice !== fixAll) return;
    // The Fix flow assesses them again and asks once per CA (subject and SHA-256), as the palette does.
    await this.fix(check.assessments.filter((entry) => entry.fix === 'env').map((entry) => refOf(entry.server)));
  }

  private async fix(servers: ServerRef[]): Promise<void> {
    if (servers.length === 0) return;
    // FixFlow's onDidWrite refreshes the view and the diagnostics.
    await this.deps.fixFlow.run({ servers });
  }

  /**
   * A remote server: its host connects, so the trust is the host's. This editor's own: the host-level
   * fix (confirmation with subject and SHA-256, then the settings). Another host's: its CLI command.
   */
  private async fixRemote(assessment: Assessment<ServerEntry>): Promise<void> {
    const { server, target } = assessment;
    if (!target) return;
    // This editor's own servers: RemoteTrust's host-level fix (its settings); another host's: its CLI command.
    if (isThisEditor(server.config.hostApp, vscode.env.appName)) {
      await vscode.commands.executeCommand('mcpSslDoctor.fixRemoteServer', target.host, target.port, server.name);
      return;
    }
    const command = `mcp-ssl-doctor fix --host-level ${server.config.hostApp} --host ${target.host}:${target.port}`;
    const copy = vscode.l10n.t('Copy command');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('{0} connects to {1} itself: the trust belongs to {2}, not to this editor. Run in a terminal: {3}', server.name, `${target.host}:${target.port}`, HOST_NAMES[server.config.hostApp], command),
      copy,
    );
    if (choice === copy) await vscode.env.clipboard.writeText(command);
  }

  private async afterWrite(): Promise<void> {
    this.refs = undefined;
    if (this.check.status !== 'idle') await this.runCheck('kept');
    this.rediagnose();
  }

  private async showChain(args: unknown[]): Promise<void> {
    const node = args[0] as Node | string | undefined;
    if (typeof node === 'string') return this.deps.fixFlow.showChain(node, Number(args[1] ?? 443));
    if (node?.kind === 'server' && node.assessment.target) return this.deps.fixFlow.showChain(node.assessment.target.host, node.assessment.target.port);
  }

  private async openConfig(arg: unknown): Promise<void> {
    const node = arg as Node | undefined;
    const file = node?.kind === 'config' ? node.group.config.path : node?.kind === 'server' ? node.assessment.server.config.path : undefined;
    if (!file) return;
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file));
    if (node?.kind !== 'server') return;
    // Put the cursor on the server's entry.
    try {
      const parsed = useCases().parseConfig(file, editor.document.getText(), node.assessment.server.config.serversPath);
      const entry = parsed.servers.find((candidate) => candidate.name === node.assessment.server.name);
      const key = entry?.node?.parent?.children?.[0] ?? entry?.node;
      if (key) {
        const range = new vscode.Range(editor.document.positionAt(key.offset), editor.document.positionAt(key.offset + key.length));
        editor.selection = new vscode.Selection(range.start, range.end);
        editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      }
    } catch {
      // A file that no longer parses: opened at the top.
    }
  }

  /** Takes back the newest fix recorded for a config (what one fix of ours wrote there): FixFlow's undo, over the journal. */
  private async undo(arg: unknown): Promise<void> {
    const node = arg as Node | undefined;
    const file = node?.kind === 'config' ? node.group.config.path : node?.kind === 'server' ? node.assessment.server.config.path : undefined;
    const record = (await this.deps.undoStore.list(this.deps.settings.bundleDirectory)).find((candidate) => candidate.configPath === file);
    if (!record) {
      void vscode.window.showInformationMessage(vscode.l10n.t('There is no MCP SSL fix to undo.'));
      return;
    }
    // FixFlow's onDidWrite refreshes the view and the diagnostics.
    await this.deps.fixFlow.undoConfigs([record.configPath]);
  }


  /**
   * Takes an insecure setting out once the fix is in place and verified: the server's target is
   * analysed now, a handshake trusting only the CA bundle must succeed, then the setting goes (with
   * undo). A server that does not trust the root yet is offered the fix first.
   */
  private async removeInsecure(ref: ServerRef, setting: string): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(vscode.l10n.t('This workspace is not trusted, so MCP SSL Doctor does not write to it.'));
      return;
    }
    const servers = await this.serversOf(ref.configPath);
    const server = servers.find((candidate) => candidate.name === ref.name);
    if (!server) return;
    const [assessment] = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Analysing the hosts the MCP servers reach…') }, () => assessServers([server], this.deps));
    if (!assessment?.root || !assessment.target || !assessment.report) {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} is not verified against a CA here ({1}): remove {2} by hand if it is not needed.', ref.name, assessment ? reasonText(assessment) : '?', setting));
      return;
    }
    if (!removalReady(assessment)) {
      const trust = vscode.l10n.t('Trust "{0}" for {1}', commonName(assessment.root.subject), ref.name);
      const choice = await vscode.window.showWarningMessage(vscode.l10n.t('{0} does not trust "{1}" yet: the insecure setting is removed once the fix is verified. Fix it first.', ref.name, commonName(assessment.root.subject)), trust);
      if (choice === trust) await this.fix([ref]);
      return;
    }
    const remove = vscode.l10n.t('Verify and Remove');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Remove {0} from {1}?', setting, ref.name),
      { modal: true, detail: vscode.l10n.t('A handshake with {0} that trusts only the CA bundle is made first; the setting is removed only if it succeeds. Undo puts it back.', where(assessment)) },
      remove,
    );
    if (choice !== remove) return;
    const target = assessment.target;
    const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
    const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Verifying that the new bundle makes {0} trusted…', target.host) }, async () =>
      useCases().fixConfig({
        configPath: server.config.path,
        serversPath: server.config.serversPath,
        servers: [server.name],
        cas: { kind: 'report', report: assessment.report as NonNullable<typeof assessment.report>, trustUnknown: true },
        verify: { target, analyzer: { verify: (host, caPem) => this.deps.analysis.verify(host.host, host.port, caPem, undefined, host.proxyEnv) } },
        removeInsecure: true,
        mode: this.deps.settings.bundleMode,
        bundleDir: this.deps.settings.bundleDirectory,
        runtimeCheck: {
          hostApp: server.config.hostApp,
          target,
          hostEnv: process.env,
          hostSettingsEnv: await useCases().hostSettingsEnvs()(server, os.homedir()),
          context: { home: os.homedir(), workspaceFolder: folders[0], env: process.env },
        },
      }),
    );
    const removed = outcome.removedInsecure.filter((entry) => entry.server === server.name);
    if (removed.length === 0) {
      const why = outcome.skipped.find((entry) => entry.server === server.name)?.reason ?? outcome.warnings.map((warning) => warning.message).join('; ');
      void vscode.window.showWarningMessage(vscode.l10n.t('{0} was not changed: {1}', server.name, why));
      return;
    }
    void vscode.window.showInformationMessage(vscode.l10n.t('Removed {0} from {1}: a handshake with {2} trusting only the CA bundle succeeded. Restart the server for it to take effect.', removed.map((entry) => entry.setting).join(', '), server.name, where(assessment)));
    await this.afterWrite();
  }

  // ------------------------------------------------------------------ diagnostics

  /** The config refs a file is: as discovery finds it (~/.claude.json: one per servers object), else by its place. */
  private async refsOf(file: string): Promise<ConfigRef[]> {
    if (!this.refs || Date.now() - this.refs.at > 30_000) {
      const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
      this.refs = { at: Date.now(), refs: useCases().discoverConfigRefs({ workspaceFolders: folders, home: os.homedir(), platform: process.platform, env: process.env }).catch(() => []) };
    }
    const resolved = path.resolve(file);
    const found = (await this.refs.refs).filter((ref) => path.resolve(ref.path) === resolved);
    if (found.length > 0) return found;
    const location = useCases().locationOfFile(resolved);
    if (!location) return [];
    const inWorkspace = (vscode.workspace.workspaceFolders ?? []).some((folder) => resolved.startsWith(folder.uri.fsPath + path.sep));
    // In a Restricted Mode window a file discovery did not find is read as the workspace's: nothing it names is read or probed.
    return [{ hostApp: location.host, path: resolved, scope: inWorkspace || !vscode.workspace.isTrusted ? 'workspace' : 'user', resolvesVariables: location.resolvesVariables }];
  }

  private async serversOf(file: string): Promise<ServerEntry[]> {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
    const servers: ServerEntry[] = [];
    const refs = await this.refsOf(file);
    // One read for every servers object of the file (~/.claude.json: one per project).
    const content = refs.length > 0 ? await readFile(file, 'utf8') : '';
    for (const ref of refs) {
      const parsed = useCases().parseConfig(file, content, ref.serversPath);
      servers.push(...parsed.servers.map((entry) => ({ ...useCases().serverOf(ref, entry), definitionId: definitionIdFor(file, entry.name, folders) })));
    }
    return servers;
  }

  opened(document: vscode.TextDocument): void {
    this.schedule(document, OPEN_DELAY_MS);
  }

  edited(document: vscode.TextDocument): void {
    if (this.findings.has(document.uri.toString()) || this.timers.has(document.uri.toString())) this.schedule(document, EDIT_DEBOUNCE_MS);
    else this.opened(document);
  }

  closed(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.findings.delete(key);
    this.collection.delete(document.uri);
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    if (document.uri.scheme !== 'file') return;
    const key = document.uri.toString();
    const pending = this.timers.get(key);
    if (pending) clearTimeout(pending);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.diagnose(document);
      }, delay),
    );
  }

  private rediagnose(): void {
    for (const document of vscode.workspace.textDocuments) if (this.findings.has(document.uri.toString())) this.schedule(document, 0);
  }

  /** Kept verdicts only: a keystroke never probes a host (nor does a workspace file's host get probed). */
  private async diagnose(document: vscode.TextDocument): Promise<void> {
    const key = document.uri.toString();
    const version = document.version;
    const refs = await this.refsOf(document.uri.fsPath);
    if (refs.length === 0) return;
    const text = document.getText();
    const findings: EntryFinding<ServerEntry>[] = [];
    const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
    for (const ref of refs) {
      let parsed;
      try {
        parsed = useCases().parseConfig(document.uri.fsPath, text, ref.serversPath);
      } catch {
        // Mid-edit JSON, or no servers object (yet): JSON's own diagnostics speak.
        continue;
      }
      const servers: ServerEntry[] = parsed.servers.map((entry) => ({ ...useCases().serverOf(ref, entry), definitionId: definitionIdFor(document.uri.fsPath, entry.name, folders) }));
      const assessments = (await assessServers(servers, this.deps, { cache: this.deps.cache, keptOnly: true, failures: this.deps.failures })).filter((entry) => entry.probeError !== NOT_KEPT);
      findings.push(...entryFindings(parsed, assessments));
    }
    if (document.version !== version || document.isClosed) return;
    const said = findings.map((finding) => `${finding.server} ${finding.kind}`).join(', ') || 'none';
    const before = this.findings.get(key);
    this.findings.set(key, { version, findings, said });
    this.collection.set(
      document.uri,
      findings.map((finding) => {
        const diagnostic = new vscode.Diagnostic(new vscode.Range(document.positionAt(finding.offset), document.positionAt(finding.offset + finding.length)), findingMessage(finding), SEVERITY[finding.kind]);
        diagnostic.source = SOURCE;
        diagnostic.code = finding.kind;
        return diagnostic;
      }),
    );
    if (before?.said !== said) this.deps.logger.info(`diagnostics: ${document.uri.fsPath}: ${said}`);
  }

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    const kept = this.findings.get(document.uri.toString());
    if (!kept || kept.version !== document.version) return [];
    const actions: vscode.CodeAction[] = [];
    for (const finding of kept.findings) {
      const at = new vscode.Range(document.positionAt(finding.offset), document.positionAt(finding.offset + finding.length));
      if (!at.intersection(range)) continue;
      const diagnostic = this.collection.get(document.uri)?.find((candidate) => candidate.range.isEqual(at) && candidate.code === finding.kind);
      const assessment = finding.assessment;
      const add = (title: string, command: string, args: unknown[], preferred = false): void => {
        const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        action.command = { title, command, arguments: args };
        if (diagnostic) action.diagnostics = [diagnostic];
        action.isPreferred = preferred;
        actions.push(action);
      };
      const ref = assessment ? refOf(assessment.server) : { name: finding.server, configPath: document.uri.fsPath };
      if ((finding.kind === 'will-fail' || finding.kind === 'fails-now' || finding.kind === 'unknown-root') && assessment?.root) {
        add(vscode.l10n.t('Trust "{0}" for {1}', commonName(assessment.root.subject), finding.server), 'mcpSslDoctor.fixServer', [[ref]], finding.kind !== 'unknown-root');
      }
      if (finding.kind === 'insecure' && finding.insecure && ('env' in finding.insecure.removal || 'envValue' in finding.insecure.removal || finding.insecure.removal.args.length > 0)) {
        // The fix takes out every insecure setting of the server at once: the action names them all.
        const settings = kept.findings.filter((other) => other.kind === 'insecure' && other.server === finding.server).map((other) => other.insecure?.setting ?? '');
        add(vscode.l10n.t('Remove {0} once the fix is verified', settings.join(', ')), 'mcpSslDoctor.removeInsecure', [ref, settings.join(', ')], removalReady(assessment));
      }
      if (finding.kind !== 'insecure' && assessment?.target) add(vscode.l10n.t('Show the chain of {0}', where(assessment)), 'mcpSslDoctor.showChainOf', [assessment.target.host, assessment.target.port]);
    }
    return actions;
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    if (this.reportTimer) clearTimeout(this.reportTimer);
    for (const disposable of this.disposables) disposable.dispose();
  }
}

export function createEditorDoctor(deps: EditorDoctorDeps, view: vscode.TreeView<unknown>, changed: vscode.EventEmitter<undefined>): EditorDoctor {
  return new EditorDoctor(deps, view, changed);
}
