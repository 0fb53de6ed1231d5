// Log detection (the signature catalogue, the scanner, the tailer) as a bundle of its own
// (dist/detection.js), required when the log watcher starts, after activation.
export { discoverLogFiles } from '../core/logs/discover';
export { FileTailer } from '../core/logs/tail';
export { FindingScanner } from '../core/logs/scan';
export { remoteFetchFailure } from '../core/hostTrust/fetchFailed';
