import * as vscode from 'vscode';
import type { Logger } from '../core/types';
import type { ServerEntry } from './servers';

const RESTART_COMMAND = 'workbench.mcp.restartServer';
/** Measured in code-server 1.139: a restart within a second of the write still used the old env; three seconds later the new one. */
const REREAD_FALLBACK_MS = 3500;

interface McpLm {
  onDidChangeMcpServerDefinitions?: vscode.Event<void>;
}

export function isCursor(): boolean {
  return /cursor/i.test(vscode.env.appName);
}

/**
 * Resolves once the editor has re-read the MCP config after our write: on
 * `lm.onDidChangeMcpServerDefinitions` where the editor has it (proposed API, feature-detected),
 * else after a measured delay. Start it right after writing.
 */
export function configReread(): Promise<void> {
  const event = (vscode.lm as unknown as McpLm).onDidChangeMcpServerDefinitions;
  return new Promise((resolve) => {
    const timer = setTimeout(done, event ? REREAD_FALLBACK_MS * 2 : REREAD_FALLBACK_MS);
    const subscription = event?.(() => done());
    function done(): void {
      clearTimeout(timer);
      subscription?.dispose();
      resolve();
    }
  });
}

/**
 * Restarts a server so it reads its new env. VS Code's autostart skips a server in the Error
 * state, so we do it; the command is internal, so it is feature-detected. Cursor does not retry a
 * failed server within a session: the user toggles it.
 */
export async function restartServer(server: ServerEntry, logger: Logger, reread?: Promise<void>): Promise<boolean> {
  if (isCursor()) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Cursor does not retry a failed MCP server: turn {0} off and on again in Cursor Settings → MCP.', server.name),
    );
    return false;
  }
  const available = (await vscode.commands.getCommands(true)).includes(RESTART_COMMAND);
  if (!available || !server.definitionId) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Restart {0} to apply the fix: run "MCP: List Servers", pick it, then "Restart Server".', server.name),
    );
    return false;
  }
  await (reread ?? Promise.resolve());
  try {
    await vscode.commands.executeCommand(RESTART_COMMAND, server.definitionId, { autoTrustChanges: true });
    logger.info(`restarted ${server.definitionId}`);
    return true;
  } catch (error) {
    logger.warn(`restart of ${server.definitionId} failed: ${error instanceof Error ? error.message : String(error)}`);
    void vscode.window.showWarningMessage(
      vscode.l10n.t('Could not restart {0}; restart it from "MCP: List Servers".', server.name),
    );
    return false;
  }
}
