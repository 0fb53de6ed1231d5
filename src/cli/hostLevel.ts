// `mcp-ssl-doctor fix --host-level HOSTAPP`: trust for remote MCP servers belongs to the host that
// connects. The flags and the terminal around core/usecases/hostLevel.ts `runHostLevelFix` (plan →
// prove → confirm → write → apply; the OS store only with --yes-os-store or a yes at the terminal).
import * as path from 'node:path';
import { parseHostPort } from '../core/chain/hostPort';
import { inProcessAnalyzer } from '../core/usecases/analyzer';
import { describeHostTrustStep, HostLevelHooks, HostLevelPlanRequest, hostLevelRequestOf, hostLevelRequestOfGivenCa, isHostId, runHostLevelFix } from '../core/usecases/hostLevel';
import type { HostTarget } from '../core/model/server';
import { readCertificates } from '../core/fix/bundle';
import { HOST_TRUST } from '../core/hostTrust/hosts';
import type { AppliedStep, CommandRunner, HostTrustResult } from '../core/hostTrust/apply';
import type { HostTrustPlan } from '../core/hostTrust/types';
import { DoctorError } from '../core/types';
import { CliIO, EXIT_OK, EXIT_USAGE, analyzerOptions, homeOf, readInput } from './io';

/** The person said no at the terminal: nothing changed, the fix is not done. */
const EXIT_DECLINED = 1;

export interface HostLevelFlags {
  'host-level'?: string;
  host?: string;
  ca?: string;
  settings?: string;
  'yes-os-store'?: boolean;
  /** The root without a question at a terminal. */
  yes?: boolean;
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
  'not-run': 'not done: the OS store step failed',
};

