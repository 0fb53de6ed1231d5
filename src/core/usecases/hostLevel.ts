// Host-level trust for remote MCP servers: the one orchestration the CLI (`fix --host-level`),
// `doctor --fix` and the editor (extension/remoteTrust.ts) run. Plan (policy → root → combined bundle
// → planHostTrust, pure) → prove (a handshake trusting only the bundle) → the front end's confirmation
// hooks → write the bundle → apply the steps (hostTrust/apply.ts: a failed OS-store step stops the
// rest) → a result of codes each front end words.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { buildBundle, readCertificates, writeBundle } from '../fix/bundle';
import { trustedOwners } from '../files/owner';
import type { HostId } from '../hosts/locations';
import { defaultBundleDir } from '../fix/paths';
import { namesOwnBundle, ownBundlesOf } from '../fix/renewal';
import { HOST_TRUST } from '../hostTrust/hosts';
import { planHostTrust } from '../hostTrust/plan';
import { editSettings, SettingEdit } from '../hostTrust/settingsFile';
import type { CommandRunner, HostTrustResult, StepOutcome } from '../hostTrust/apply';
import type { EditorSettingStep, HostTrustPlan, HostTrustRoot, HostTrustStep, OsStoreStep } from '../hostTrust/types';
import type { ChainReport } from '../types';
import { DoctorError } from '../types';
import { casForFix, checkGivenCa } from '../assess/policy';
import type { AnalyzerOptions, HostTarget } from '../model/server';

export function isHostId(name: string): name is HostId {
  return Object.prototype.hasOwnProperty.call(HOST_TRUST, name);
}

/** The root of the CAs to trust: the one with `rootSha256` (a report's root), else the last given (a PEM lists the root last). */
export function hostTrustRootOf(caPems: (string | Buffer)[], rootSha256?: string): HostTrustRoot {
  const certs = caPems.flatMap((pem, i) => readCertificates(pem, `CA ${i + 1}`));
  const root = (rootSha256 && certs.find((cert) => cert.sha256 === rootSha256)) || certs[certs.length - 1];
  if (!root) throw new DoctorError('usage', 'no CA certificate to trust');
  return { pem: root.pem, subject: root.subject, sha256: root.sha256 };
}

export interface HostLevelRequest {
  hostApp: HostId;
  home: string;
  platform?: NodeJS.Platform;
  /** The CAs the policy allows (casForFix, or given and checkGivenCa'd). */
  caPems: (string | Buffer)[];
  /** The report's root, when the CAs come from a probe. */
  rootSha256?: string;
  rootInOsStore: boolean;
  bundleDir?: string;
  publicPem?: string;
  /** The host's settings file: the editor's user settings.json, or Claude Code's settings.json. */
  settingsFile?: string;
  availableSettings?: string[];
  env?: NodeJS.ProcessEnv;
  /** False: plan only (dry run), nothing is written. */
  writeBundle: boolean;
}

export interface HostLevelPrepared {
  plan: HostTrustPlan;
  root: HostTrustRoot;
  bundle: { path: string; written: boolean; pem: string };
}

/** Builds (and, unless a dry run, writes) the combined bundle, then plans the host's steps. */
async function prepareHostLevel(request: HostLevelRequest): Promise<HostLevelPrepared> {
  const platform = request.platform ?? process.platform;
  const certs = request.caPems.flatMap((pem, i) => readCertificates(pem, `CA ${i + 1}`));
  const root = hostTrustRootOf(request.caPems, request.rootSha256);
  // Combined: the host's Node replaces nothing with it (NODE_EXTRA_CA_CERTS adds), and SSL_CERT_FILE needs the public roots.
  const bundle = buildBundle(certs, 'combined', request.publicPem);
  const bundleDir = request.bundleDir ?? defaultBundleDir(request.home, platform);
  const bundlePath = path.join(bundleDir, bundle.fileName);
  let written = false;
  // As root for another user's home, that home's owner is trusted too (and owns what is created there).
  if (request.writeBundle) written = (await writeBundle(bundle, bundleDir, { owners: await trustedOwners(request.home) })).written;
  const hostClass = HOST_TRUST[request.hostApp]?.hostClass;
  let plan = planHostTrust({
    hostApp: request.hostApp,
    platform,
    home: request.home,
    root,
    rootInOsStore: request.rootInOsStore,
    bundlePath,
    editorSettingsPath: hostClass === 'editor' ? request.settingsFile : undefined,
    availableSettings: request.availableSettings,
    env: request.env,
  });
  if (hostClass === 'claude-code' && request.settingsFile) {
    const file = request.settingsFile;
    plan = { ...plan, steps: plan.steps.map((step): HostTrustStep => (step.kind === 'claude-code-env' ? { ...step, file } : step)) };
  }
  return { plan, root, bundle: { path: bundlePath, written, pem: bundle.pem } };
}

