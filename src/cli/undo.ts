// `mcp-ssl-doctor undo`: take back what the last fix of a config added.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { undoFix } from '../core/fix/undo';
import { Command, EXIT_OK, EXIT_USAGE, homeOf } from './io';

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
