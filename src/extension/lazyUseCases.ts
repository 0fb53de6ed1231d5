import * as path from 'node:path';

type UseCases = typeof import('./useCases');
let loaded: UseCases | undefined;

/** dist/useCases.js (the use-case layer), beside dist/extension.js, required on first use. */
export function useCases(): UseCases {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require(path.join(__dirname, 'useCases.js')) as UseCases;
  return loaded;
}

type Detection = typeof import('./detection');
let detectionLoaded: Detection | undefined;

/** dist/detection.js (log discovery, tailing and scanning), required when the watcher starts. */
export function detection(): Detection {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  detectionLoaded ??= require(path.join(__dirname, 'detection.js')) as Detection;
  return detectionLoaded;
}
