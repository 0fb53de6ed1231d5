import * as vscode from 'vscode';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Assessment } from '../core/assess/assess';
import type { InventoryWarning } from '../core/config/inventory';
import type { McpServer } from '../core/model/server';
import type { Logger } from '../core/types';
import { useCases } from './lazyUseCases';
import { commonName } from './verdictText';

/** One MCP server as configured somewhere, with VS Code's id for it (to restart it). */
export interface ServerEntry extends McpServer {
  /** VS Code's definition id (for the restart command), when the file is one VS Code reads. */
  definitionId: string | null;
}

/**
 * VS Code's id of a server defined in a file it reads: `.vscode/mcp.json` of folder N is
 * `mcp.config.wsN.<name>`, the user's `mcp.json` `mcp.config.usrlocal.<name>`, a root
 * `.mcp.json` `workspace-dot-mcp.N.<name>` (docs/research/editors-and-mcp-hosts.md).
 */
export function definitionIdFor(configPath: string, name: string, folders: string[]): string | null {
  const normalized = path.resolve(configPath);
  for (const [index, folder] of folders.entries()) {
    if (normalized === path.join(folder, '.vscode', 'mcp.json')) return `mcp.config.ws${index}.${name}`;
    if (normalized === path.join(folder, '.mcp.json')) return `workspace-dot-mcp.${index}.${name}`;
  }
  if (/[\\/]User[\\/](profiles[\\/][^\\/]+[\\/])?mcp\.json$/.test(normalized)) return `mcp.config.usrlocal.${name}`;
  return null;
}

/** Every server of every config found for this window: workspace folders first, then the user's. */
export async function listServers(folders: string[], logger: Logger): Promise<ServerEntry[]> {
  const core = useCases();
  const refs = await core.discoverConfigRefs({ workspaceFolders: folders, home: os.homedir(), platform: process.platform, env: process.env });
  const inventory = await core.readInventory(refs);
  for (const { config, message } of inventory.unreadable) logger.warn(`cannot read ${config.path}: ${message}`);
  for (const warning of inventory.warnings) logger.warn(`${warning.config.path}: ${warningText(warning)}`);
  const listing = inventory.servers.map((server) => ({ ...server, definitionId: definitionIdFor(server.config.path, server.name, folders) }));
  // The picker lists them too (under "Cannot be fixed here"), without changing what callers get.
  listingWarnings.set(listing, inventory.warnings);
  return listing;
}

const listingWarnings = new WeakMap<ServerEntry[], InventoryWarning[]>();

/** A config's entry or key that no host starts, in the user's language. */
export function warningText({ detail }: InventoryWarning): string {
  const at = `${detail.line}:${detail.column}`;
  switch (detail.code) {
    case 'entry-not-object':
      return vscode.l10n.t('"{0}" (line {1}): a server entry must be an object with "command" or "url", not JSON {2}; no host can start it; left alone', detail.server, at, detail.found);
    case 'env-not-object':
      return vscode.l10n.t('"{0}": its "env" (line {1}) must be an object, not JSON {2}: make it an empty object or remove it; left alone', detail.server, at, detail.found);
    case 'ignored-servers-key':
      return vscode.l10n.t('"{0}" (line {1}) is ignored: the host of this file reads only "{2}"; its servers never start and are not fixed', detail.key, at, detail.used);
  }
}

interface ServerItem extends vscode.QuickPickItem {
  entry?: ServerEntry;
}

