// Builds the bundles: the extension host entry (kept small: nothing heavy at activation),
// the chain worker (x509 and network code), the CLI, and the chain viewer's webview script.
import * as esbuild from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'info',
  legalComments: 'none',
  // ESM entry points first: jsonc-parser's `main` is a UMD build whose internal requires
  // (`./impl/format`...) esbuild cannot follow, so the bundle would throw at run time.
  mainFields: ['module', 'main'],
};

/** @type {esbuild.BuildOptions[]} */
const targets = [
  {
    ...common,
    entryPoints: { extension: 'src/extension/main.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: 'dist',
    external: ['vscode'],
    metafile: true,
  },
  {
    // Loaded on the first fix only (config editing, bundle writing): kept out of activation.
    ...common,
    entryPoints: { useCases: 'src/extension/useCases.ts', detection: 'src/extension/detection.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: 'dist',
  },
  {
    // The servers view, Check This Machine and the config files' diagnostics; the remote-server trust
    // flow (a `fetch failed` line); a remote window's local-store check and devcontainer.json fix: each required on first use.
    ...common,
    entryPoints: { editorDoctor: 'src/extension/editorDoctor.ts', remoteTrust: 'src/extension/remoteTrust.ts', localStore: 'src/extension/localStore.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: 'dist',
    external: ['vscode'],
  },
  {
    // The UI-side companion (its own VSIX, companion/): the local store's answers for remote windows.
    ...common,
    entryPoints: { companion: 'src/companion/main.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: 'companion/dist',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: { worker: 'src/worker/main.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: 'dist',
    metafile: true,
  },
  {
    ...common,
    entryPoints: { cli: 'src/cli/main.ts' },
    define: { CLI_COMMAND_BUNDLES: 'true' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    // One bundle per CLI command, required by dist/cli.js on use.
    ...common,
    entryPoints: { 'cli-scan': 'src/cli/scan.ts', 'cli-chain': 'src/cli/chain.ts', 'cli-fix': 'src/cli/fix.ts', 'cli-undo': 'src/cli/undo.ts', 'cli-doctor': 'src/cli/doctor.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: 'dist',
  },
  {
    ...common,
    entryPoints: { chainView: 'media/chainView.ts' },
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    outdir: 'dist/media',
  },
];

async function copyAssets() {
  await mkdir('dist/media', { recursive: true });
  await copyFile('media/chainView.css', 'dist/media/chainView.css');
  await copyFile('node_modules/@vscode/codicons/dist/codicon.css', 'dist/media/codicon.css');
  await copyFile('node_modules/@vscode/codicons/dist/codicon.ttf', 'dist/media/codicon.ttf');
}

if (watch) {
  await copyAssets();
  for (const options of targets) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
} else {
  const results = await Promise.all(targets.map((options) => esbuild.build(options)));
  await copyAssets();
  // The extension entry must stay small: x509 belongs in the worker only.
  const extensionInputs = Object.keys(results[0].metafile?.inputs ?? {});
  const heavy = extensionInputs.filter((input) => /@peculiar|asn1|pvtsutils|tsyringe|reflect-metadata/.test(input));
  if (heavy.length > 0) {
    console.error(`extension bundle pulls in heavy modules: ${heavy.join(', ')}`);
    process.exit(1);
  }
}
