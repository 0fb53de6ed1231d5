import * as path from 'node:path';

type UseCases = typeof import('./useCases');
let loaded: UseCases | undefined;

/** dist/useCases.js (the use-case layer), beside dist/extension.js, required on first use. */
export function useCases(): UseCases {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require(path.join(__dirname, 'useCases.js')) as UseCases;
  return loaded;
}
