import * as vscode from 'vscode';
import { ChainAnalysis } from './analysis';
import { ChainView } from './chainView';
import { registerCommands } from './commands';
import { McpConfigPresence } from './configPresence';
import { FixFlow } from './fixFlow';
import { createLogger } from './log';
import { LogWatcher } from './logWatcher';
import { FindingNotifier } from './notifier';
import { registerEditorDoctor } from './lazyEditorDoctor';
import { keepVerdicts, Preflight } from './preflight';
import type { RemoteTrust } from './remoteTrust';
import { remoteTrustModule } from './lazyRemoteTrust';
import { Settings } from './settings';
import { TlsStatusItem } from './statusBar';
import { UndoStore } from './undoStore';
import { VerdictCache } from './verdictCache';

/** Wiring only: builds the services, hands every disposable to the context. */
export function activate(context: vscode.ExtensionContext): void {
  const started = Date.now();
  const { channel, logger } = createLogger();
  const settings = new Settings();
  const analysis = new ChainAnalysis(context.asAbsolutePath('dist/worker.js'), settings, logger);
  const status = new TlsStatusItem(logger);
  // <userData>/User/globalStorage/<id> → <userData>/User/mcp.json
  const presence = new McpConfigPresence(vscode.Uri.joinPath(context.globalStorageUri, '..', '..', 'mcp.json'), logger);
  const undo = new UndoStore(context.globalState);
  const fixFlow = new FixFlow(analysis, settings, undo, logger, status);
  const chainView = new ChainView(context.extensionUri, {
    fix: (report) => void fixFlow.run({ report }),
    reanalyze: (host, port) => void fixFlow.showChain(host, port),
  });
  fixFlow.attachView(chainView);
  const watcher = new LogWatcher(context.logUri, settings, logger);
  fixFlow.attachLogs(watcher);
  const notifier = new FindingNotifier(settings, fixFlow, logger);
  const preflight = new Preflight(analysis, settings, notifier, logger, new VerdictCache(context.globalState));
  // The remote-server flow loads on its first use: a `fetch failed` line, or its Undo command.
  let remoteTrust: RemoteTrust | undefined;
  const remote = (): RemoteTrust => (remoteTrust ??= new (remoteTrustModule().RemoteTrust)(analysis, context.globalState, logger));

  context.subscriptions.push(
    channel,
    settings,
    analysis,
    status,
    chainView,
    watcher,
    analysis.onDidReport((report) => status.showReport(report)),
    watcher.onDidFind((finding) => notifier.onFinding(finding)),
    watcher.onDidFind((finding) => status.showFinding(finding)),
    { dispose: () => remoteTrust?.dispose() },
    watcher.onDidSignal((signal) => {
      if (signal.reason === 'fetch-failed') void remote().onSignal(signal);
    }),
    vscode.commands.registerCommand('mcpSslDoctor.undoRemoteTrust', () => remote().undo()),
    // A failure in a log outdates what preflight kept about its host: probe it again.
    watcher.onDidFind((finding) => {
      if (finding.host) preflight.refresh(finding.host, finding.port ?? undefined);
    }),
    keepVerdicts(analysis, preflight.cache),
    presence,
    presence.onDidChange((config) => status.setConfig(config)),
    preflight,
    ...registerCommands({ fixFlow, channel }),
    ...registerEditorDoctor({ analysis, settings, logger, cache: preflight.cache, fixFlow, undoStore: undo }, watcher),
    settings.onDidChange(() => {
      if (settings.autoDetect) {
        watcher.refresh();
        watcher.start();
      } else watcher.stop();
    }),
  );

  if (settings.autoDetect) watcher.start();
  presence.start();
  preflight.start();
  logger.info(`activated in ${Date.now() - started} ms (${vscode.env.appName} ${vscode.version}, Node ${process.versions.node}, workspace ${vscode.workspace.isTrusted ? 'trusted' : 'untrusted'})`);
}

export function deactivate(): void {}
