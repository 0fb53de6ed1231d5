// `mcp-ssl-doctor doctor`: every MCP server of the machine (or of the given homes), its state, and
// the fixes; `--fix` applies them, `--check` exits 1 when something would change (fleet scripts).
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parseHostPort } from '../core/chain/hostPort';
import { inProcessAnalyzer } from '../core/doctor/analyzer';
import type { DoctorResult, ServerReport } from '../core/doctor/machine';
import { runDoctor } from '../core/doctor/machine';
import { BundleMode, readCertificates } from '../core/fix/bundle';
import { DoctorError } from '../core/types';
import { Command, EXIT_NETWORK, EXIT_OK, analyzerOptions, homeOf, readInput } from './io';

export const EXIT_CHECK_FAILED = 1;

const OPTIONS = {
  workspace: { type: 'string', multiple: true },
  home: { type: 'string', multiple: true },
  ca: { type: 'string' },
  proxy: { type: 'string' },
  'system-ca': { type: 'string' },
  'public-ca': { type: 'string' },
  'probe-host': { type: 'string' },
  'bundle-dir': { type: 'string' },
  mode: { type: 'string' },
  timeout: { type: 'string' },
  'trust-unknown-ca': { type: 'boolean' },
  'no-logs': { type: 'boolean' },
  'no-runtime-check': { type: 'boolean' },
  'verify-docker': { type: 'boolean' },
  fix: { type: 'boolean' },
  'yes-os-store': { type: 'boolean' },
  yes: { type: 'boolean' },
  check: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

function target(server: ServerReport): string {
  return server.target ? `${server.target.host.includes(':') ? `[${server.target.host}]` : server.target.host}:${server.target.port}` : '-';
}

function stateText(server: ServerReport): string {
  switch (server.state) {
    case 'will-fail':
      return server.reason === 'unknown-root' ? `will fail: ${server.root?.subject ?? 'a root'} is in no trust store (sha256 ${server.root?.sha256 ?? '?'})` : `will fail: runtime does not trust ${server.root?.subject ?? 'the root'}`;
    case 'failing':
      return `failing now: ${server.message}`;
    case 'remote-host-trust':
      return `remote: trust belongs to ${server.hostApp}`;
    case 'strict-ca':
      return `strict-ca: ${server.message}`;
    case 'unreachable':
      return `unreachable: ${server.message}`;
    case 'ok':
      return `ok (${server.message})`;
    case 'unknown':
      return `unknown: ${server.message}`;
  }
}

function human(result: DoctorResult, home: string): string {
  const short = (file: string): string => (file.startsWith(home + path.sep) ? `~${file.slice(home.length)}` : file);
  const lines: string[] = [];
  if (result.configs.length === 0) lines.push('No MCP config found.');
  for (const server of result.servers) {
    const where = `${short(server.config)}${server.project ? ` [${server.project}]` : ''}`;
    const fix = server.fix.kind === 'none' ? '' : `\n    fix (${server.fix.kind}): ${server.fix.detail}`;
    lines.push(`${server.hostApp}  ${where}  ${server.server}  ${server.transport === 'remote' ? 'remote' : server.runtime}  ${target(server)}  ${stateText(server)}${fix}`);
  }
  for (const bad of result.unreadable) lines.push(`cannot read ${short(bad.config)}: ${bad.message}`);
  for (const warning of result.warnings) lines.push(`warning: ${warning.config ? `${short(warning.config)}: ` : ''}${warning.message}`);
  for (const change of result.changed) {
    if (change.kind === 'host-level') {
      const what = [...Object.keys(change.env).map((name) => `env.${name}`), ...Object.keys(change.settings ?? {})].join(', ');
      lines.push(`changed ${short(change.config)} (host-level, for remote ${change.server}): ${what}${Object.keys(change.env).length > 0 ? ` → ${change.bundle}` : ''}`);
    } else lines.push(`changed ${short(change.config)} ${change.server}: ${Object.keys(change.env).join(', ')} → ${change.bundle}`);
    if (change.verified) lines.push(`    ${change.verified.message}`);
  }
  for (const skip of result.skipped) lines.push(`skipped ${short(skip.config)} ${skip.server}: ${skip.reason}`);
  return `${lines.join('\n')}\n`;
}

async function isDirectory(dir: string): Promise<boolean> {
  return (await fs.stat(dir).catch(() => null))?.isDirectory() === true;
}

export const doctor: Command = async (argv, io) => {
  let values;
  try {
    values = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new DoctorError('usage', (error as Error).message);
  }
  const resolve = (file: string): string => path.resolve(io.cwd, file);
  const mode = (values.mode ?? 'combined') as BundleMode;
  if (mode !== 'combined' && mode !== 'ca-only') throw new DoctorError('usage', `--mode ${values.mode}: expected combined or ca-only`);
  if (values.fix && values.check) throw new DoctorError('usage', '--check changes nothing: give --fix or --check, not both');
  if (values['probe-host'] !== undefined) parseHostPort(values['probe-host']);
  const ownHome = homeOf(io);
  const homes = (values.home ?? [ownHome]).map(resolve);
  const workspaces = (values.workspace ?? []).map(resolve);
  for (const dir of [...homes, ...workspaces]) if (!(await isDirectory(dir))) throw new DoctorError('usage', `${dir}: no such folder`);
  const givenCa = values.ca ? readCertificates(await readInput(resolve(values.ca), '--ca'), `--ca ${values.ca}`).map((cert) => cert.pem) : undefined;
  const probe = analyzerOptions(values, io);
  if (givenCa && values['trust-unknown-ca'] !== true) {
    const { caTrustSource } = await import('../core/chain/index');
    const { checkGivenCa } = await import('../core/doctor/policy');
    checkGivenCa(await caTrustSource(givenCa.join(''), probe), false, `--ca ${values.ca}`);
  }
  const progress = io.isTTY?.stderr && !values.json ? (message: string) => io.stderr(`${message}\n`) : undefined;
  const run = await runDoctor({
    scopes: homes.map((home) => ({ home, workspaceFolders: workspaces, platform: process.platform, env: home === ownHome ? io.env : {} })),
    hostEnv: io.env,
    analyzer: inProcessAnalyzer(probe),
    givenCa,
    trustUnknown: values['trust-unknown-ca'] === true,
    probeHost: values['probe-host'],
    mode,
    bundleDir: values['bundle-dir'] ? resolve(values['bundle-dir']) : undefined,
    publicPem: values['public-ca'] ? (await readInput(resolve(values['public-ca']), '--public-ca')).toString('utf8') : undefined,
    readLogs: values['no-logs'] !== true,
    noRuntimeCheck: values['no-runtime-check'] === true,
    verifyDocker: values['verify-docker'] === true,
    yesOsStore: values['yes-os-store'] === true,
    onProgress: progress,
  });

  if (values.fix && run.pending > 0) {
    let go = values.yes === true;
    if (!go) {
      if (!io.isTTY?.stdin || !io.prompt) throw new DoctorError('usage', `--fix would change ${run.pending} server(s): add --yes to apply without asking (not a terminal)`);
      if (!values.json) io.stdout(human(run.result, os.homedir()));
      go = /^y(es)?$/i.test((await io.prompt(`Apply the fixes to ${run.pending} server(s)? [y/N] `)).trim());
    }
    if (go) await run.applyFixes();
  }
  io.stdout(values.json ? `${JSON.stringify(run.result, null, 2)}\n` : human(run.result, ownHome));
  if (values.check && run.pending > 0) return EXIT_CHECK_FAILED;
  if (run.result.skipped.length > 0 && values.fix) return EXIT_CHECK_FAILED;
  if (run.result.servers.some((server) => server.state === 'unreachable')) return EXIT_NETWORK;
  return EXIT_OK;
};