/** The plan alone: nothing is written (the dry run, doctor's report, what the confirmation shows). */
export function planHostLevel(request: HostLevelPlanRequest): Promise<HostLevelPrepared> {
  return prepareHostLevel({ ...request, writeBundle: false });
}

/** Which store already trusts the root: the OS store, the public roots, or none (possibly an attack). */
export type RootTrustedBy = 'system' | 'public' | null;

export type HostLevelPlanRequest = Omit<HostLevelRequest, 'writeBundle'> & { trustedBy: RootTrustedBy };

/** What a front end knows besides the probe's report. */
export interface HostLevelContext {
  hostApp: HostId;
  home: string;
  platform?: NodeJS.Platform;
  /** The user's word for a root no store knows (the CLI's --trust-unknown-ca, the editor's modal). */
  trustUnknown: boolean;
  bundleDir?: string;
  publicPem?: string;
  settingsFile?: string;
  availableSettings?: string[];
  env?: NodeJS.ProcessEnv;
}

/**
 * The request from a probe's report, the same for every front end: the CAs the policy allows (a
 * DoctorError('refused') with its reason code otherwise), the report's root, whether the OS store
 * holds it (an `intercepted` chain verifies to the OS store; an `untrusted` one to no store).
 */
export function hostLevelRequestOf(report: ChainReport, context: HostLevelContext): HostLevelPlanRequest {
  const { trustUnknown, ...rest } = context;
  const caPems = casForFix(report, trustUnknown);
  const rootInOsStore = report.verdict === 'intercepted';
  return { ...rest, caPems, rootSha256: report.root?.sha256, rootInOsStore, trustedBy: rootInOsStore ? 'system' : null };
}

/**
 * The request for CAs given by hand (`--ca`): the same policy as a report's (a CA no store knows only
 * with the user's word, `what` names it in the refusal), the last certificate as the root.
 */
export async function hostLevelRequestOfGivenCa(caPems: string[], context: HostLevelContext, stores: Pick<AnalyzerOptions, 'systemCaFile' | 'publicCaFile' | 'env'>, what: string): Promise<HostLevelPlanRequest> {
  const { trustUnknown, ...rest } = context;
  const { caTrustSource } = await import('../chain/caTrust');
  checkGivenCa(await caTrustSource(caPems.join(''), stores), trustUnknown, what);
  const root = hostTrustRootOf(caPems);
  const trustedBy = await caTrustSource(root.pem, stores);
  return { ...rest, caPems, rootSha256: root.sha256, rootInOsStore: trustedBy === 'system', trustedBy };
}

/** What the front end asks the person before anything is written. */
export interface HostLevelQuestion {
  hostApp: HostId;
  root: { subject: string; sha256: string };
  trustedBy: RootTrustedBy;
  /** The remote servers the trust is for (names), when the front end knows them. */
  servers: string[];
  plan: HostTrustPlan;
  /** The host a handshake trusting only the bundle succeeded with. */
  verified: HostTarget | null;
}

/** The front end's answers (the CLI: flags or a terminal prompt; the editor: modals). */
export interface HostLevelHooks {
  /** The root (subject, SHA-256, which store trusts it, which servers): false writes nothing. */
  confirmRoot(question: HostLevelQuestion): Promise<boolean>;
  /** Running the OS-store command (macOS, Windows): false leaves that step `needs-confirmation`. */
  confirmOsStore(step: OsStoreStep): Promise<boolean>;
}

export interface HostLevelFixRequest extends HostLevelPlanRequest {
  servers?: string[];
  /** The proof: a handshake with the target trusting only the bundle, before anything is asked or written. */
  proof?: { target: HostTarget; verify: (bundlePem: string) => Promise<{ ok: boolean; error?: string }> };
  hooks: HostLevelHooks;
  /** Plan and prove only: nothing is asked or written. */
  dryRun?: boolean;
  replaceExisting?: boolean;
  run?: CommandRunner;
  /** The editor writes its settings through its own API (see ApplyHostTrustOptions). */
  writeEditorSettings?: (steps: EditorSettingStep[]) => Promise<StepOutcome[]>;
}

export type HostLevelStatus =
  /** Dry run: planned and proved, nothing written. */
  | 'planned'
  /** The handshake trusting only the bundle failed: nothing asked, nothing written. */
  | 'proof-failed'
  /** The person said no to the root: nothing written. */
  | 'declined'
  /** Every step carried out or left to the person (see each step's outcome). */
  | 'applied'
  /** The OS-store command failed: nothing was written after it (the file steps are `not-run`). */
  | 'os-store-failed';

export interface HostLevelFixResult {
  status: HostLevelStatus;
  /** The plan and bundle (after the write when one happened: `bundle.written`). */
  prepared: HostLevelPrepared;
  verified: HostTarget | null;
  proofError?: string;
  /** The steps' outcomes (changed, unchanged, kept-existing, ran, failed, not-run, ...), when applied. */
  applied: HostTrustResult | null;
}

