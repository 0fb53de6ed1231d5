// After a fix and a restart: does the server work now? Its log says so where the editor keeps it on
// disk (desktop VS Code, Cursor); elsewhere (code-server, remote windows) the runtime verification
// made before writing is the answer.
import type * as vscode from 'vscode';
import type { RuntimeVerification } from '../core/usecases/runtimeVerify';
import type { ServerFinding } from './logWatcher';

/** How long to follow a restarted server's log before saying what is known. */
const FOLLOW_MS = 30_000;
const SETTLE_MS = 5_000;

export type Outcome =
  | { kind: 'works'; by: 'log' | 'runtime'; detail: string }
  | { kind: 'fails'; finding: ServerFinding }
  | { kind: 'unknown'; detail: string };

export interface ServerLogEvents {
  follows(server: string): boolean;
  onDidFind: vscode.Event<ServerFinding>;
  onDidSeeRunning: vscode.Event<string>;
}

export function outcomeAfterRestart(server: string, verified: RuntimeVerification | null | undefined, logs: ServerLogEvents, followMs = FOLLOW_MS): Promise<Outcome> {
  const fromRuntime = (): Outcome =>
    verified?.ok ? { kind: 'works', by: 'runtime', detail: verified.message } : { kind: 'unknown', detail: verified?.message ?? '' };
  if (!logs.follows(server)) return Promise.resolve(fromRuntime());
  return new Promise((resolve) => {
    const finish = (outcome: Outcome): void => {
      clearTimeout(timer);
      if (settle) clearTimeout(settle);
      found.dispose();
      running.dispose();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish(fromRuntime()), followMs);
    const found = logs.onDidFind((finding) => {
      if (finding.server === server) finish({ kind: 'fails', finding });
    });
    // Running is said before the server's first request: a failure right after it still counts.
    let settle: NodeJS.Timeout | undefined;
    const running = logs.onDidSeeRunning((name) => {
      if (name === server && !settle) settle = setTimeout(() => finish({ kind: 'works', by: 'log', detail: '' }), SETTLE_MS);
    });
  });
}
