// `mcp-ssl-doctor undo`: take back what the tool recorded. `--config FILE`: the last fix of that file
// (an MCP config or a host's settings file); `--home DIR`, or neither: everything recorded for that
// home (this user's), newest first.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { HostTrustUndoResult } from '../core/hostTrust/apply';
import { FileUndo, HomeUndoResult, undoFile, undoHome, UndoResult } from '../core/fix/undo';
import { DoctorError } from '../core/types';
import { Command, EXIT_OK, EXIT_USAGE, exitCodeFor, homeOf } from './io';

/** The name a person knows a host by, for "restart X". */
const HOST_NAMES: Record<string, string> = {
  'claude-code': 'Claude Code',
  'claude-desktop': 'Claude Desktop',
  vscode: 'VS Code',
  'vscode-insiders': 'VS Code Insiders',
  vscodium: 'VSCodium',
  cursor: 'Cursor',
  windsurf: 'Windsurf',
  kiro: 'Kiro',
};

export const undo: Command = async (argv, io) => {
  const { values } = parseArgs({
    args: argv,
    // --bundle-dir: not needed (the journal lives per home); accepted: an older release kept records in <bundle dir>/undo.
    options: { config: { type: 'string' }, home: { type: 'string' }, json: { type: 'boolean' }, 'bundle-dir': { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  for (const name of ['config', 'home', 'bundle-dir'] as const) {
    if (values[name] === '') {
      io.stderr(`mcp-ssl-doctor undo: --${name} needs a path\n`);
      return EXIT_USAGE;
    }
  }
  const home = values.home !== undefined ? path.resolve(io.cwd, values.home) : undefined;
  const bundleDir = values['bundle-dir'] ? path.resolve(io.cwd, values['bundle-dir']) : undefined;
  const json = values.json === true;
  if (values.config) {
    const done = await undoFile(path.resolve(io.cwd, values.config), { home, ownHome: homeOf(io), bundleDir });
    if (json) {
      io.stdout(`${JSON.stringify(done.kind === 'config' ? done.result : { config: done.result.file, hostLevel: true, ...done.result }, null, 2)}\n`);
      return EXIT_OK;
    }
    io.stdout(`${[...describe(done), ...remainingLine(done)].join('\n')}\n`);
    return EXIT_OK;
  }
  const result = await undoHome({ home: home ?? homeOf(io), bundleDir });
  if (json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  else io.stdout(`${describeHome(result).join('\n')}\n`);
  if (result.failed.length > 0 || result.ignored.length > 0) {
    const first = result.failed[0];
    return exitCodeFor(new DoctorError(first && first.errorKind !== 'error' ? first.errorKind : 'refused', 'not everything was taken back'));
  }
  return EXIT_OK;
};

function describeConfig(result: UndoResult): string[] {
  const lines = [`Config: ${result.config}`];
  for (const entry of result.removed) lines.push(`  ${entry.server}: took back ${entry.what}`);
  for (const entry of result.kept) lines.push(`  ${entry.server}: left ${entry.what} (${entry.reason})`);
  lines.push(result.identical ? 'The file is byte-for-byte what it was before the fix.' : 'Edits made since the fix were kept; only what the fix added was taken out.');
  if (result.removed.length > 0) lines.push('Restart those servers so they start without the bundle.');
  return lines;
}

function describeHostLevel(result: HostTrustUndoResult): string[] {
  const lines = [`Host settings: ${result.file}`];
  for (const what of result.removed) lines.push(`  took back ${what}`);
  for (const entry of result.kept) lines.push(`  left ${entry.what} (${entry.reason})`);
  for (const folder of result.removedFolders) lines.push(`  removed the folder the fix created: ${folder}`);
  lines.push(
    result.identical
      ? result.fileRemoved
        ? 'The file is gone again, as before the fix (it created it).'
        : 'The file is byte-for-byte what it was before the fix.'
      : 'Edits made since the fix were kept; only what the fix added was taken out.',
  );
  if (result.removed.length > 0) {
    const host = result.hostApp ? HOST_NAMES[result.hostApp] ?? result.hostApp : undefined;
    if (result.hostApp === 'claude-code') lines.push('Restart Claude Code so it reads its settings again.');
    else if (host) lines.push(`Reload the ${host} window (or restart ${host}) so it reads its settings again.`);
    else lines.push('Restart the host (or reload the editor window) so it reads its settings again.');
  }
  return lines;
}

function describe(done: FileUndo): string[] {
  return done.kind === 'config' ? describeConfig(done.result) : describeHostLevel(done.result);
}

function remainingLine(done: FileUndo): string[] {
  const remaining = done.result.remaining;
  if (remaining === 0) return [];
  return [`${remaining} earlier ${done.kind === 'config' ? '' : 'host-level '}fix(es) of this file are still recorded: undo again to take the one before back.`];
}

function describeHome(result: HomeUndoResult): string[] {
  const lines = [`Home: ${result.home}`];
  if (result.undone.length > 0) lines.push(`Took back ${result.undone.length} recorded change(s), newest first:`);
  for (const done of result.undone) lines.push(...describe(done).map((line) => `  ${line}`));
  for (const file of result.removedFiles) lines.push(`Removed the bundle no fix uses any more: ${file}`);
  const told = new Set(result.undone.flatMap((done) => (done.kind === 'host-trust' ? done.result.removedFolders : [])));
  for (const folder of result.removedFolders) if (!told.has(folder)) lines.push(`Removed the empty folder: ${folder}`);
  for (const failed of result.failed) lines.push(`Not taken back: ${failed.file}: ${failed.message}`);
  for (const ignored of result.ignored) lines.push(`Not used: ${ignored.file} (${ignored.reason})`);
  if (result.failed.length === 0 && result.ignored.length === 0) lines.push('Everything the tool recorded for this home is taken back.');
  return lines;
}
