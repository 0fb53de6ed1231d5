// `mcp-ssl-doctor fix --host-level HOSTAPP`: trust for remote MCP servers belongs to the host that
// connects (DESIGN.md "Trust belongs to the host for remote servers"). Analyse → policy → bundle →
// verify → planHostTrust → apply the file steps (the OS store only with --yes-os-store).
import * as path from 'node:path';
import { parseHostPort } from '../core/chain/hostPort';
import { inProcessAnalyzer } from '../core/doctor/analyzer';
import { describeHostTrustStep, hostTrustRootOf, isHostId, prepareHostLevel } from '../core/doctor/hostLevel';
import { casForFix, checkGivenCa } from '../core/doctor/policy';
import type { HostTarget } from '../core/doctor/types';
import { readCertificates } from '../core/fix/bundle';
import { HOST_TRUST } from '../core/hostTrust/hosts';
import type { AppliedStep, HostTrustResult } from '../core/hostTrust/apply';
import type { HostTrustPlan } from '../core/hostTrust/types';
import { DoctorError } from '../core/types';
import { CliIO, EXIT_OK, EXIT_USAGE, analyzerOptions, homeOf, readInput } from './io';

export interface HostLevelFlags {
  'host-level'?: string;
  host?: string;
  ca?: string;
  settings?: string;
  'yes-os-store'?: boolean;
  'dry-run'?: boolean;
  json?: boolean;
  'trust-unknown-ca'?: boolean;
  'bundle-dir'?: string;
  'public-ca'?: string;
  'system-ca'?: string;
  proxy?: string;
  servername?: string;
  timeout?: string;
  config?: string;
  server?: string[];
  mode?: string;
  replace?: boolean;
  'remove-insecure'?: boolean;
}

type Outcome = AppliedStep['outcome'] | 'planned';

function stepJson(step: AppliedStep['step'], outcome: Outcome, detail?: string): Record<string, unknown> {
  // The root PEM is in the bundle; the step names its file.
  const rest: Record<string, unknown> = { ...step };
  delete rest.certPem;
  return { ...rest, outcome, text: describeHostTrustStep(step), ...(detail ? { detail } : {}) };
}

const OUTCOME_TEXT: Record<Outcome, string> = {
  planned: 'would',
  changed: 'done',
  unchanged: 'already so',
  'kept-existing': 'kept',
  ran: 'done',
  failed: 'FAILED',
  'needs-confirmation': 'not done (needs --yes-os-store)',
  shown: 'for you',
};

