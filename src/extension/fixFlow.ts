import * as vscode from 'vscode';
import type { ChainReport, Logger } from '../core/types';
import { DoctorError } from '../core/types';
import type { ChainAnalysis } from './analysis';
import type { ChainView } from './chainView';
import type { ServerFinding } from './logWatcher';
import { pickServers, listServers, pickerNotes, type ServerEntry } from './servers';
import { configReread, restartServer } from './restart';
import type { Settings } from './settings';
import type { TlsStatusItem } from './statusBar';
import type { UndoStore } from './undoStore';
import { commonName, verdictText } from './verdictText';
import { decideFix, type FixReason } from '../core/assess/policy';
import { DEFAULT_PROBE, tryParseHostPort } from '../core/assess/targets';
import type { Assessment } from '../core/assess/assess';
import { assessServers } from './assessServers';
import type { FixResult } from '../core/fix/apply';
import { describeError } from '../core/types';
import { fingerprintText, markdownSafe } from '../core/text';
import { useCases } from './lazyUseCases';
import type { FixRequest } from '../core/usecases/fixPipeline';
import type { RuntimeVerification } from '../core/usecases/runtimeVerify';
import { outcomeAfterRestart, type ServerLogEvents } from './outcome';
import { localStoreModule, remoteNameIsTestSeam, remoteWindowName } from './localStoreLazy';
import type { LocalStoreTrust } from './localStore';
import * as os from 'node:os';

export interface ServerRef {
  name: string;
  configPath: string;
}

/** What a fix starts from: a log finding, a preflight problem, a chain report, or nothing (ask). */
export interface FixTarget {
  finding?: ServerFinding;
  servers?: ServerRef[];
  host?: { host: string; port: number };
  report?: ChainReport;
}

/** The fix, as the user meets it: analyse, confirm, write, verify, restart, undo. */
export class FixFlow implements vscode.Disposable {
  private view: ChainView | undefined;
  private logs: ServerLogEvents | undefined;
  private readonly wrote = new vscode.EventEmitter<string[]>();
  /** Fires with the configs a fix or an undo wrote. */
  readonly onDidWrite = this.wrote.event;

  constructor(
    private readonly analysis: ChainAnalysis,
    private readonly settings: Settings,
    private readonly undoStore: UndoStore,
    private readonly logger: Logger,
    private readonly status: TlsStatusItem,
  ) {}

  /**
   * Each changed server's own runtime proves the fix before it is written, with the env its host
   * gives it: the same route its analysis took (no proxy the server's environment does not name).
   */
  private runtimeCheckFor(server: ServerEntry, target: { host: string; port: number }, hostSettingsEnv: Record<string, string> | undefined): FixRequest['runtimeCheck'] {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
    return {
      hostApp: server.config.hostApp,
      target,
      hostEnv: process.env,
      hostSettingsEnv,
      context: { home: os.homedir(), workspaceFolder: folders[0], env: process.env },
    };
  }

  dispose(): void {
    this.wrote.dispose();
  }

  attachLogs(logs: ServerLogEvents): void {
    this.logs = logs;
  }

  attachView(view: ChainView): void {
    this.view = view;
  }

