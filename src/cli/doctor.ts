// `mcp-ssl-doctor doctor`: every MCP server of the machine (or of the given homes), its state, and
// the fixes; `--fix` applies them, `--check` exits 1 when something would change (fleet scripts).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parseHostPort } from '../core/chain/hostPort';
import { inProcessAnalyzer } from '../core/usecases/analyzer';
import type { DoctorResult, ServerReport } from '../core/usecases/doctor';
import { runDoctor } from '../core/usecases/doctor';
import { BundleMode, readCertificates } from '../core/fix/bundle';
import { DoctorError } from '../core/types';
import { DoctorMode, doctorJson, outcomeText, PendingRoot, questionText, reportText, RootStore, rootsText } from './doctorText';
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

/** A server that will fail behind the proxy (or fails now), whatever --fix may do about it. */
function willFail(server: ServerReport): boolean {
  if (server.state === 'will-fail' || server.state === 'strict-ca') return true;
  // A failure in its log while nothing intercepts its target has another cause: not this tool's to fix.
  if (server.state === 'failing') return server.reason !== 'public-root';
  return server.state === 'remote-host-trust' && server.fix.kind === 'none';
}

/** Whether --fix would change something for it: an env fix, or a host-level fix not yet in place. */
function pendingFix(server: ServerReport): boolean {
  return server.fix.kind === 'env' || (server.fix.kind === 'host-level' && server.fix.inPlace !== true);
}

function changedByRun(server: ServerReport, result: DoctorResult): boolean {
  return result.changed.some((change) => change.server === server.server && (change.kind === 'host-level' ? server.transport === 'remote' : change.config === server.config));
}

/** The roots a fix would trust, each with the servers it goes to and which store trusts it. */
function pendingRoots(result: DoctorResult, givenStore: RootStore | undefined): PendingRoot[] {
  const roots = new Map<string, PendingRoot>();
  for (const server of result.servers) {
    if (!pendingFix(server) || !server.root) continue;
    const store: RootStore = givenStore ?? (server.verdict === 'intercepted' ? 'os-store' : 'none');
    const root = roots.get(server.root.sha256) ?? { ...server.root, store, servers: [] };
    root.servers.push(server);
    roots.set(server.root.sha256, root);
  }
  return [...roots.values()];
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
  // An empty path is the current folder to path.resolve: never what the user meant.
  for (const name of ['home', 'workspace', 'bundle-dir', 'ca', 'system-ca', 'public-ca'] as const) {
    const given = values[name];
    if ((Array.isArray(given) ? given : [given]).some((value) => value === '')) throw new DoctorError('usage', `--${name}: empty; name a ${name === 'home' || name === 'workspace' || name === 'bundle-dir' ? 'folder' : 'file'} (an empty value would mean the current folder)`);
  }
  if (values['probe-host'] !== undefined) parseHostPort(values['probe-host']);
  const ownHome = homeOf(io);
  const homes = (values.home ?? [ownHome]).map(resolve);
  const workspaces = (values.workspace ?? []).map(resolve);
  for (const dir of [...homes, ...workspaces]) if (!(await isDirectory(dir))) throw new DoctorError('usage', `${dir}: no such folder`);
  const givenCa = values.ca ? readCertificates(await readInput(resolve(values.ca), '--ca'), `--ca ${values.ca}`).map((cert) => cert.pem) : undefined;
  const probe = analyzerOptions(values, io);
  let givenStore: RootStore | undefined;
  if (givenCa) {
    const { caTrustSource } = await import('../core/chain/index');
    const { checkGivenCa } = await import('../core/assess/policy');
    const source = await caTrustSource(givenCa.join(''), probe);
    checkGivenCa(source, values['trust-unknown-ca'] === true, `--ca ${values.ca}`);
    givenStore = source === 'system' ? 'os-store' : source === 'public' ? 'public' : 'none';
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

  const { result } = run;
  const asking = values.fix === true && run.pending > 0 && values.yes !== true;
  const prompt = io.isTTY?.stdin ? io.prompt : undefined;
  if (asking && !prompt) throw new DoctorError('usage', `--fix would change ${run.pending} server(s): add --yes to apply without asking (not a terminal)`);
  // The report once, before anything changes; JSON (one document on stdout) at the end.
  const say = values.json ? io.stderr : io.stdout;
  if (!values.json) io.stdout(reportText(result, ownHome, values.fix ? 'fix' : values.check ? 'check' : 'report'));
  let outcome: DoctorMode = values.fix ? 'fix' : values.check ? 'check' : 'report';
  if (values.fix && run.pending > 0) {
    // Nothing is trusted before its subject, SHA-256 and store are shown (--yes included; with --json
    // they are in the document, and on stderr when the question is asked).
    if (!values.json || asking) say(rootsText(pendingRoots(result, givenStore), ownHome));
    const go = asking && prompt ? /^y(es)?$/i.test((await prompt(questionText(run.pending))).trim()) : true;
    if (go) await run.applyFixes();
    else outcome = 'declined';
  }
  const failing = result.servers.filter(willFail);
  const stillFailing = outcome === 'fix' ? failing.filter((server) => !changedByRun(server, result)) : outcome === 'check' ? failing.filter((server) => !pendingFix(server)) : [];
  if (values.json) io.stdout(doctorJson(result));
  else {
    const unchecked = result.servers.filter((server) => server.state === 'unreachable' || (server.state === 'unknown' && server.reason !== 'invalid-entry'));
    io.stdout(outcomeText(result, ownHome, outcome, { pending: run.pending, stillFailing, unchecked }));
  }
  if (outcome === 'declined' && values.json) say('Nothing changed: no fix was applied.\n');
  if (outcome === 'check' && (run.pending > 0 || result.unreadable.length > 0 || stillFailing.length > 0)) return EXIT_CHECK_FAILED;
  if (outcome === 'fix' && (result.skipped.length > 0 || result.unreadable.length > 0 || stillFailing.length > 0)) return EXIT_CHECK_FAILED;
  if (result.servers.some((server) => server.state === 'unreachable')) return EXIT_NETWORK;
  return EXIT_OK;
};
