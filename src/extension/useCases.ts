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
export { hostLevelRequestOf, runHostLevelFix } from '../core/doctor/hostLevel';
export { undoOsStore } from '../core/hostTrust/apply';
export { assess, hostSettingsEnvs, verdictOf, groupByRoot, groupForFix, preselected, needsRoot, targetKeyOf } from '../core/doctor/assess';
export { probeEnvOf } from '../core/doctor/serverEnv';
export { resolveProxy } from '../core/chain/proxy';
