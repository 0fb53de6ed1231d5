// Whether a config is tracked by git, so the UI can say what a fix will put in a commit.
import { execFile } from 'node:child_process';
import * as path from 'node:path';

/** true tracked, false untracked (in a repo), null no git or not in a repo. */
export function isTrackedByGit(file: string): Promise<boolean | null> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['-C', path.dirname(file), 'ls-files', '--error-unmatch', '--', path.basename(file)],
      { timeout: 5000, windowsHide: true },
      (error) => {
        if (!error) return resolve(true);
        const code: unknown = (error as { code?: unknown }).code;
        // 1: untracked inside a work tree; 128: not a repository; ENOENT: no git.
        resolve(code === 1 ? false : null);
      },
    );
  });
}
