#!/usr/bin/env node
// Installs the built mcp-ssl-doctor.vsix into every editor CLI found on PATH (or the one named with
// --editor), with its UI-side companion mcp-ssl-doctor-local.vsix (remote windows: it answers for the
// local machine's OS store; --no-companion leaves it out), then makes the `mcp-ssl-doctor` CLI available with `npm install -g .`, which links the
// global command to this folder's dist/cli.js (no download: the CLI bundle has no runtime dependencies;
// rebuilding here updates it; moving or deleting this folder breaks it — run this script again).
//
//   node scripts/install-extension.mjs [--editor NAME|PATH] [--vsix FILE] [--no-companion] [--no-cli] [--dry-run]
//
// Exit codes: 0 done (also when no editor was found: it says how to install by hand), 1 an editor
// refused the VSIX, 2 bad usage or no VSIX.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Editor CLIs that accept `--install-extension <vsix>`, in the order they are reported. */
export const EDITOR_CLIS = ['code', 'code-insiders', 'cursor', 'codium', 'code-server'];
const isWindows = process.platform === 'win32';

const USAGE = `Usage: node scripts/install-extension.mjs [--editor NAME|PATH] [--vsix FILE] [--no-companion] [--no-cli] [--dry-run]

Installs mcp-ssl-doctor.vsix (and its local-side companion mcp-ssl-doctor-local.vsix, for remote
windows) into every editor found on PATH (${EDITOR_CLIS.join(', ')}), or only into --editor, and links the mcp-ssl-doctor CLI with 'npm install -g .'.`;

/** Absolute path of an executable named `name` on PATH, or undefined. */
export function which(name, pathVariable = process.env.PATH ?? '') {
  const extensions = isWindows ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean) : [''];
  for (const folder of pathVariable.split(delimiter).filter(Boolean)) {
    for (const extension of extensions) {
      const candidate = join(folder, name + extension.toLowerCase());
      try {
        accessSync(candidate, constants.X_OK);
        if (statSync(candidate).isFile()) return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

function runQuiet(command, args, options = {}) {
  // .cmd/.bat shims (code.cmd, npm.cmd) only start through a shell on Windows.
  return spawnSync(command, args, { encoding: 'utf8', shell: isWindows, stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

function manualInstructions(vsix) {
  return [
    'To install it by hand:',
    `  - VS Code / Cursor / VSCodium: Extensions view → "..." menu → "Install from VSIX..." → ${vsix}`,
    `  - or from a terminal: code --install-extension "${vsix}"  (cursor / codium / code-server take the same option)`,
    '  - VS Code: put "code" on PATH with the command "Shell Command: Install \'code\' command in PATH".',
  ].join('\n');
}

function installInto(editorPath, vsix, dryRun, name = 'mcp-ssl-doctor') {
  const args = ['--install-extension', vsix, '--force'];
  if (dryRun) {
    console.log(`[dry run] ${editorPath} ${args.join(' ')}`);
    return true;
  }
  const result = runQuiet(editorPath, args, { timeout: 180_000 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.status === 0) {
    console.log(`✔ ${editorPath}: installed ${name}`);
    return true;
  }
  console.error(`✖ ${editorPath}: --install-extension failed (${result.status ?? result.signal ?? result.error?.message})`);
  if (output) console.error(output.replace(/^/gm, '    '));
  return false;
}

function linkCli(dryRun) {
  const cli = join(REPO_ROOT, 'dist', 'cli.js');
  if (!existsSync(cli)) {
    console.error(`! the CLI is not built (${cli} is missing): run 'npm run build' first, then this script again.`);
    return;
  }
  if (dryRun) {
    console.log(`[dry run] npm install -g . (in ${REPO_ROOT})`);
    return;
  }
  const npm = isWindows ? 'npm.cmd' : 'npm';
  const result = runQuiet(npm, ['install', '-g', '.', '--no-audit', '--no-fund'], { cwd: REPO_ROOT, timeout: 180_000 });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    console.error(`! could not link the CLI with 'npm install -g .' (exit ${result.status ?? result.signal}).`);
    if (/EACCES|permission denied/i.test(output)) {
      console.error("  npm's global folder is not writable: run 'sudo npm install -g .' here, or set a user prefix\n" +
        "  ('npm config set prefix ~/.local') and run this script again.");
    } else if (output.trim()) {
      console.error(output.trim().replace(/^/gm, '    '));
    }
    console.error(`  The CLI also runs without installing: node "${cli}" --help`);
    return;
  }
  const prefix = runQuiet(npm, ['prefix', '-g']).stdout?.trim() ?? '';
  const binFolder = isWindows ? prefix : join(prefix, 'bin');
  const linked = join(binFolder, isWindows ? 'mcp-ssl-doctor.cmd' : 'mcp-ssl-doctor');
  if (existsSync(linked)) {
    console.log(`✔ CLI: ${linked} → ${cli}`);
    if (!which('mcp-ssl-doctor')) console.log(`  ${binFolder} is not on PATH: add it to run 'mcp-ssl-doctor' by name.`);
  } else {
    console.error(`! 'npm install -g .' succeeded but ${linked} does not exist; run: node "${cli}" --help`);
  }
}

function main() {
  let options;
  try {
    ({ values: options } = parseArgs({
      options: {
        editor: { type: 'string' },
        vsix: { type: 'string' },
        'no-cli': { type: 'boolean', default: false },
        'no-companion': { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const vsix = resolve(options.vsix ?? join(REPO_ROOT, 'mcp-ssl-doctor.vsix'));
  if (!existsSync(vsix)) {
    console.error(`No VSIX at ${vsix}: build it with 'npm run package' first.`);
    return 2;
  }
  const dryRun = options['dry-run'];
  // The companion (beside the VSIX, as `npm run package` writes it) runs where the window runs
  // (extensionKind ui): needed only in remote windows, harmless elsewhere.
  const companion = join(dirname(vsix), 'mcp-ssl-doctor-local.vsix');
  const withCompanion = !options['no-companion'] && existsSync(companion);

  let editors;
  if (options.editor !== undefined) {
    const named = isAbsolute(options.editor) || options.editor.includes('/') ? resolve(options.editor) : which(options.editor);
    if (!named || !existsSync(named)) {
      console.error(`Editor CLI '${options.editor}' not found${named ? ` at ${named}` : ' on PATH'}.\n${manualInstructions(vsix)}`);
      return 2;
    }
    editors = [named];
  } else {
    editors = EDITOR_CLIS.map((name) => which(name)).filter((path) => path !== undefined);
  }

  let failed = 0;
  if (editors.length === 0) {
    console.log(`No editor CLI found on PATH (looked for ${EDITOR_CLIS.join(', ')}).\n${manualInstructions(vsix)}`);
  } else {
    console.log(`Installing ${vsix} into: ${editors.join(', ')}`);
    for (const editor of editors) {
      if (!installInto(editor, vsix, dryRun)) failed++;
      else if (withCompanion && !installInto(editor, companion, dryRun, 'mcp-ssl-doctor-local')) failed++;
    }
    if (failed === 0) console.log('Reload open editor windows to start the extension ("Developer: Reload Window").');
  }

  if (!options['no-cli']) linkCli(dryRun);
  return failed > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main();
}
