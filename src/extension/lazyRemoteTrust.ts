import * as path from 'node:path';

type RemoteTrustModule = typeof import('./remoteTrust');
let remoteTrustLoaded: RemoteTrustModule | undefined;

/** dist/remoteTrust.js (a remote server's `fetch failed`, its Fix and its Undo), required on first use. */
export function remoteTrustModule(): RemoteTrustModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  remoteTrustLoaded ??= require(path.join(__dirname, 'remoteTrust.js')) as RemoteTrustModule;
  return remoteTrustLoaded;
}