function human(plan: HostTrustPlan, bundle: { path: string; written: boolean }, verified: HostTarget | null, steps: { step: AppliedStep['step']; outcome: Outcome; detail?: string }[], result: HostTrustResult | null, dryRun: boolean): string {
  const lines: string[] = [];
  if (dryRun) lines.push('Dry run: nothing was written. This is what a host-level fix would do:', '');
  lines.push(`Host: ${plan.hostApp} (remote servers: the host connects itself, so the trust goes into the host)`);
  lines.push(`Root: ${plan.root.subject} (sha256 ${plan.root.sha256})`);
  lines.push(`Bundle: ${bundle.path} ${dryRun ? '' : bundle.written ? '(written)' : '(already there, unchanged)'}`.trimEnd());
  if (verified) lines.push(`Verified: a handshake with ${verified.host}:${verified.port} trusting only this bundle succeeds.`);
  for (const { step, outcome, detail } of steps) {
    lines.push(`  [${OUTCOME_TEXT[outcome]}] ${describeHostTrustStep(step)}${outcome === 'kept-existing' && detail ? ` (it holds ${detail}; run again with --replace to point it at the bundle)` : outcome === 'failed' && detail ? `: ${detail}` : ''}`);
    if (step.kind === 'os-store' && !step.runsHere) {
      lines.push('    Copy for an administrator:', `      ${step.command}`);
      for (const alt of step.alternatives ?? []) lines.push(`      (${alt.family}) ${alt.command}`);
    }
  }
  for (const found of result?.insecure ?? []) lines.push(`Warning: ${found.file} ${found.where} sets ${found.setting}: verification is off there; remove it.`);
  const files = result?.files.filter((file) => file.changed) ?? [];
  if (files.length > 0) {
    lines.push(plan.hostClass === 'claude-code' ? 'Restart Claude Code so it starts with the new environment.' : 'Reload the editor window (or restart the editor) so it reads the new settings.');
    for (const file of files) lines.push(`To take it back: mcp-ssl-doctor undo --config ${file.file}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function fixHostLevel(values: HostLevelFlags, io: CliIO): Promise<number> {
  const usage = (message: string): number => {
    io.stderr(`mcp-ssl-doctor fix: ${message}\n`);
    return EXIT_USAGE;
  };
  const hostApp = values['host-level'] ?? '';
  if (!isHostId(hostApp)) return usage(`--host-level ${hostApp}: expected one of ${Object.keys(HOST_TRUST).join(', ')}`);
  if (values.config || values.server) return usage('--host-level fixes the host, not a config: leave out --config and --server (use --settings FILE for the host settings file)');
  if (values.mode && values.mode !== 'combined') return usage('--host-level always writes a combined bundle (public roots + CA)');
  if (!values.ca === !values.host) return usage('give the CA (--ca PEM) or the remote server host to find it from (--host HOST[:PORT]), one of them');
  const resolve = (file: string): string => path.resolve(io.cwd, file);
  const publicPem = values['public-ca'] ? (await readInput(resolve(values['public-ca']), '--public-ca')).toString('utf8') : undefined;
  const trustUnknown = values['trust-unknown-ca'] === true;
  const probeFlags = analyzerOptions(values, io);
  const analyzer = inProcessAnalyzer(probeFlags);
  const target = values.host ? parseHostPort(values.host) : undefined;
  const { caTrustSource } = await import('../core/chain/index');

  let caPems: string[];
  let rootSha256: string | undefined;
  if (values.ca) {
    caPems = readCertificates(await readInput(resolve(values.ca), '--ca'), `--ca ${values.ca}`).map((cert) => cert.pem);
    checkGivenCa(await caTrustSource(caPems.join(''), probeFlags), trustUnknown, `--ca ${values.ca}`);
  } else {
    const report = await analyzer.analyze(target as HostTarget);
    caPems = casForFix(report, trustUnknown);
    rootSha256 = report.root?.sha256;
  }
  const root = hostTrustRootOf(caPems, rootSha256);
  const rootInOsStore = (await caTrustSource(root.pem, probeFlags)) === 'system';
  const dryRun = values['dry-run'] === true;
  const home = homeOf(io);
  const request = {
    hostApp,
    home,
    caPems,
    rootSha256: root.sha256,
    rootInOsStore,
    bundleDir: values['bundle-dir'] ? resolve(values['bundle-dir']) : undefined,
    publicPem,
    settingsFile: values.settings ? resolve(values.settings) : undefined,
    env: io.env,
  };
  const prepared = await prepareHostLevel({ ...request, writeBundle: false });

  // Proof before anything is written: the remote host verifies trusting only this bundle.
  let verified: HostTarget | null = null;
  if (target) {
    const check = await analyzer.verify(target, prepared.bundle.pem);
    if (!check.ok) throw new DoctorError('refused', `a handshake with ${target.host}:${target.port} trusting only the bundle fails (${check.error ?? 'unknown error'}): nothing was written`);
    verified = target;
  }
  const { plan } = prepared;
  if (dryRun) {
    const steps = plan.steps.map((step) => ({ step, outcome: (step.kind === 'explain' || step.kind === 'editor-process-env' ? 'shown' : 'planned') as Outcome }));
    io.stdout(
      values.json
        ? `${JSON.stringify({ dryRun: true, hostApp, hostClass: plan.hostClass, root: plan.root, rootInOsStore, reasons: plan.reasons, bundle: { path: prepared.bundle.path, written: false }, verified, steps: steps.map((s) => stepJson(s.step, s.outcome)), files: [], insecure: [] }, null, 2)}\n`
        : human(plan, prepared.bundle, verified, steps, null, true),
    );
    return EXIT_OK;
  }
  const written = await prepareHostLevel({ ...request, writeBundle: true });
  const { applyHostTrust } = await import('../core/hostTrust/apply');
  const result = await applyHostTrust(written.plan, { confirmedOsStore: values['yes-os-store'] === true, replaceExisting: values.replace === true });
  const bundle = { path: written.bundle.path, written: written.bundle.written };
  io.stdout(
    values.json
      ? `${JSON.stringify({ dryRun: false, hostApp, hostClass: plan.hostClass, root: plan.root, rootInOsStore, reasons: plan.reasons, bundle, verified, steps: result.steps.map((s) => stepJson(s.step, s.outcome, s.detail)), files: result.files, insecure: result.insecure }, null, 2)}\n`
      : human(written.plan, bundle, verified, result.steps, result, false),
  );
  // A store command that ran and failed: the fix is not done.
  return result.steps.some((step) => step.outcome === 'failed') ? EXIT_USAGE : EXIT_OK;
}
