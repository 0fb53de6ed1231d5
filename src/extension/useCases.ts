// The use-case layer (src/core/doctor) and the config code under it, as a bundle of its own
// (dist/useCases.js) required on first use: nothing of it is needed to activate.
// See docs/ARCHITECTURE.md.
export { discoverConfigRefs } from '../core/doctor/discover';
export { readInventory } from '../core/doctor/inventory';
export { fixConfig } from '../core/doctor/fixPipeline';
export { serverTrustsRoot } from '../core/doctor/trust';
export { effectiveEnvOf } from '../core/doctor/serverEnv';
export { defaultBundleDir } from '../core/fix/paths';
export { recordedConfigFixes, undoFix } from '../core/fix/undo';
export { prepareHostLevel } from '../core/doctor/hostLevel';
export { casForFix } from '../core/doctor/policy';
export { applyHostTrust, undoOsStore } from '../core/hostTrust/apply';
export { serversNeedingFix, serverTargetOf, probeEnvOf, verdictOf, groupByRoot } from '../core/doctor/needs';
export { resolveProxy } from '../core/chain/proxy';
