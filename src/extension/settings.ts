import * as vscode from 'vscode';

export type BundleMode = 'combined' | 'ca-only';

/** Typed view of the `mcpSslDoctor.*` settings, re-read when they change. */
export class Settings implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('mcpSslDoctor') || event.affectsConfiguration('http.proxy')) this.changed.fire();
    });
  }

  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('mcpSslDoctor');
  }

  get autoDetect(): boolean {
    return this.section.get<boolean>('autoDetect', true);
  }

  get preflight(): boolean {
    return this.section.get<boolean>('preflight', true);
  }

  /** Empty: by runtime (pypi.org for Python servers, registry.npmjs.org for Node servers). */
  get probeHost(): string {
    return this.section.get<string>('probeHost', '').trim();
  }

  /** Bundle, or the server's runtime's own OS store where it reads it (core/runtime/systemCa.ts). */
  get trustMode(): 'auto' | 'bundle' | 'os-store' {
    const value = this.section.get<string>('trustMode', 'auto');
    return value === 'bundle' || value === 'os-store' ? value : 'auto';
  }

  get bundleMode(): BundleMode {
    return this.section.get<BundleMode>('bundleMode', 'combined') === 'ca-only' ? 'ca-only' : 'combined';
  }

  /**
   * Settings that choose files to read or trust are taken from the user's settings only: a
   * workspace must not be able to make its own CA look like the OS store's.
   */
  private userValue<T>(key: string): T | undefined {
    return this.section.inspect<T>(key)?.globalValue;
  }

  get logPaths(): string[] {
    return (this.userValue<string[]>('logPaths') ?? []).filter((entry) => typeof entry === 'string' && entry.trim() !== '');
  }

  get ignoredServers(): string[] {
    return this.section.get<string[]>('ignoredServers', []);
  }

  /** A PEM file that stands in for the OS store (tests and administrators). */
  get systemCaFile(): string | undefined {
    return this.userValue<string>('systemCaFile')?.trim() || undefined;
  }

  get bundleDirectory(): string | undefined {
    return this.userValue<string>('bundleDirectory')?.trim() || undefined;
  }

  /** The editor's own proxy setting, passed to the probe; undefined means "from the environment". */
  get editorProxy(): string | undefined {
    return vscode.workspace.getConfiguration('http').get<string>('proxy', '').trim() || undefined;
  }

  async ignoreServer(name: string): Promise<void> {
    const current = this.ignoredServers;
    if (!current.includes(name)) {
      await this.section.update('ignoredServers', [...current, name], vscode.ConfigurationTarget.Global);
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
