// Remote MCP servers (`type: http|sse`, a `url`): the editor connects itself, so its log says only
// `Error sending message to https://…: TypeError: fetch failed`. Probe that URL out of band (the
// worker); when a proxy re-signs it, offer the host-level fix: the editor's system-certificate
// settings (and the OS store step where there is one), confirmed with subject and SHA-256,
// recorded for Undo, then Reload Window. The fix itself is core/usecases/hostLevel.ts runHostLevelFix,
// the one the CLI's `fix --host-level` and `doctor --fix` run.
import { editorHostApp } from './editorHost';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { interceptionRoot } from '../core/assess/policy';
import { probeableFromLog } from '../core/assess/targets';
import type { HostLevelQuestion } from '../core/usecases/hostLevel';
import type { StepOutcome } from '../core/hostTrust/apply';
import { SYSTEM_CERTIFICATE_SETTINGS } from '../core/hostTrust/types';
import type { EditorSettingStep, HostTrustStep, OsStoreStep } from '../core/hostTrust/types';
import { markdownSafe } from '../core/text';
import type { ChainReport, Logger, ScanSignal } from '../core/types';
import type { ChainAnalysis } from './analysis';
import { detection, useCases } from './lazyUseCases';

/** The same host again within this time: the same failure (a retry loop), not news. */
const QUIET_MS = 5 * 60_000;
const KEY = 'mcpSslDoctor.hostTrust';

interface HostTrustRecord {
  at: number;
  host: string;
  /** Each setting's user value before (undefined: not set). */
  settings: { key: string; before: boolean | undefined }[];
  osStore?: OsStoreStep;
}


/** Which system-certificate settings this editor declares (a setting it does not know has no default). */
export function availableSystemCertificateSettings(): string[] {
  const config = vscode.workspace.getConfiguration();
  return SYSTEM_CERTIFICATE_SETTINGS.filter((name) => config.inspect(name)?.defaultValue !== undefined);
}

export class RemoteTrust implements vscode.Disposable {
  private readonly lastShown = new Map<string, number>();
  private readonly probing = new Set<string>();

  constructor(
    private readonly analysis: ChainAnalysis,
    private readonly state: vscode.Memento,
    private readonly logger: Logger,
  ) {}

  async onSignal(signal: ScanSignal): Promise<void> {
    if (signal.reason !== 'fetch-failed') return;
    const failure = detection().remoteFetchFailure(signal);
    if (!failure) return;
    const where = `${failure.host}:${failure.port}`;
    // The URL is a remote server's from some config, possibly a workspace file: an untrusted
    // workspace gets no probe of anything it names.
    if (!vscode.workspace.isTrusted) {
      this.logger.info(`remote ${signal.server ?? '?'}: fetch failed for ${where}; untrusted workspace, not probed`);
      return;
    }
    // A URL from a log is probed only when it names a host, never a link-local or metadata address.
    if (!probeableFromLog(failure.host, failure.port)) {
      this.logger.warn(`remote ${signal.server ?? '?'}: fetch failed for ${JSON.stringify(failure.url)}: not a probeable host; not probed`);
      return;
    }
    const last = this.lastShown.get(where);
    if (this.probing.has(where) || (last !== undefined && Date.now() - last < QUIET_MS)) return;
    // Whatever the probe says, the same host is not probed again for a while (a retrying client logs fast).
    this.lastShown.set(where, Date.now());
    this.probing.add(where);
    let report: ChainReport;
    try {
      this.logger.info(`remote ${signal.server ?? '?'}: fetch failed for ${failure.url}; probing ${where}`);
      report = await this.analysis.analyze(failure.host, failure.port);
    } catch (error) {
      this.logger.info(`remote ${where}: probe failed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    } finally {
      this.probing.delete(where);
    }
    if (!interceptionRoot(report) || !report.root) {
      this.logger.info(`remote ${where}: ${report.verdict}: not a CA the host could trust`);
      return;
    }
    const name = markdownSafe(signal.server ?? vscode.l10n.t('An MCP server'));
    const message = vscode.l10n.t('{0} (remote) fails: TLS to {1} is re-signed by {2}. Trust belongs to {3}.', name, markdownSafe(where), markdownSafe(report.root.subject), vscode.env.appName);
    this.logger.info(`notify: ${message}`);
    const fix = vscode.l10n.t('Fix');
    const choice = await vscode.window.showWarningMessage(message, fix);
    if (choice !== fix) return;
    try {
      await this.fix(report, signal.server);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      this.logger.warn(`remote trust fix failed: ${text}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('MCP SSL fix failed: {0}', text));
    }
  }