  /** Analyse a host with progress; errors become a message, not an exception. */
  async analyze(host: string, port: number, quiet = false): Promise<ChainReport | undefined> {
    this.status.showBusy(host);
    try {
      return await vscode.window.withProgress(
        // Inside the fix the status bar carries the progress: one toast at a time.
        { location: quiet ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification, title: vscode.l10n.t('Analysing the certificate chain of {0}…', `${host}:${port}`), cancellable: true },
        async (_progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return this.analysis.analyze(host, port, abort.signal);
        },
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.status.showError(host, message);
      if (error instanceof DoctorError && error.kind === 'cancelled') return undefined;
      this.logger.warn(`analysis of ${host}:${port} failed: ${message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not analyse {0}: {1}', `${host}:${port}`, message));
      return undefined;
    }
  }

  async showChain(host: string, port: number): Promise<void> {
    this.view?.showBusy(`${host}:${port}`);
    const report = await this.analyze(host, port);
    if (report) this.view?.show(report);
  }

  /** The status bar's click: the last report, or ask for a host. */
  async showLastChain(): Promise<void> {
    const last = this.analysis.last;
    if (last) this.view?.show(last);
    else await this.analyzeHostCommand();
  }

  async analyzeHostCommand(): Promise<void> {
    const input = await vscode.window.showInputBox({
      title: vscode.l10n.t('Analyze Host'),
      prompt: vscode.l10n.t('The host (and port) whose certificate chain to analyse, as an MCP server would reach it'),
      placeHolder: 'pypi.org:443',
      value: this.settings.probeHost || DEFAULT_PROBE.python.host,
      validateInput: (value) => (tryParseHostPort(value) ? undefined : vscode.l10n.t('Enter a host name or address, optionally followed by :port')),
    });
    const target = input ? tryParseHostPort(input) : undefined;
    if (target) await this.showChain(target.host, target.port);
  }

  async run(target: FixTarget): Promise<void> {
    try {
      await this.runUnsafe(target);
    } catch (error) {
      const message = describeError(error);
      this.logger.error(`fix failed: ${message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('MCP SSL fix failed: {0}', message));
    }
  }

  private async runUnsafe(target: FixTarget): Promise<void> {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
    const all = await listServers(folders, this.logger);
    let servers: ServerEntry[] = [];
    if (target.servers) {
      servers = all.filter((entry) => target.servers?.some((ref) => ref.name === entry.name && ref.configPath === entry.config.path));
    } else if (target.finding?.server) {
      servers = all.filter((entry) => entry.name === target.finding?.server);
      if (servers.length > 1 && target.finding.definitionId) {
        const preferred = servers.filter((entry) => entry.definitionId === target.finding?.definitionId);
        if (preferred.length > 0) servers = preferred;
      }
    }
    let assessed: Assessment<ServerEntry>[] | null | undefined;
    if (servers.length === 0) {
      // Before the picker: what each stdio server will meet, so that those needing the fix come preselected.
      const stdio = all.filter((entry) => entry.transport === 'stdio');
      assessed = stdio.length > 0 ? await this.assess(stdio) : undefined;
      if (assessed === null) return;
      const picked = await pickServers(all, assessed && { preselect: assessed.filter(useCases().preselected).map((entry) => entry.server), notes: pickerNotes(assessed) });
      if (!picked || picked.length === 0) return;
      servers = picked;
    }

    // The roots the picked servers meet: one group (one confirmation, one fix) per CA.
    const at = target.report
      ? { host: target.report.host, port: target.report.port }
      : target.host ?? (target.finding?.host ? { host: target.finding.host, port: target.finding.port ?? 443 } : undefined);
    const stdio = servers.filter((entry) => entry.transport === 'stdio');
    if (!assessed || at) assessed = await this.assess(stdio, at, target.report);
    if (assessed === null) return;
    const chosen = assessed.filter((entry) => servers.includes(entry.server));
    const groups = useCases().groupByRoot(chosen);
    const problems: Promise<boolean>[] = [];
    for (const remote of servers.filter((entry) => entry.transport === 'remote')) {
      const reason = vscode.l10n.t('remote server: the editor itself connects, so its env cannot help; trust the CA in the OS store and enable http.systemCertificates');
      void vscode.window.showWarningMessage(vscode.l10n.t('{0} was not changed: {1}', markdownSafe(remote.name), reason));
    }
    // Each distinct target's failure once: an analysis that failed, a verdict no CA fixes.
    const said = new Set<string>();
    for (const entry of chosen) {
      if (!entry.target) continue;
      const key = useCases().targetKeyOf(entry.target);
      if (said.has(key)) continue;
      const where = `${entry.target.host}:${entry.target.port}`;
      if (entry.probeError) void vscode.window.showErrorMessage(vscode.l10n.t('Could not analyse {0}: {1}', where, entry.probeError));
      else if (entry.report && entry.found?.action === 'refuse') problems.push(this.acceptVerdict(entry.report));
      else continue;
      said.add(key);
    }
    if (groups.length === 0) {
      const trusting = chosen.filter((entry) => entry.reason === 'trusts-root');
      if (problems.length === 0 && trusting.length > 0) {
        void vscode.window.showInformationMessage(
          vscode.l10n.t('{0} already trust "{1}": the failure has another cause.', markdownSafe(trusting.map((entry) => entry.server.name).join(', ')), commonName(trusting[0]?.root?.subject ?? '')),
        );
      }
      await Promise.all(problems);
      return;
    }

    if (!vscode.workspace.isTrusted) {
      const commands = groups.map((group) => cliCommand(group.assessments)).join(' && ');
      void vscode.window.showWarningMessage(vscode.l10n.t('This workspace is not trusted, so MCP SSL Doctor does not write to it. Trust the workspace, or run the CLI: {0}', commands));
      const first = groups[0]?.assessments.find((entry) => entry.report)?.report;
      if (first) this.view?.show(first);
      return;
    }

    // A remote window (dev container, SSH, WSL): a root no store on this side knows may be one the
    // local machine's OS store trusts; the UI-side companion says so for its exact SHA-256.
    const remoteName = remoteWindowName();
    const localTrust = new Map<string, LocalStoreTrust>();
    if (remoteName) {
      for (const group of groups.filter((entry) => entry.action === 'confirm')) {
        const found = await localStoreModule().askLocalStore(group.root.sha256, this.logger, remoteNameIsTestSeam());
        if (found) localTrust.set(group.root.sha256, found);
      }
    }

    // One confirmation per CA, one after another, each with its subject and SHA-256.
    const confirmed: typeof groups = [];
    for (const [index, group] of groups.entries()) {
      const hosts = [...new Set(group.assessments.flatMap((entry) => (entry.target ? [entry.target.host] : [])))].join(', ');
      const groupServers = group.assessments.map((entry) => entry.server);
      const report = group.assessments.find((entry) => entry.report)?.report;
      const local = report !== undefined && decideFix(report, { localStoreRoots: [...localTrust.keys()] }).reason === 'local-store' ? remoteName : undefined;
      if (await this.confirm(group.action === 'confirm' && !local, group.root, groupServers, { hosts, index: index + 1, total: groups.length }, local)) confirmed.push(group);
    }
    if (confirmed.length === 0) return;

    const fixed = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Fixing MCP SSL…') },
      async (progress) => {
        const perRoot: { root: { subject: string; sha256: string }; servers: ServerEntry[]; outcomes: FixResult[] }[] = [];
        // What each host adds from its own settings (Claude Code's settings env): read once per home for this fix.
        const settingsOf = useCases().hostSettingsEnvs();
        for (const group of confirmed) {
          const outcomes: FixResult[] = [];
          // One fix per config, root and target: each server proved against its own target, through its own route.
          for (const entries of useCases().groupForFix(group.assessments)) {
            const { server: first, target: reached, report } = entries[0] as Assessment<ServerEntry>;
            if (!report || !reached) continue;
            progress.report({ message: vscode.l10n.t('Verifying that the new bundle makes {0} trusted…', report.host) });
            const configPath = first.config.path;
            const hostSettingsEnv = await settingsOf(first, os.homedir());
            // The user confirmed the root in the modal (the unknown-root warning included).
            const outcome = await useCases().fixConfig({
              configPath,
              serversPath: first.config.serversPath,
              servers: entries.map((entry) => entry.server.name),
              cas: { kind: 'report', report, trustUnknown: true },
              verify: { target: reached, analyzer: { verify: (host, caPem) => this.analysis.verify(host.host, host.port, caPem, undefined, host.proxyEnv) } },
              mode: this.settings.bundleMode,
              bundleDir: this.settings.bundleDirectory,
              trustMode: this.settings.trustMode,
              rootInOsStore: report.verdict === 'intercepted',
              runtimeCheck: this.runtimeCheckFor(first, reached, hostSettingsEnv),
              // A server whose host drops the editor's proxy gets it beside the CA (assess/route.ts).
              ...useCases().routeFixOf(entries, process.env, hostSettingsEnv),
            });
            outcomes.push(outcome);
          }
          perRoot.push({ root: group.root, servers: group.assessments.map((entry) => entry.server), outcomes });
        }
        return perRoot;
      },
    );
    const written = fixed.flatMap((group) => group.outcomes.filter((outcome) => outcome.changed.length > 0).map((outcome) => outcome.config));
    if (written.length > 0) this.wrote.fire(written);
    const reread = configReread();
    // A dev container: the durable fix in devcontainer.json for the (first) root the local store holds, confirmed on its own.
    const local = fixed.find((group) => localTrust.has(group.root.sha256) && group.outcomes.some((outcome) => outcome.changed.length > 0));
    const devcontainer = local ? await localStoreModule().devcontainerFile(remoteName) : undefined;
    const offer = local && devcontainer
      ? localStoreModule().offerDevcontainerFix(devcontainer, local.root, localStoreModule().caVariablesOf(local.outcomes.flatMap((outcome) => outcome.changed.map((change) => change.env))), this.logger, remoteNameIsTestSeam())
      : Promise.resolve();
    // One report per CA, side by side (each waits for its own buttons).
    await Promise.all([...fixed.map((group) => this.reportResults(group.outcomes, group.servers, markdownSafe(commonName(group.root.subject)), reread)), offer]);
  }

  /** What each server will meet (the one assessment), the distinct targets analysed in the worker concurrently, with progress; null when cancelled. */
  private async assess(servers: ServerEntry[], at?: { host: string; port: number }, report?: ChainReport): Promise<Assessment<ServerEntry>[] | null> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Analysing the hosts the MCP servers reach…'), cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        const assessed = await assessServers(servers, { analysis: this.analysis, settings: this.settings, logger: this.logger }, {
          at,
          report,
          signal: abort.signal,
          progress: (done, total, reached) => progress.report({ message: vscode.l10n.t('{0} of {1}: {2}', done, total, `${reached.host}:${reached.port}`), increment: 100 / total }),
        });
        return abort.signal.aborted ? null : assessed;
      },
    );
  }

  private async acceptVerdict(report: ChainReport): Promise<boolean> {
    const decision = decideFix(report);
    if (decision.action !== 'refuse') return true;
    switch (decision.reason as FixReason) {
      case 'no-ca':
        void vscode.window.showErrorMessage(vscode.l10n.t('The chain of {0} names no CA that could be trusted.', report.host));
        return false;
      case 'public-root': {
        const show = vscode.l10n.t('Show chain');
        const choice = await vscode.window.showInformationMessage(
          vscode.l10n.t('Nothing intercepts TLS to {0}: its certificate verifies to a public root. The failure has another cause (an old CA bundle in SSL_CERT_FILE, or another host).', report.host),
          show,
        );
        if (choice === show) this.view?.show(report);
        return false;
      }
      default: {
        const show = vscode.l10n.t('Show chain');
        const choice = await vscode.window.showWarningMessage(verdictText(report), show);
        if (choice === show) this.view?.show(report);
        return false;
      }
    }
  }

  private async confirm(
    unknownRoot: boolean,
    root: { subject: string; sha256: string },
    servers: ServerEntry[],
    group: { hosts: string; index: number; total: number },
    /** A remote window whose local machine's OS store holds this exact root: its remote name. */
    localRemote?: string,
  ): Promise<boolean> {
    // Several CAs: each confirmation says which one of how many it is.
    const step = group.total > 1 ? ` (${vscode.l10n.t('CA {0} of {1}', group.index, group.total)})` : '';
    const list = servers.map((server) => `• ${server.name} (${server.runtime}) — ${vscode.workspace.asRelativePath(server.config.path)}`).join('\n');
    const fingerprint = fingerprintText(root.sha256);
    if (unknownRoot) {
      const trust = vscode.l10n.t('Trust this CA anyway');
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t('No trust store knows "{0}". This may be an attack.', commonName(root.subject)) + step,
        {
          modal: true,
          detail: vscode.l10n.t(
            'Neither your operating system nor the public root list trusts this CA. If your IT department did not give you this certificate, someone may be intercepting your traffic.\n\nSubject: {0}\nSHA-256: {1}\n\nOnly continue if IT confirms this fingerprint. Servers:\n{2}',
            root.subject,
            fingerprint,
            list,
          ),
        },
        trust,
      );
      return choice === trust;
    }
    const trust = vscode.l10n.t('Trust and Fix');
    const detail = localRemote
      ? vscode.l10n.t(
        'TLS to {0} is re-signed by this CA. No trust store on this side ({1}) knows it, but your local machine\'s OS store trusts this exact fingerprint:\n\nSubject: {2}\nSHA-256: {3}\n\nA CA bundle with it is written to {4} on this side and the servers\' env gets the variable for their runtime:\n{5}',
        group.hosts,
        localRemote,
        root.subject,
        fingerprint,
        this.settings.bundleDirectory || useCases().defaultBundleDir(os.homedir()),
        list,
      )
      : undefined;
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('Point {0} at "{1}"?', servers.length === 1 ? servers[0].name : vscode.l10n.t('{0} servers', servers.length), commonName(root.subject)) + step,
      {
        modal: true,
        detail: detail ?? vscode.l10n.t(
          'TLS to {0} is re-signed by this CA, which your operating system trusts:\n\nSubject: {1}\nSHA-256: {2}\n\nA CA bundle with it is written to {3} and the servers\' env gets the variable for their runtime:\n{4}',
          group.hosts,
          root.subject,
          fingerprint,
          this.settings.bundleDirectory || useCases().defaultBundleDir(os.homedir()),
          list,
        ),
      },
      trust,
    );
    return choice === trust;
  }

  private async reportResults(outcomes: FixResult[], servers: ServerEntry[], caName: string, reread: Promise<void>): Promise<void> {
    const changed = outcomes.flatMap((outcome) => outcome.changed.map((change) => ({ ...change, configPath: outcome.config })));
    const skipped = outcomes.flatMap((outcome) => outcome.skipped);
    for (const outcome of outcomes) {
      this.logger.info(`wrote ${outcome.config}: ${JSON.stringify(outcome.changed)}; bundle ${outcome.bundle}; skipped ${JSON.stringify(outcome.skipped)}`);
      for (const warning of outcome.warnings) this.logger.warn(warning.message);
    }
    for (const skip of skipped) {
      if (skip.code === 'runtime-check') {
        // Its own runtime still fails with the new environment: nothing was written for it, and it is never called fixed.
        void vscode.window.showWarningMessage(
          vscode.l10n.t('{0} still fails in its own runtime, so nothing was changed for it: {1}', markdownSafe(skip.server), markdownSafe(skip.detail ?? skip.reason)),
        );
      } else {
        void vscode.window.showWarningMessage(vscode.l10n.t('{0} was not changed: {1}', markdownSafe(skip.server), markdownSafe(skip.reason)));
      }
    }
    if (changed.length === 0) return;
    const tracked = outcomes.filter((outcome) => outcome.tracked === true && outcome.changed.length > 0).map((outcome) => vscode.workspace.asRelativePath(outcome.config));
    const variables = [...new Set(changed.flatMap((change) => Object.keys(change.env)))].join(', ');
    const names = markdownSafe(changed.map((change) => change.server).join(', '));
    let message = vscode.l10n.t('Fixed: {0} now trust "{1}" through {2}.', names, caName, variables);
    const proofs = changed.flatMap((change) => (change.verified?.ok ? [change.verified.by] : []));
    if (proofs.length > 0) message += ' ' + vscode.l10n.t('Verified by {0}.', markdownSafe([...new Set(proofs)].join(', ')));
    if (tracked.length > 0) {
      message += ' ' + vscode.l10n.t('{0} is tracked by git: committing it gives teammates the same setting (the path works on every machine once the fix has run there).', tracked.join(', '));
    }
    const restart = vscode.l10n.t('Restart server');
    const undo = vscode.l10n.t('Undo');
    const open = vscode.l10n.t('Open config');
    const choice = await vscode.window.showInformationMessage(message, restart, undo, open);
    if (choice === restart) {
      for (const server of servers.filter((entry) => changed.some((change) => change.server === entry.name && change.configPath === entry.config.path))) {
        if (await restartServer(server, this.logger, reread)) {
          void this.reportOutcome(server.name, changed.find((change) => change.server === server.name)?.verified);
        }
      }
    } else if (choice === undo) {
      // One journal record per config this fix wrote (a file with two server sets: two).
      await this.undoConfigs(outcomes.filter((outcome) => outcome.changed.length > 0).map((outcome) => outcome.config));
    } else if (choice === open) {
      await vscode.window.showTextDocument(vscode.Uri.file(changed[0].configPath));
    }
  }

  /** After the restart: one message, "works now" or "still fails" with the next step; the log channel too. */
  private async reportOutcome(server: string, verified: RuntimeVerification | null | undefined): Promise<void> {
    if (!this.logs) return;
    const outcome = await outcomeAfterRestart(server, verified, this.logs);
    const name = markdownSafe(server);
    switch (outcome.kind) {
      case 'works':
        this.logger.info(`${server} works after the fix (${outcome.by === 'log' ? 'its log says it runs' : outcome.detail})`);
        void vscode.window.showInformationMessage(
          outcome.by === 'log' ? vscode.l10n.t('{0} works now.', name) : vscode.l10n.t('{0} works now ({1}).', name, markdownSafe(outcome.detail)),
        );
        return;
      case 'fails': {
        this.logger.warn(`${server} still fails after the fix: ${outcome.finding.kind}: ${outcome.finding.message}`);
        const show = vscode.l10n.t('Show chain');
        const why = outcome.finding.kind === 'strict-ca' ? vscode.l10n.t('its Python rejects the CA under strict X.509 rules (3.13+): IT must reissue the CA, or run the server on Python 3.12') : markdownSafe(outcome.finding.message);
        const choice = await vscode.window.showWarningMessage(vscode.l10n.t('{0} still fails: {1}', name, why), show);
        if (choice === show && outcome.finding.host) await this.showChain(outcome.finding.host, outcome.finding.port ?? 443);
        return;
      }
      case 'unknown':
        this.logger.info(`${server} restarted; no log on disk and no runtime verification to tell whether it works${outcome.detail ? ` (${outcome.detail})` : ''}`);
    }
  }

  async undoLast(): Promise<void> {
    // The journal is the record: the newest config fix, whether the editor or the CLI made it.
    const [last] = await this.undoStore.list(this.settings.bundleDirectory);
    if (!last) {
      void vscode.window.showInformationMessage(vscode.l10n.t('There is no MCP SSL fix to undo.'));
      return;
    }
    await this.undoConfigs([last.configPath]);
  }

  /** Takes back the newest journal record of each config named (a config named twice: its two newest). */
  async undoConfigs(configPaths: string[]): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(vscode.l10n.t('This workspace is not trusted, so MCP SSL Doctor does not write to it.'));
      return;
    }
    for (const configPath of configPaths) {
      try {
        const result = await useCases().undoFix({ configPath, bundleDir: this.settings.bundleDirectory });
        const servers = [...new Set(result.removed.map((entry) => entry.server))];
        this.logger.info(`undo ${configPath}: removed ${result.removed.map((entry) => `${entry.server} ${entry.what}`).join(', ')}${result.identical ? ' (file restored byte for byte)' : ''}`);
        for (const kept of result.kept) this.logger.warn(`undo kept ${kept.server} ${kept.what}: ${kept.reason}`);
        this.wrote.fire([configPath]);
        void vscode.window.showInformationMessage(vscode.l10n.t('Removed the CA settings of {0} from {1}. Restart the server for it to take effect.', servers.join(', '), vscode.workspace.asRelativePath(configPath)));
      } catch (error) {
        const message = describeError(error);
        void vscode.window.showErrorMessage(vscode.l10n.t('Could not undo the fix in {0}: {1}', configPath, message));
      }
    }
  }
}

/** The same fix from a terminal, for untrusted workspaces and scripts: one command per config and target. */
function cliCommand(assessments: readonly Assessment<ServerEntry>[]): string {
  const quote = (value: string) => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);
  const byConfig = new Map<string, { config: string; host: string; names: string[] }>();
  for (const { server, target } of assessments) {
    if (!target) continue;
    const host = `${target.host}:${target.port}`;
    const key = JSON.stringify([server.config.path, host]);
    const entry = byConfig.get(key) ?? { config: server.config.path, host, names: [] };
    entry.names.push(server.name);
    byConfig.set(key, entry);
  }
  return [...byConfig.values()]
    .map(({ config, host, names }) => `mcp-ssl-doctor fix --config ${quote(config)} ${names.map((name) => `--server ${quote(name)}`).join(' ')} --host ${quote(host)}`)
    .join(' && ');
}
