// The use cases (src/core/usecases) and the core under them, as a bundle of its own
// (dist/useCases.js) required on first use: nothing of it is needed to activate.
// See docs/ARCHITECTURE.md.
export { discoverConfigRefs } from '../core/hosts/discover';
export { readInventory } from '../core/config/inventory';
export { fixConfig, routeFixOf } from '../core/usecases/fixPipeline';
export { serverTrustsRoot } from '../core/assess/trust';
export { effectiveEnvOf } from '../core/assess/serverEnv';
export { defaultBundleDir } from '../core/fix/paths';
export { recordedConfigFixes, undoFix } from '../core/fix/undo';
export { hostLevelRequestOf, runHostLevelFix } from '../core/usecases/hostLevel';
export { undoOsStore } from '../core/hostTrust/apply';
export { assess, hostSettingsEnvs, verdictOf, groupByRoot, groupForFix, preselected, needsRoot, targetKeyOf } from '../core/assess/assess';
export { probeEnvOf } from '../core/assess/serverEnv';
export { resolveProxy } from '../core/chain/proxy';
// The editor's doctor (dist/editorDoctor.js) parses config files through these: one copy of the parsers.
export { parseConfig } from '../core/config/config';
export { serverOf } from '../core/config/inventory';
export { locationOfFile } from '../core/hosts/locations';
// The dev container's durable fix (dist/localStore.js, a remote window).
export { applyDevcontainerFix, DEVCONTAINER_BUNDLE_TARGET } from '../core/fix/devcontainer';
export { undoHostTrust } from '../core/hostTrust/apply';
