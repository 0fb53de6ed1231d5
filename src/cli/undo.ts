// `mcp-ssl-doctor undo`: take back what the last fix of a config added.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { promises as fs } from 'node:fs';
import { realTarget } from '../core/fix/atomic';
import { undoFix } from '../core/fix/undo';
import { hostTrustManifestPath, undoHostTrust } from '../core/hostTrust/apply';
import { CliIO, Command, EXIT_OK, EXIT_USAGE, homeOf } from './io';

export const undo: Command = async (argv, io) => {
  const { values } = parseArgs({
    args: argv,
    // --bundle-dir: not in the contract and not needed (undo manifests live per user); accepted for compatibility.
    options: { config: { type: 'string' }, json: { type: 'boolean' }, 'bundle-dir': { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  if (!values.config) {
    io.stderr('mcp-ssl-doctor undo: --config FILE is required\n');
    return EXIT_USAGE;
  }
  const configPath = path.resolve(io.cwd, values.config);
  if (await hasHostTrustRecord(configPath, io)) return undoHostLevel(configPath, values.json === true, io);
  const result = await undoFix({
    configPath: path.resolve(io.cwd, values.config),
    bundleDir: values['bundle-dir'] ? path.resolve(io.cwd, values['bundle-dir']) : undefined,
    home: homeOf(io),
  });
  if (values.json) {
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return EXIT_OK;
  }
  const lines = [`Config: ${result.config}`];
  for (const entry of result.removed) lines.push(`  ${entry.server}: took back ${entry.what}`);
  for (const entry of result.kept) lines.push(`  ${entry.server}: left ${entry.what} (${entry.reason})`);
  lines.push(
    result.identical
      ? 'The file is byte-for-byte what it was before the fix.'
      : 'Edits made since the fix were kept; only what the fix added was taken out.',
  );
  if (result.removed.length > 0) lines.push('Restart those servers so they start without the bundle.');
  if (result.remaining > 0) lines.push(`${result.remaining} earlier fix(es) of this file are still recorded: undo again to take the one before back.`);
  io.stdout(`${lines.join('\n')}\n`);
  return EXIT_OK;
};

/** A host settings file a `fix --host-level` changed (Claude Code's settings.json, an editor's user settings). */
async function hasHostTrustRecord(file: string, io: CliIO): Promise<boolean> {
  const real = await realTarget(file).catch(() => undefined);
  if (!real) return false;
  const manifest = hostTrustManifestPath(homeOf(io), process.platform, real);
  return (await fs.stat(manifest).catch(() => undefined)) !== undefined;
}

async function undoHostLevel(file: string, json: boolean, io: CliIO): Promise<number> {
  const result = await undoHostTrust(file, { home: homeOf(io) });
  if (json) {
    io.stdout(`${JSON.stringify({ config: result.file, hostLevel: true, ...result }, null, 2)}\n`);
    return EXIT_OK;
  }
  const lines = [`Host settings: ${result.file}`];
  for (const what of result.removed) lines.push(`  took back ${what}`);
  for (const entry of result.kept) lines.push(`  left ${entry.what} (${entry.reason})`);
  lines.push(result.identical ? 'The file is byte-for-byte what it was before the fix.' : 'Edits made since the fix were kept; only what the fix added was taken out.');
  if (result.removed.length > 0) lines.push('Restart the host (Claude Code) or reload the editor window so it reads the settings again.');
  if (result.remaining > 0) lines.push(`${result.remaining} earlier host-level fix(es) of this file are still recorded: undo again to take the one before back.`);
  io.stdout(`${lines.join('\n')}\n`);
  return EXIT_OK;
}