/** What each server will meet, as one line of the picker (from its assessment, core/assess/assess.ts). */
export function pickerNotes(assessments: readonly Assessment<ServerEntry>[]): Map<ServerEntry, string> {
  const notes = new Map<ServerEntry, string>();
  for (const assessment of assessments) {
    const where = assessment.target ? `${assessment.target.host}:${assessment.target.port}` : '';
    const root = assessment.root ? commonName(assessment.root.subject) : '';
    let note: string;
    switch (assessment.reason) {
      case 'probe-failed':
        note = vscode.l10n.t('could not analyse {0}', where);
        break;
      case 'trusts-root':
        note = vscode.l10n.t('already trusts "{0}"', root);
        break;
      case 'proxy-dropped':
        note = vscode.l10n.t('will fail: its host does not pass on the proxy {0}; Fix adds it beside the CA', assessment.droppedProxy?.url ?? '?');
        break;
      case 'out-of-reach':
        note = vscode.l10n.t('runs where its env never reaches (a container): the CA goes into the container itself');
        break;
      case 'bundle-stale':
        note =
          assessment.staleBundle?.stale === 'public-roots'
            ? vscode.l10n.t('its bundle from mcp-ssl-doctor has older public roots: Fix renews it')
            : vscode.l10n.t('will fail: its bundle from mcp-ssl-doctor lacks the renewed "{0}": Fix renews it', root);
        break;
      case 'root-not-trusted':
      case 'log-failure':
        note = vscode.l10n.t('will fail: does not trust "{0}"', root);
        break;
      case 'unknown-root':
        note = vscode.l10n.t('meets "{0}", a CA no trust store knows: check with IT before trusting it', root);
        break;
      case 'strict-python':
        note = vscode.l10n.t('its Python rejects "{0}" under strict X.509 rules (3.13+): trusting it will not help', root);
        break;
      case 'public-root':
        note = vscode.l10n.t('nothing intercepts {0}', where);
        break;
      default:
        continue;
    }
    notes.set(assessment.server, note);
  }
  return notes;
}

/**
 * Pick one or more servers to fix; remote servers are listed with the reason they cannot be. With
 * `preselect`, exactly those come selected (the servers that need a root the OS store trusts).
 */
export async function pickServers(entries: ServerEntry[], options: { preselect?: ServerEntry[]; notes?: Map<ServerEntry, string> } = {}): Promise<ServerEntry[] | undefined> {
  if (entries.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('No MCP server configuration was found in this workspace or your user settings (.vscode/mcp.json, .cursor/mcp.json, .mcp.json, …).'),
    );
    return undefined;
  }
  const items: ServerItem[] = [];
  let lastConfig = '';
  const stdio = entries.filter((candidate) => candidate.transport === 'stdio');
  for (const entry of stdio) {
    if (entry.config.path !== lastConfig) {
      items.push({ label: vscode.workspace.asRelativePath(entry.config.path), kind: vscode.QuickPickItemKind.Separator });
      lastConfig = entry.config.path;
    }
    items.push({
      label: entry.name,
      description: `${entry.runtime} · ${[entry.command, ...entry.args].join(' ')}`.slice(0, 120),
      detail: [options.notes?.get(entry), entry.caVariables.length > 0 ? vscode.l10n.t('already sets {0}', entry.caVariables.join(', ')) : undefined].filter(Boolean).join(' · ') || undefined,
      picked: options.preselect ? options.preselect.includes(entry) : stdio.length === 1,
      entry,
    });
  }
  const remote = entries.filter((candidate) => candidate.transport !== 'stdio');
  const invalid = listingWarnings.get(entries) ?? [];
  if (remote.length > 0 || invalid.length > 0) {
    items.push({ label: vscode.l10n.t('Cannot be fixed here'), kind: vscode.QuickPickItemKind.Separator });
    for (const entry of remote) {
      items.push({
        label: `$(circle-slash) ${entry.name}`,
        description: vscode.l10n.t('remote server: the editor itself connects, so its env cannot help; trust the CA in the OS store and enable http.systemCertificates'),
      });
    }
    for (const warning of invalid) {
      items.push({
        label: `$(warning) ${'server' in warning.detail ? warning.detail.server : warning.detail.key}`,
        description: warningText(warning),
        detail: vscode.workspace.asRelativePath(warning.config.path),
      });
    }
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Fix MCP SSL'),
    placeHolder: vscode.l10n.t('Pick the MCP servers to point at the corporate CA'),
    canPickMany: true,
    matchOnDescription: true,
  });
  if (picked && picked.length === 0) void vscode.window.showInformationMessage(vscode.l10n.t('No server was selected: nothing was changed.'));
  return picked?.map((item) => item.entry).filter((entry): entry is ServerEntry => entry !== undefined);
}