const TRUSTED_BY_TEXT: Record<string, string> = {
  system: 'your OS trust store already holds it',
  public: 'a public root vouches for it',
  none: "no trust store knows it: this may be an attack rather than your company's proxy; trust it only if IT confirms this fingerprint",
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
  if (result?.stopped === 'os-store-failed') lines.push('Nothing was written after the failed OS store step: the settings do not help until the root is in the store. Fix the store step and run again.');
  for (const found of result?.insecure ?? []) lines.push(`Warning: ${found.file} ${found.where} sets ${found.setting}: verification is off there; remove it.`);
  const files = result?.files.filter((file) => file.changed) ?? [];
  if (files.length > 0) {
    lines.push(plan.hostClass === 'claude-code' ? 'Restart Claude Code so it starts with the new environment.' : 'Reload the editor window (or restart the editor) so it reads the new settings.');
    for (const file of files) lines.push(`To take it back: mcp-ssl-doctor undo --config ${file.file}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The terminal's answers: flags first, else a question at a terminal; a script without the flag gets the documented default. */
function cliHooks(values: HostLevelFlags, io: CliIO): HostLevelHooks {
  const atTerminal = io.isTTY?.stdin === true && io.prompt !== undefined && values.json !== true;
  const ask = async (question: string): Promise<boolean> => /^y(es)?$/i.test(((await io.prompt?.(question)) ?? '').trim());
  return {
    // The command names the host-level fix and the policy already refused a root no store knows
    // without --trust-unknown-ca: a script goes on; a person at a terminal sees the root and says yes.
    confirmRoot: async (question) => {
      if (values.yes === true || !atTerminal) return true;
      const servers = question.servers.length > 0 ? ` for ${question.servers.join(', ')}` : '';
      io.stdout(
        [
          `Host: ${question.hostApp}${servers}${question.verified ? ` (remote host ${question.verified.host}:${question.verified.port})` : ''}`,
          `Root: ${question.root.subject}`,
          `  sha256 ${question.root.sha256}`,
          `  ${TRUSTED_BY_TEXT[question.trustedBy ?? 'none']}`,
          ...question.plan.steps.map((step) => `  would: ${describeHostTrustStep(step)}`),
          '',
        ].join('\n'),
      );
      return ask(`Trust this root in ${question.hostApp}? [y/N] `);
    },
    confirmOsStore: async (step) => {
      if (values['yes-os-store'] === true) return true;
      if (!atTerminal) return false;
      return ask(`Add the root to your OS trust store now (${step.command})? [y/N] `);
    },
  };
}

/** What tests inject: the platform the plan is for, the store command runner. */
export interface HostLevelDeps {
  platform?: NodeJS.Platform;
  run?: CommandRunner;
}

export async function fixHostLevel(values: HostLevelFlags, io: CliIO, deps: HostLevelDeps = {}): Promise<number> {
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
  const where = {
    hostApp,
    home: homeOf(io),
    platform: deps.platform,
    bundleDir: values['bundle-dir'] ? resolve(values['bundle-dir']) : undefined,
    publicPem,
    settingsFile: values.settings ? resolve(values.settings) : undefined,
    env: io.env,
  };

  let request: HostLevelPlanRequest;
  if (values.ca) {
    const caPems = readCertificates(await readInput(resolve(values.ca), '--ca'), `--ca ${values.ca}`).map((cert) => cert.pem);
    request = await hostLevelRequestOfGivenCa(caPems, { ...where, trustUnknown }, probeFlags, `--ca ${values.ca}`);
  } else {
    request = hostLevelRequestOf(await analyzer.analyze(target as HostTarget), { ...where, trustUnknown });
  }
  const dryRun = values['dry-run'] === true;
  const outcome = await runHostLevelFix({
    ...request,
    // Proof before anything is written: the remote host verifies trusting only this bundle.
    proof: target && { target, verify: async (pem) => analyzer.verify(target, pem) },
    hooks: cliHooks(values, io),
    dryRun,
    replaceExisting: values.replace === true,
    run: deps.run,
  });
  const { plan } = outcome.prepared;
  const rootInOsStore = request.rootInOsStore;
  switch (outcome.status) {
    case 'proof-failed': {
      const where = target ? `${target.host}:${target.port}` : '?';
      throw new DoctorError('refused', `a handshake with ${where} trusting only the bundle fails (${outcome.proofError ?? 'unknown error'}): nothing was written`);
    }
    case 'declined':
      io.stdout('Nothing changed.\n');
      return EXIT_DECLINED;
    case 'planned': {
      const steps = plan.steps.map((step) => ({ step, outcome: (step.kind === 'explain' || step.kind === 'editor-process-env' || step.kind === 'host-process-env' ? 'shown' : 'planned') as Outcome }));
      io.stdout(
        values.json
          ? `${JSON.stringify({ dryRun: true, hostApp, hostClass: plan.hostClass, root: plan.root, rootInOsStore, reasons: plan.reasons, bundle: { path: outcome.prepared.bundle.path, written: false }, verified: outcome.verified, steps: steps.map((s) => stepJson(s.step, s.outcome)), files: [], insecure: [] }, null, 2)}\n`
          : human(plan, outcome.prepared.bundle, outcome.verified, steps, null, true),
      );
      return EXIT_OK;
    }
    case 'applied':
    case 'os-store-failed':
      break;
  }
  const result = outcome.applied as HostTrustResult;
  const bundle = { path: outcome.prepared.bundle.path, written: outcome.prepared.bundle.written };
  io.stdout(
    values.json
      ? `${JSON.stringify({ dryRun: false, hostApp, hostClass: plan.hostClass, root: plan.root, rootInOsStore, reasons: plan.reasons, bundle, verified: outcome.verified, status: outcome.status, steps: result.steps.map((s) => stepJson(s.step, s.outcome, s.detail)), files: result.files, insecure: result.insecure }, null, 2)}\n`
      : human(plan, bundle, outcome.verified, result.steps, result, false),
  );
  // A store command that ran and failed: the fix is not done.
  return result.steps.some((step) => step.outcome === 'failed') ? EXIT_USAGE : EXIT_OK;
}
