// `mcp-ssl-doctor scan [FILE...] [--json]`: TLS failures in log text, one finding per event.
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { scanFile, scanText } from '../core/logs/scan';
import { serverFromLogPath } from '../core/logs/discover';
import type { Finding } from '../core/types';
import { DoctorError } from '../core/types';
import { Command, EXIT_OK } from './io';

/** The CLI contract's finding, exactly these keys in this order (DESIGN.md). */
function contract(finding: Finding): Omit<Finding, 'server'> {
  const { file, line, kind, runtime, host, port, fixable, message } = finding;
  return { file, line, kind, runtime, host, port, fixable, message };
}

/** One line per finding: `file:line  kind  runtime  host:port  message`. */
function human(finding: Finding): string {
  const where = finding.host ? `${finding.host.includes(':') ? `[${finding.host}]` : finding.host}:${finding.port ?? 443}` : '-';
  const server = finding.server ? `  [${finding.server}]` : '';
  return `${finding.file}:${finding.line}  ${finding.kind}  ${finding.runtime}  ${where}${server}  ${finding.message}\n`;
}

export const scan: Command = async (argv, io) => {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, strict: true, allowPositionals: true, options: { json: { type: 'boolean' } } });
  } catch (error) {
    throw new DoctorError('usage', (error as Error).message);
  }
  const files = parsed.positionals.length > 0 ? parsed.positionals : ['-'];
  // Check every file before printing anything: bad input writes nothing.
  for (const file of files) {
    if (file === '-') continue;
    const resolved = path.resolve(io.cwd, file);
    let isFile = false;
    try {
      isFile = statSync(resolved).isFile();
    } catch (error) {
      throw new DoctorError('io', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    }
    if (!isFile) throw new DoctorError('io', `cannot read ${file}: not a file`);
  }
  const findings: Finding[] = [];
  for (const file of files) {
    if (file === '-') findings.push(...scanText(await io.readStdin(), '-'));
    else {
      try {
        findings.push(...scanFile(path.resolve(io.cwd, file), serverFromLogPath(file)?.server).map((finding) => ({ ...finding, file })));
      } catch (error) {
        throw new DoctorError('io', `cannot read ${file}: ${(error as Error).message}`);
      }
    }
  }
  if (parsed.values.json) {
    io.stdout(`${JSON.stringify(findings.map(contract), null, 2)}\n`);
    return EXIT_OK;
  }
  for (const finding of findings) io.stdout(human(finding));
  const fixable = findings.filter((finding) => finding.fixable).length;
  io.stdout(
    findings.length === 0
      ? 'No TLS failures found.\n'
      : `${findings.length} TLS failure${findings.length === 1 ? '' : 's'}, ${fixable} fixable by trusting the right CA` +
          (fixable > 0 ? ' (`mcp-ssl-doctor chain HOST` shows who re-signs it; `mcp-ssl-doctor fix` points the server at it).\n' : '.\n'),
  );
  return EXIT_OK;
};
