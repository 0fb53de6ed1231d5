// A stand-in for the `vscode` module, enough to load and activate dist/extension.js in plain
// Node: for the activation benchmark and for timing the extension's own flows. It records what
// the extension shows; it is not a test double for behaviour (the real-editor suite is).
import Module from 'node:module';
import * as path from 'node:path';

type Listener<T> = (value: T) => unknown;

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  event = (listener: Listener<T>) => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(value: T): void {
    for (const listener of this.listeners) listener(value);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export interface Shown {
  level: 'info' | 'warning' | 'error';
  message: string;
  actions: string[];
  at: number;
}

export interface StandIn {
  api: Record<string, unknown>;
  shown: Shown[];
  /** Answers to messages: returns the action to choose (or undefined to dismiss). */
  answer: (shown: Shown) => string | undefined;
  settings: Record<string, unknown>;
  commands: Map<string, (...args: unknown[]) => unknown>;
  onShow: EventEmitter<Shown>;
}

const noop = () => undefined;
const disposable = { dispose: noop };

export function createStandIn(options: { workspaceFolders?: string[]; settings?: Record<string, unknown> } = {}): StandIn {
  const onShow = new EventEmitter<Shown>();
  const state: StandIn = {
    api: {},
    shown: [],
    answer: () => undefined,
    settings: options.settings ?? {},
    commands: new Map(),
    onShow,
  };
  const show = (level: Shown['level']) => async (message: string, ...rest: unknown[]) => {
    const actions = rest.filter((item): item is string => typeof item === 'string');
    const shown: Shown = { level, message, actions, at: performance.now() };
    state.shown.push(shown);
    onShow.fire(shown);
    return state.answer(shown);
  };
  class Uri {
    constructor(readonly scheme: string, readonly fsPath: string) {}
    static file(fsPath: string): Uri {
      return new Uri('file', fsPath);
    }
    static joinPath(base: Uri, ...parts: string[]): Uri {
      return new Uri(base.scheme, path.join(base.fsPath, ...parts));
    }
    get path(): string {
      return this.fsPath;
    }
    toString(): string {
      return `${this.scheme}://${this.fsPath}`;
    }
  }
  class RelativePattern {
    constructor(
      readonly base: unknown,
      readonly pattern: string,
    ) {}
  }
  const print = process.env.MCP_SSL_DOCTOR_STANDIN_LOG ? (message: string) => process.stderr.write(`[standin] ${message}\n`) : noop;
  const channel = { info: print, warn: print, error: print, debug: noop, trace: noop, show: noop, dispose: noop, appendLine: print };
  state.api = {
    EventEmitter,
    Uri,
    RelativePattern,
    ThemeColor: class {},
    ThemeIcon: class {},
    MarkdownString: class {
      value = '';
      appendMarkdown(text: string) {
        this.value += text;
        return this;
      }
      appendText(text: string) {
        this.value += text;
        return this;
      }
    },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ProgressLocation: { Notification: 15, Window: 10 },
    ConfigurationTarget: { Global: 1, Workspace: 2 },
    QuickPickItemKind: { Separator: -1, Default: 0 },
    ViewColumn: { Active: -1 },
    version: '1.99.0-standin',
    env: { appName: 'Visual Studio Code', language: 'en', clipboard: { writeText: async () => undefined } },
    l10n: { t: (message: string, ...args: unknown[]) => message.replace(/\{(\d+)\}/g, (_m, i: string) => String(args[Number(i)])) },
    lm: {},
    window: {
      createOutputChannel: () => channel,
      createStatusBarItem: () => ({ show: noop, hide: noop, dispose: noop }),
      showInformationMessage: show('info'),
      showWarningMessage: show('warning'),
      showErrorMessage: show('error'),
      withProgress: async (_options: unknown, task: (progress: unknown, token: unknown) => Promise<unknown>) =>
        task({ report: noop }, { isCancellationRequested: false, onCancellationRequested: () => disposable }),
      showQuickPick: async () => undefined,
      showInputBox: async () => undefined,
      showTextDocument: async () => undefined,
      createWebviewPanel: () => {
        throw new Error('no webviews in the stand-in');
      },
      registerWebviewPanelSerializer: () => disposable,
      createTreeView: () => ({ dispose: noop, message: undefined, badge: undefined, description: undefined }),
      onDidChangeWindowState: () => disposable,
    },
    workspace: {
      workspaceFolders: (options.workspaceFolders ?? []).map((folder, index) => ({ uri: Uri.file(folder), index, name: path.basename(folder) })),
      isTrusted: true,
      getConfiguration: (section: string) => ({
        get: (key: string, fallback: unknown) => state.settings[`${section}.${key}`] ?? fallback,
        // Every stand-in setting counts as the user's own.
        inspect: (key: string) => ({ key, globalValue: state.settings[`${section}.${key}`] }),
        update: async (key: string, value: unknown) => {
          state.settings[`${section}.${key}`] = value;
        },
      }),
      onDidChangeConfiguration: () => disposable,
      onDidChangeWorkspaceFolders: () => disposable,
      textDocuments: [],
      onDidOpenTextDocument: () => disposable,
      onDidChangeTextDocument: () => disposable,
      onDidCloseTextDocument: () => disposable,
      createFileSystemWatcher: () => ({ onDidChange: () => disposable, onDidCreate: () => disposable, onDidDelete: () => disposable, dispose: noop }),
      asRelativePath: (value: string) => value,
      findFiles: async () => [],
      fs: {},
    },
    commands: {
      registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
        state.commands.set(id, handler);
        return disposable;
      },
      getCommands: async () => [...state.commands.keys()],
      executeCommand: async (id: string, ...args: unknown[]) => state.commands.get(id)?.(...args),
    },
  };
  return state;
}

/** Makes `require('vscode')` return the stand-in's API. */
export function installStandIn(standIn: StandIn): () => void {
  const moduleWithLoad = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
  const original = moduleWithLoad._load;
  moduleWithLoad._load = function load(request, parent, isMain) {
    if (request === 'vscode') return standIn.api;
    return original.call(this, request, parent, isMain);
  };
  return () => {
    moduleWithLoad._load = original;
  };
}

/** A minimal ExtensionContext rooted at the repository. */
export function fakeContext(root: string, logFolder: string): Record<string, unknown> {
  const Uri = (createStandIn().api as { Uri: { file(p: string): unknown } }).Uri;
  const store = new Map<string, unknown>();
  return {
    subscriptions: [] as { dispose(): void }[],
    extensionUri: Uri.file(root),
    extensionPath: root,
    asAbsolutePath: (relative: string) => path.join(root, relative),
    logUri: Uri.file(logFolder),
    globalStorageUri: Uri.file(path.join(logFolder, 'globalStorage', 'mcp-ssl-doctor.mcp-ssl-doctor')),
    globalState: { get: (key: string, fallback: unknown) => store.get(key) ?? fallback, update: async (key: string, value: unknown) => void store.set(key, value), keys: () => [...store.keys()] },
  };
}
