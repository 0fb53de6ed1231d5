// `mcp-ssl-doctor fix`: write the CA bundle and point the selected servers of one config at it.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { ChainReport } from '../core/types';
import { DoctorError } from '../core/types';
import type { FixResult } from '../core/fix/apply';
import type { VerifyTarget } from '../core/fix/plan';
import type { BundleMode } from '../core/fix/bundle';
import type { StrictProblem } from '../core/fix/strict';
import { casToTrust } from '../core/fix/cas';
import { CliIO, Command, EXIT_OK, EXIT_USAGE, analyzeOptions, parseTimeout } from './io';

const OPTIONS = {
  config: { type: 'string' },
  server: { type: 'string', multiple: true },
  ca: { type: 'string' },
  host: { type: 'string' },
  proxy: { type: 'string' },
  servername: { type: 'string' },
  mode: { type: 'string' },
  'bundle-dir': { type: 'string' },
  'system-ca': { type: 'string' },
  'public-ca': { type: 'string' },
  'trust-unknown-ca': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  replace: { type: 'boolean' },
  'remove-insecure': { type: 'boolean' },
  timeout: { type: 'string' },
} as const;

export function homeOf(io: CliIO): string {
  return io.env.HOME || io.env.USERPROFILE || os.homedir();
}

export function parseHostPort(value: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s/]+))(?::(\d{1,5}))?$/.exec(value.trim());
  const port = match?.[3] ? Number(match[3]) : 443;
  if (!match || port < 1 || port > 65535) throw new DoctorError('usage', `--host ${value}: expected HOST or HOST:PORT`);
  return { host: match[1] ?? match[2] ?? '', port };
}

async function readInput(file: string, what: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    throw new DoctorError('usage', `${what} ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

/** Verdicts a fix may act on: only an interception root (or an unknown one, when the user says so). */
function checkVerdict(report: ChainReport, trustUnknown: boolean): void {
  const where = `${report.host}:${report.port}`;
  switch (report.verdict) {
    case 'intercepted':
      return;
    case 'untrusted':
      if (trustUnknown) return;
      throw new DoctorError(
        'refused',
        `${where} ends at a root that neither the OS store nor the public roots trust (${report.root?.subject ?? 'unknown'}, sha256 ${report.root?.sha256 ?? '?'}). ` +
          'This may be an attack rather than your company\'s proxy. If IT confirms this CA, run again with --trust-unknown-ca. Nothing was written.',
      );
    case 'trusted':
      throw new DoctorError('refused', `${where} already verifies to a public root: there is nothing to fix with a CA bundle. Nothing was written.`);
    case 'expired':
      throw new DoctorError('refused', `${where} presents an expired certificate: trusting a CA will not fix that; the server's owner must renew it. Nothing was written.`);
    case 'hostname-mismatch':
      throw new DoctorError('refused', `${where} presents a certificate for another name: trusting a CA will not fix that (check the host name, or --servername). Nothing was written.`);
    case 'incomplete':
      throw new DoctorError('refused', `${where}: no certificate path could be built (a missing intermediate or root), so there is no CA to trust. Nothing was written.`);
  }
}

