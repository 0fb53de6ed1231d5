// Where the bundle lives and how its path is spelled inside a config.
import * as path from 'node:path';

/** One per-user folder at the same place relative to home on every OS (so `${userHome}/...` holds for a team). */
export const BUNDLE_FOLDER = '.mcp-ssl-doctor';

export function defaultBundleDir(home: string, platform: NodeJS.Platform = process.platform): string {
  return (platform === 'win32' ? path.win32 : path.posix).join(home, BUNDLE_FOLDER);
}

/** Undo manifests: always here, per user, whichever bundle folder a fix wrote to. */
export function undoDir(home: string, platform: NodeJS.Platform = process.platform): string {
  return (platform === 'win32' ? path.win32 : path.posix).join(defaultBundleDir(home, platform), 'undo');
}

/**
 * The bundle path as written into a config. Forward slashes everywhere: Python, uv, Node and Deno
 * all accept `C:/Users/me/...` on Windows, and it needs no JSON escaping. In a host that resolves
 * variables a bundle under home is written `${userHome}/...`, so a committed workspace config holds
 * for every teammate; elsewhere it is absolute (and machine-specific). `${userHome}` is the one
 * spelling both such hosts document: VS Code and Cursor
 * (https://cursor.com/docs/context/mcp#config-interpolation); `${env:HOME}` would be empty on Windows.
 */
export function configPathOf(bundlePath: string, home: string, resolvesVariables: boolean, platform: NodeJS.Platform = process.platform): string {
  const api = platform === 'win32' ? path.win32 : path.posix;
  const slashes = (p: string): string => (platform === 'win32' ? p.replace(/\\/g, '/') : p);
  if (resolvesVariables) {
    const relative = api.relative(home, bundlePath);
    const inside = relative !== '' && !relative.startsWith('..') && !api.isAbsolute(relative);
    if (inside) return `\${userHome}/${slashes(relative)}`;
  }
  return slashes(bundlePath);
}
