// The editor's view of the one undo journal (core/fix/journal.ts): which MCP config fixes are
// recorded, newest first. The journal is the only record: a fix made from the CLI is undone here as
// well, and nothing the journal no longer holds is offered. An older release kept its own list in
// globalState; that list is dropped.
import type * as vscode from 'vscode';
import { useCases } from './lazyUseCases';

export interface RecordedFix {
  configPath: string;
  /** When the fix was recorded (ISO 8601). */
  at: string;
}

/** Reads the journal: the core's `recordedConfigFixes` (from dist/useCases.js, loaded on first use). */
export type JournalReader = (options: { bundleDir?: string }) => Promise<RecordedFix[]>;

const LEGACY_KEY = 'mcpSslDoctor.fixes';

export class UndoStore {
  constructor(
    private readonly state: vscode.Memento,
    private readonly journal: JournalReader = (options) => useCases().recordedConfigFixes(options),
  ) {}

  /** Config fixes recorded for this user, newest first; `bundleDir`: an older release's record folder is read too. */
  async list(bundleDir?: string): Promise<RecordedFix[]> {
    if (this.state.get(LEGACY_KEY) !== undefined) await this.state.update(LEGACY_KEY, undefined);
    return this.journal({ bundleDir });
  }
}
