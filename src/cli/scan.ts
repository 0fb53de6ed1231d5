// `mcp-ssl-doctor scan [FILE...] [--json]`: TLS failures in log text, one finding per event.
// Files and stdin are read in bounded pieces and findings are written as their events end: the memory a
// scan takes does not grow with the input (a 2 GB line, `scan - < /dev/zero`, 130k failures).
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_LINE, scanFile, scanStream } from '../core/logs/scan';
import { serverFromLogPath } from '../core/logs/discover';
import type { Finding } from '../core/types';
import { DoctorError } from '../core/types';
import { CliIO, Command, EXIT_OK, homeOf } from './io';

async function* once(read: () => Promise<string>): AsyncIterable<string> {
  yield await read();
}

/** Stdin as a stream of bytes where the io offers one (the process, tests); else the whole text. */
function stdinOf(io: CliIO): AsyncIterable<Uint8Array | string> {
  return io.stdinStream ? io.stdinStream() : once(io.readStdin);
}

/** The CLI contract's finding, exactly these keys in this order (docs/design.md). */
function contract(finding: Finding): Omit<Finding, 'server' | 'detail'> {
  const { file, line, kind, runtime, host, port, fixable, message } = finding;
  return { file, line, kind, runtime, host, port, fixable, message };
}

/** What a finding's detail means, for a person. */
const DETAIL: Record<NonNullable<Finding['detail']>, string> = {
  'reason-unspecified': 'the runtime gave no reason: `mcp-ssl-doctor chain HOST` shows what is wrong',
  'revocation-unchecked': 'a revocation check that could not run (CRL/OCSP blocked?), not a revoked certificate',
};

/** One line per finding: `file:line  kind  runtime  host:port  message`, and what its detail means. */
function human(finding: Finding): string {
  const where = finding.host ? `${finding.host.includes(':') ? `[${finding.host}]` : finding.host}:${finding.port ?? 443}` : '-';
  const server = finding.server ? `  [${finding.server}]` : '';
  const detail = finding.detail ? `  (${DETAIL[finding.detail]})` : '';
  return `${finding.file}:${finding.line}  ${finding.kind}  ${finding.runtime}  ${where}${server}  ${finding.message}${detail}\n`;
}

/** Output in pieces of about this many characters (one write per finding is slow to a pipe). */
const FLUSH_AT = 64 * 1024;

export const scan: Command = async (argv, io) => {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, strict: true, allowPositionals: true, options: { json: { type: 'boolean' } } });
  } catch (error) {
    throw new DoctorError('usage', (error as Error).message);
  }
  let files = parsed.positionals.length > 0 ? parsed.positionals : ['-'];
  // At a terminal with no FILE, nobody is going to type a log: read the editors' MCP logs instead.
  if (parsed.positionals.length === 0 && io.isTTY?.stdin) {
    const { discoverMachineLogs } = await import('../core/hosts/logs');
    const logs = await discoverMachineLogs({ home: homeOf(io), platform: process.platform, env: io.env });
    if (logs.length === 0) throw new DoctorError('usage', 'no MCP logs of VS Code or Cursor were found on this machine: give a FILE, or pipe log text in');
    io.stderr(`reading ${logs.length} MCP log${logs.length === 1 ? '' : 's'} of this machine's editors\n`);
    files = logs.map((log) => log.path);
  }
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

  const json = parsed.values.json === true;
  let pending = '';
  let count = 0;
  let fixable = 0;
  const write = (text: string): void => {
    pending += text;
    if (pending.length >= FLUSH_AT) {
      io.stdout(pending);
      pending = '';
    }
  };
  const onFinding = (finding: Finding): void => {
    if (json) {
      const element = JSON.stringify(contract(finding), null, 2).replace(/\n/g, '\n  ');
      write(`${count === 0 ? '[\n' : ',\n'}  ${element}`);
    } else write(human(finding));
    count += 1;
    if (finding.fixable) fixable += 1;
  };

  for (const file of files) {
    if (file === '-') {
      const { longLines } = await scanStream(stdinOf(io), '-', onFinding);
      if (longLines > 0) io.stderr(`mcp-ssl-doctor scan: ${longLines} line${longLines === 1 ? '' : 's'} of stdin longer than ${MAX_LINE} bytes: only the first ${MAX_LINE} bytes of each were read\n`);
      continue;
    }
    const server = serverFromLogPath(file)?.server;
    const long: number[] = [];
    try {
      scanFile(path.resolve(io.cwd, file), server, (finding) => onFinding({ ...finding, file }), undefined, { onLongLine: (line) => long.push(line) });
    } catch (error) {
      throw new DoctorError('io', `cannot read ${file}: ${(error as Error).message}`);
    }
    if (long.length > 0) io.stderr(`mcp-ssl-doctor scan: ${file}: line${long.length === 1 ? '' : 's'} ${long.slice(0, 5).join(', ')}${long.length > 5 ? ', …' : ''} longer than ${MAX_LINE} bytes: only the first ${MAX_LINE} bytes of each were read\n`);
  }

  if (json) write(count === 0 ? '[]\n' : '\n]\n');
  else {
    write(
      count === 0
        ? 'No TLS failures found.\n'
        : `${count} TLS failure${count === 1 ? '' : 's'}, ${fixable} fixable by trusting the right CA` +
            (fixable > 0 ? ' (`mcp-ssl-doctor chain HOST` shows who re-signs it; `mcp-ssl-doctor fix` points the server at it).\n' : '.\n'),
    );
  }
  if (pending) io.stdout(pending);
  return EXIT_OK;
};
