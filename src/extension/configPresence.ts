import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Logger } from '../core/types';
import { USER_LOCATIONS, WORKSPACE_LOCATIONS } from '../core/hosts/locations';

/**
 * The workspace MCP configs of every host (core/hosts/locations.ts WORKSPACE_LOCATIONS, the one
 * list), as a glob. Preflight's watcher uses the same glob.
 */
export const WORKSPACE_CONFIG_GLOB = `{${WORKSPACE_LOCATIONS.map((row) => `**/${row.path.join('/')}`).join(',')}}`;
/**
 * Their folders: a folder created (or deleted) with the config in it is reported as the folder
 * alone (measured in code-server 4.139.1: `mkdir .cursor && write .cursor/mcp.json` fired nothing
 * for the config glob).
 */
const WORKSPACE_CONFIG_FOLDERS_GLOB = `{${[
  ...new Set(WORKSPACE_LOCATIONS.flatMap((row) => row.path.slice(0, -1).map((_, index) => `**/${row.path.slice(0, index + 1).join('/')}`))),
].join(',')}}`;
const RECHECK_MS = 1000;

/** The minimal part of VS Code 1.101+'s `vscode.lm` MCP API this uses (absent in older builds and Cursor). */
interface McpDefinitionsApi {
  mcpServerDefinitions?: readonly unknown[];
  onDidChangeMcpServerDefinitions?: vscode.Event<void>;
}

/**
 * Whether this window has anything MCP to look after: a workspace MCP config, a user config of this
 * editor (`User/mcp.json`) or of a host that keeps it under home (`~/.cursor/mcp.json`, ...), or an
 * MCP server the editor itself knows of. The status item shows only then (VS Code's guidance:
 * status bar items are contextual).
 */
export class McpConfigPresence implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  /** Fires with where a config was found (for the log), or undefined when there is none. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private timer: NodeJS.Timeout | undefined;
  private current: string | undefined | null = null;

  constructor(
    /** This editor's user `mcp.json` (`<userData>/User/mcp.json`). */
    private readonly userConfig: vscode.Uri,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const watcher = vscode.workspace.createFileSystemWatcher(WORKSPACE_CONFIG_GLOB, false, true, false);
    const folderWatcher = vscode.workspace.createFileSystemWatcher(WORKSPACE_CONFIG_FOLDERS_GLOB, false, true, false);
    const userWatcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(this.userConfig, '..'), path.basename(this.userConfig.path)), false, true, false);
    const lm = (vscode as unknown as { lm?: McpDefinitionsApi }).lm;
    this.disposables.push(
      watcher,
      watcher.onDidCreate(() => this.schedule()),
      watcher.onDidDelete(() => this.schedule()),
      folderWatcher,
      folderWatcher.onDidCreate(() => this.schedule()),
      folderWatcher.onDidDelete(() => this.schedule()),
      userWatcher,
      userWatcher.onDidCreate(() => this.schedule()),
      userWatcher.onDidDelete(() => this.schedule()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.schedule()),
      // Configs under home are not watched: look again when the user comes back to the window.
      vscode.window.onDidChangeWindowState((state) => state.focused && this.schedule()),
      ...(lm?.onDidChangeMcpServerDefinitions ? [lm.onDidChangeMcpServerDefinitions(() => this.schedule())] : []),
    );
    void this.check();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), RECHECK_MS);
  }

  /** Where an MCP config is, or undefined; fires onDidChange when the answer changed. */
  async check(): Promise<string | undefined> {
    let found: string | undefined;
    try {
      found = await this.find();
    } catch (error) {
      this.logger.warn(`looking for MCP configs: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (found !== this.current) {
      this.current = found;
      this.changed.fire(found);
    }
    return found;
  }

  private async find(): Promise<string | undefined> {
    if ((vscode.workspace.workspaceFolders ?? []).length > 0) {
      const [file] = await vscode.workspace.findFiles(WORKSPACE_CONFIG_GLOB, '**/node_modules/**', 1);
      if (file) return vscode.workspace.asRelativePath(file);
    }
    if (await exists(() => vscode.workspace.fs.stat(this.userConfig))) return this.userConfig.fsPath;
    const home = os.homedir();
    for (const row of USER_LOCATIONS) {
      if (row.base !== 'home' || row.path.includes('*')) continue;
      const file = path.join(home, ...row.path);
      if (await exists(() => fs.stat(file))) return file;
    }
    const definitions = (vscode as unknown as { lm?: McpDefinitionsApi }).lm?.mcpServerDefinitions;
    if (definitions && definitions.length > 0) return `${definitions.length} MCP server definitions of the editor`;
    return undefined;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const disposable of this.disposables) disposable.dispose();
  }
}

async function exists(stat: () => Thenable<unknown>): Promise<boolean> {
  try {
    await stat();
    return true;
  } catch {
    return false;
  }
}