  /**
   * The shared host-level fix (core/usecases/hostLevel.ts runHostLevelFix): plan → a handshake trusting
   * only the new bundle → this modal (subject, SHA-256, the steps) → write → apply, the settings through
   * the editor's API. A failed OS-store step stops it: no setting is changed after it.
   */
  async fix(report: ChainReport, server?: string): Promise<void> {
    const root = report.root;
    if (!root) return;
    const appName = vscode.env.appName;
    const uc = useCases();
    const request = uc.hostLevelRequestOf(report, {
      hostApp: editorHostApp(appName),
      home: os.homedir(),
      // The modal below warns about a root no store knows before the person can say yes.
      trustUnknown: report.verdict === 'untrusted',
      availableSettings: availableSystemCertificateSettings(),
      env: process.env,
    });
    const record: HostTrustRecord = { at: Date.now(), host: `${report.host}:${report.port}`, settings: [] };
    const config = vscode.workspace.getConfiguration();
    const confirmRoot = async (question: HostLevelQuestion): Promise<boolean> => {
      const steps = question.plan.steps;
      const settings = steps.filter((step): step is Extract<HostTrustStep, { kind: 'editor-setting' }> => step.kind === 'editor-setting');
      const osStore = steps.find((step): step is OsStoreStep => step.kind === 'os-store');
      const lines = [
        vscode.l10n.t('Subject: {0}', question.root.subject),
        vscode.l10n.t('SHA-256: {0}', question.root.sha256),
        '',
        ...settings.map((step) => vscode.l10n.t('User setting: "{0}": true', step.key)),
        ...(osStore ? [osStore.runsHere ? vscode.l10n.t('Add the CA to your OS trust store: {0}', osStore.command) : vscode.l10n.t('An administrator adds the CA to the system store: {0}', osStore.command)] : []),
      ];
      const message =
        question.trustedBy === null
          ? vscode.l10n.t('"{0}" is a CA that no trust store knows: this may be an attack rather than your company\'s proxy. Trust it in {1} only if IT confirms this fingerprint.', question.root.subject, appName)
          : vscode.l10n.t('Trust this CA in {0} for remote MCP servers?', appName);
      const trust = vscode.l10n.t('Trust in {0}', appName);
      return (await vscode.window.showWarningMessage(message, { modal: true, detail: lines.join('\n') }, trust)) === trust;
    };
    // User settings through the editor's API (these settings are read from user scope only).
    const writeEditorSettings = async (steps: EditorSettingStep[]): Promise<StepOutcome[]> => {
      const outcomes: StepOutcome[] = [];
      for (const step of steps) {
        const before = config.inspect<boolean>(step.key)?.globalValue;
        if (before === true) {
          outcomes.push('unchanged');
          continue;
        }
        await config.update(step.key, true, vscode.ConfigurationTarget.Global);
        record.settings.push({ key: step.key, before });
        this.logger.info(`set user setting ${step.key}: true (was ${String(before)})`);
        outcomes.push('changed');
      }
      return outcomes;
    };
    const outcome = await uc.runHostLevelFix({
      ...request,
      servers: server ? [server] : [],
      proof: { target: { host: report.host, port: report.port }, verify: (pem) => this.analysis.verify(report.host, report.port, pem) },
      // The modal named the store step and its command: its yes covers that step.
      hooks: { confirmRoot, confirmOsStore: async () => true },
      writeEditorSettings,
    });
    switch (outcome.status) {
      case 'proof-failed':
        void vscode.window.showErrorMessage(vscode.l10n.t('Nothing was changed: a handshake with {0} trusting only this CA failed ({1}).', markdownSafe(`${report.host}:${report.port}`), markdownSafe(outcome.proofError ?? '')));
        return;
      case 'declined':
      case 'planned':
        return;
      case 'os-store-failed': {
        // Without the root in the store the settings alone do not help: nothing more was changed.
        const failed = outcome.applied?.steps.find((step) => step.outcome === 'failed');
        void vscode.window.showErrorMessage(vscode.l10n.t('Adding the CA to the OS store failed: {0}', failed?.detail ?? ''));
        return;
      }
      case 'applied':
        break;
    }
    for (const { step, outcome: done } of outcome.applied?.steps ?? []) {
      if (step.kind === 'os-store' && done === 'ran') record.osStore = step;
      if (step.kind === 'os-store' && !step.runsHere) {
        const copy = vscode.l10n.t('Copy command');
        void vscode.window.showInformationMessage(vscode.l10n.t('There is no per-user trust store on Linux: an administrator runs {0}', step.command), copy).then(async (picked) => {
          if (picked === copy) await vscode.env.clipboard.writeText(step.command);
        });
      }
      if (step.kind === 'editor-process-env') {
        void vscode.window.showInformationMessage(vscode.l10n.t('Until the CA is in the system store, start {0} with {1}={2} in its environment.', appName, step.variable, step.value));
      }
    }
    if (record.settings.length > 0 || record.osStore) await this.state.update(KEY, [record, ...this.state.get<HostTrustRecord[]>(KEY, [])].slice(0, 20));
    const reload = vscode.l10n.t('Reload Window');
    const done = await vscode.window.showInformationMessage(vscode.l10n.t('{0} now trusts "{1}" for remote MCP servers. Reload the window so it reconnects.', appName, root.subject), reload);
    if (done === reload) await vscode.commands.executeCommand('workbench.action.reloadWindow');
  }

  /** Takes back the last host-level change: the settings as they were, the root out of the store. */
  async undo(): Promise<void> {
    const [last, ...rest] = this.state.get<HostTrustRecord[]>(KEY, []);
    if (!last) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No remote server trust change to undo.'));
      return;
    }
    const config = vscode.workspace.getConfiguration();
    for (const { key, before } of last.settings) await config.update(key, before, vscode.ConfigurationTarget.Global);
    if (last.osStore) await useCases().undoOsStore(last.osStore, { confirmed: true });
    await this.state.update(KEY, rest);
    this.logger.info(`undid host trust for ${last.host}: ${last.settings.map((s) => s.key).join(', ')}`);
    void vscode.window.showInformationMessage(vscode.l10n.t('Remote server trust for {0} taken back. Reload the window.', last.host));
  }

  dispose(): void {
    this.lastShown.clear();
  }
}
