// A bundle of its own (dist/fixer.js), required on first use: reading and editing MCP configs
// (jsonc-parser, the runtime table, the bundle writer) is not needed to activate.
export { applyFix } from '../core/fix/apply';
export { parseConfig } from '../core/fix/config';
export { discoverConfigs } from '../core/fix/discover';
export { defaultBundleDir } from '../core/fix/paths';
export { planFix } from '../core/fix/plan';
export { CA_VARIABLES, RUNTIME_VARIABLES, detectRuntime } from '../core/fix/runtimes';
export { strictPathProblems } from '../core/fix/strict';
export { undoFix } from '../core/fix/undo';