/** The host-level fix, the same for every front end. */
export async function runHostLevelFix(request: HostLevelFixRequest): Promise<HostLevelFixResult> {
  const { servers = [], proof, hooks, dryRun, replaceExisting, run, writeEditorSettings, ...planRequest } = request;
  const planned = await planHostLevel(planRequest);
  let verified: HostTarget | null = null;
  if (proof) {
    const check = await proof.verify(planned.bundle.pem);
    if (!check.ok) return { status: 'proof-failed', prepared: planned, verified: null, proofError: check.error ?? 'unknown error', applied: null };
    verified = proof.target;
  }
  if (dryRun) return { status: 'planned', prepared: planned, verified, applied: null };
  const question: HostLevelQuestion = { hostApp: request.hostApp, root: planned.plan.root, trustedBy: request.trustedBy, servers, plan: planned.plan, verified };
  if (!(await hooks.confirmRoot(question))) return { status: 'declined', prepared: planned, verified, applied: null };
  const osStore = planned.plan.steps.find((step): step is OsStoreStep => step.kind === 'os-store' && step.runsHere);
  const confirmedOsStore = osStore ? await hooks.confirmOsStore(osStore) : false;
  // The bundle (and the root file for the store) only now, after the person said yes.
  const written = await prepareHostLevel({ ...planRequest, writeBundle: true });
  const { applyHostTrust } = await import('../hostTrust/apply');
  const applied = await applyHostTrust(written.plan, { confirmedOsStore, replaceExisting, run, writeEditorSettings });
  return { status: applied.stopped === 'os-store-failed' ? 'os-store-failed' : 'applied', prepared: written, verified, applied };
}

/** One line per step, in English (the CLI's and the doctor's `fix.detail`; the editor words its own). */
export function describeHostTrustStep(step: HostTrustStep): string {
  switch (step.kind) {
    case 'editor-setting':
      return `set "${step.key}": true in ${step.file}`;
    case 'claude-code-env':
      return `set env.${step.variable} = ${step.value} in ${step.file}`;
    case 'os-store':
      return step.runsHere
        ? `add the root to your OS store (${step.certFile}): ${step.command}`
        : `an administrator adds the root to the system store (no per-user store on Linux): ${step.command}`;
    case 'editor-process-env':
      return `start the editor with ${step.variable}=${step.value} in its environment (it then reads this bundle instead of the OS bundle)`;
    case 'host-process-env':
      return step.note === 'reads-os-store'
        ? `start the host with ${step.variable}=${step.value} in its environment (its Node, 22.19+ or 23.8+, then trusts the OS store, which holds the root)`
        : `${step.alternative ? 'or ' : ''}start the host with ${step.variable}=${step.value} in its environment (it adds this bundle to the roots it trusts)`;
    case 'explain':
      switch (step.code) {
        case 'cloud-connector':
          return 'connectors added in Claude Desktop connect from the vendor cloud: nothing to fix on this machine';
        case 'local-bridge-is-stdio':
          return 'a local mcp-remote bridge is a Node stdio server: fix it like any stdio server (mcp-ssl-doctor fix --config ...)';
        case 'claude-settings-env-read-late':
          return 'restart Claude Code; if its own connections still fail, start it with NODE_EXTRA_CA_CERTS set in the shell as well';
        case 'no-system-certificates-setting':
          return 'this editor offers no http.systemCertificates setting: only its process environment helps';
        case 'host-reads-os-store':
          return 'this host trusts the OS store, which already holds the root: restart it';
        case 'host-env-not-written':
          return 'the host reads these variables only from the environment it starts in (nothing in its config does): set them in your shell profile or its launcher, then restart it; mcp-ssl-doctor edits no shell profile';
      }
  }
}

/** Whether applying the plan's file steps would change a byte (doctor's `--check` and `pending`). */
export async function hostPlanWouldChange(plan: HostTrustPlan): Promise<boolean> {
  const byFile = new Map<string, SettingEdit[]>();
  const ours = namesOwnBundle(await ownBundlesOf(plan.home, plan.platform).catch(() => new Set<string>()), plan.home, plan.platform);
  for (const step of plan.steps) {
    if (step.kind === 'editor-setting') byFile.set(step.file, [...(byFile.get(step.file) ?? []), { path: [step.key], value: step.value, replace: true }]);
    if (step.kind === 'claude-code-env') byFile.set(step.file, [...(byFile.get(step.file) ?? []), { path: ['env', step.variable], value: step.value, replace: false, replaceWhen: ours }]);
  }
  for (const [file, edits] of byFile) {
    const text = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (editSettings(file, text, edits).content !== null) return true;
  }
  return false;
}
