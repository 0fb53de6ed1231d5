// A remote window (dev container, Remote-SSH, WSL): the extension runs on the remote side, whose
// stores lack the laptop's root. The UI-side companion (src/companion) answers for the local OS
// store, one SHA-256 at a time, through a command that crosses the remote boundary; a root it holds
// is fixed like an OS-trusted one (policy reason `local-store`). For a dev container, the durable fix
// in devcontainer.json (core/fix/devcontainer.ts) is offered too, confirmed, journaled, undoable.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { useCases } from './lazyUseCases';
import { CA_VARIABLES } from '../core/runtime/variables';
import { describeError, type Logger } from '../core/types';
import { commonNameOf, markdownSafe } from '../core/text';

const HOLDS = 'mcpSslDoctorLocal.storeHolds';
const WRITE_BUNDLE = 'mcpSslDoctorLocal.writeBundle';

export interface LocalStoreTrust {
  sha256: string;
  /** The subject the local store's root has. */
  subject?: string;
}

interface CompanionAnswer {
  holds?: unknown;
  subject?: unknown;
  side?: unknown;
}

/** An answer counts only from the local side; `testSeam` (localStoreLazy.ts) stands in for that in code-server, which has no local side. */
function fromLocalSide(side: unknown, testSeam: boolean): boolean {
  return side === 'ui' || (side === 'workspace' && testSeam);
}

/** Asks the companion whether the local OS store holds this root; undefined when it does not, or there is no companion. */
export async function askLocalStore(sha256: string, logger: Logger, testSeam: boolean): Promise<LocalStoreTrust | undefined> {
  let answer: CompanionAnswer | undefined;
  try {
    answer = await vscode.commands.executeCommand<CompanionAnswer | undefined>(HOLDS, sha256);
  } catch (error) {
    logger.info(`local store: no answer for ${sha256} (${describeError(error)}); the companion mcp-ssl-doctor-local is not installed on the local side`);
    return undefined;
  }
  if (!answer || !fromLocalSide(answer.side, testSeam)) {
    logger.info(`local store: the companion's answer does not come from the local side (${String(answer?.side)}); not used`);
    return undefined;
  }
  logger.info(`local store: ${answer.holds === true ? 'holds' : 'does not hold'} ${sha256}`);
  if (answer.holds !== true) return undefined;
  return { sha256, ...(typeof answer.subject === 'string' ? { subject: answer.subject } : {}) };
}

/** The dev container's devcontainer.json in a workspace folder, when this window is one. */
export async function devcontainerFile(remoteName: string | undefined): Promise<string | undefined> {
  if (remoteName !== 'dev-container') return undefined;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const file = path.join(folder.uri.fsPath, '.devcontainer', 'devcontainer.json');
    try {
      await vscode.workspace.fs.stat(vscode.Uri.file(file));
      return file;
    } catch {
      // not this folder
    }
  }
  return undefined;
}

/** The CA variables a fix wrote (proxy variables and switches stay out of containerEnv). */
export function caVariablesOf(envs: Record<string, string>[]): string[] {
  return [...new Set(envs.flatMap((env) => Object.keys(env)))].filter((name) => (CA_VARIABLES as readonly string[]).includes(name)).sort();
}

/** Offers the durable fix in devcontainer.json for a root the local store holds; the user confirms in a modal. */
export async function offerDevcontainerFix(file: string, root: { subject: string; sha256: string }, variables: string[], logger: Logger, testSeam: boolean): Promise<void> {
  if (variables.length === 0) return;
  const relative = vscode.workspace.asRelativePath(file);
  const add = vscode.l10n.t('Add to devcontainer.json');
  const choice = await vscode.window.showInformationMessage(
    vscode.l10n.t('Keep "{0}" trusted when the dev container is rebuilt?', commonNameOf(root.subject)),
    {
      modal: true,
      detail: vscode.l10n.t(
        'The fix above lives in this container only. {0} can also get:\n\n• mounts: the CA bundle from your local machine (written there from its OS store: ~/.mcp-ssl-doctor/remote-ca/), read-only at {1}\n• containerEnv: {2}\n\nRebuild the container for it to take effect. Undo takes it back.',
        relative,
        useCases().DEVCONTAINER_BUNDLE_TARGET,
        variables.map((name) => `${name}=${useCases().DEVCONTAINER_BUNDLE_TARGET}`).join(', '),
      ),
    },
    add,
  );
  if (choice !== add) return;
  try {
    const written = await vscode.commands.executeCommand<{ reference?: unknown; side?: unknown } | undefined>(WRITE_BUNDLE, root.sha256);
    if (!written || typeof written.reference !== 'string' || !fromLocalSide(written.side, testSeam)) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The local machine could not write the CA bundle; {0} was not changed.', relative));
      return;
    }
    const result = await useCases().applyDevcontainerFix(file, { source: written.reference, variables }, { home: os.homedir() });
    logger.info(`devcontainer ${file}: ${result.changed ? 'added' : 'already had'} mount ${result.mount} and containerEnv ${JSON.stringify(result.containerEnv)}`);
    const undo = vscode.l10n.t('Undo');
    const open = vscode.l10n.t('Open config');
    const pick = await vscode.window.showInformationMessage(
      vscode.l10n.t('{0} now mounts the CA bundle and sets {1}. Rebuild the container for it to take effect.', relative, variables.join(', ')),
      undo,
      open,
    );
    if (pick === open) await vscode.window.showTextDocument(vscode.Uri.file(file));
    if (pick === undo && result.changed) {
      const undone = await useCases().undoHostTrust(file, { home: os.homedir() });
      logger.info(`undo ${file}: removed ${undone.removed.join(', ')}${undone.identical ? ' (file restored byte for byte)' : ''}`);
      void vscode.window.showInformationMessage(vscode.l10n.t('Took the CA mount and containerEnv back out of {0}.', relative));
    }
  } catch (error) {
    const message = describeError(error);
    logger.warn(`devcontainer ${file}: ${message}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not change {0}: {1}', relative, markdownSafe(message)));
  }
}