/** The CAs a bundle needs for the chain: every CA of the path (root and intermediates). */
function human(result: FixResult): string {
  const lines: string[] = [];
  if (result.dryRun) lines.push('Dry run: nothing was written. This is what a fix would do:', '');
  const cas = result.cas.map((ca) => `${ca.subject} (sha256 ${ca.sha256})`).join('; ');
  lines.push(`CA: ${cas}`);
  lines.push(`Bundle: ${result.bundle} ${result.dryRun ? '' : result.bundleWritten ? '(written)' : '(already there, unchanged)'}`.trimEnd());
  if (result.verified) lines.push(`Verified: a handshake with ${result.verified.host}:${result.verified.port} trusting only this bundle succeeds.`);
  lines.push(`Config: ${result.config}`);
  for (const change of result.changed) {
    const vars = Object.keys(change.env).join(', ');
    lines.push(
      change.args
        ? `  ${change.server} (docker): mounts the bundle read-only at ${Object.values(change.env)[0] ?? ''} and sets ${vars} inside the container`
        : `  ${change.server} (${change.runtime}): sets ${vars} = ${result.bundleInConfig}`,
    );
  }
  if (result.changed.length === 0) lines.push('  no server changed');
  for (const skipped of result.skipped) lines.push(`  skipped ${skipped.server}: ${skipped.reason}`);
  for (const removed of result.removedInsecure) lines.push(`  removed from ${removed.server}: ${removed.setting} (verification no longer turned off)`);
  for (const warning of result.warnings) lines.push(`Note: ${warning.server ? `${warning.server}: ` : ''}${warning.message}`);
  if (result.changed.length > 0) {
    if (result.tracked) {
      lines.push(
        `This file is tracked by git: the change (a path under \${userHome} where the host allows it) will be in your next commit. ` +
          'A teammate behind the same proxy runs the same fix once to get the bundle; it then writes nothing new.',
      );
    }
    lines.push(
      'Restart the changed servers so they start with the new environment: VS Code "MCP: List Servers" → Restart; Cursor: toggle the server off and on; Claude Desktop: quit and reopen.',
    );
    if (!result.dryRun) lines.push(`To take it back: mcp-ssl-doctor undo --config ${result.config}`);
  }
  return `${lines.join('\n')}\n`;
}

export const fix: Command = async (argv, io) => {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  const usage = (message: string): number => {
    io.stderr(`mcp-ssl-doctor fix: ${message}\n`);
    return EXIT_USAGE;
  };
  if (!values.config) return usage('--config FILE is required');
  if (!values.ca && !values.host) return usage('give the CA (--ca PEM) or a host to find it from (--host HOST[:PORT])');
  const mode = (values.mode ?? 'combined') as BundleMode;
  if (mode !== 'combined' && mode !== 'ca-only') return usage(`--mode ${values.mode}: expected combined or ca-only`);
  const timeoutMs = parseTimeout(values.timeout);
  const resolve = (file: string): string => path.resolve(io.cwd, file);
  const configPath = resolve(values.config);
  const publicPem = values['public-ca'] ? (await readInput(resolve(values['public-ca']), '--public-ca')).toString('utf8') : undefined;

  const caPems: (string | Buffer)[] = [];
  if (values.ca) caPems.push(await readInput(resolve(values.ca), '--ca'));
  let verify: VerifyTarget | undefined;
  let strictProblems: StrictProblem[] | undefined;
  if (values.host) {
    const { host, port } = parseHostPort(values.host);
    const chain = await import('../core/chain/index');
    if (caPems.length === 0) {
      const report = await chain.analyzeHost(analyzeOptions(host, port, values, io));
      checkVerdict(report, values['trust-unknown-ca'] === true);
      const cas = casToTrust(report);
      if (cas.length === 0) throw new DoctorError('refused', `${host}:${port}: the chain has no CA certificate to trust. Nothing was written.`);
      caPems.push(...cas);
      // The whole path (the proxy's leaf too): the plan words its advice by which certificate fails.
      strictProblems = (await import('../core/fix/strict')).strictPathProblems(report.path);
    }
    verify = { host, port, proxy: values.proxy, servername: values.servername, timeoutMs, verifyTrust: chain.verifyTrust };
  }

  const { planFix } = await import('../core/fix/plan');
  const { applyFix, describePlan } = await import('../core/fix/apply');
  const plan = await planFix({
    configPath,
    servers: values.server,
    caPems,
    mode,
    bundleDir: values['bundle-dir'] ? resolve(values['bundle-dir']) : undefined,
    home: homeOf(io),
    publicPem,
    replace: values.replace === true,
    removeInsecure: values['remove-insecure'] === true,
    verify,
    strictProblems,
  });
  const result = values['dry-run'] ? describePlan(plan) : await applyFix(plan);
  io.stdout(values.json ? `${JSON.stringify(result, null, 2)}\n` : human(result));
  return EXIT_OK;
};
