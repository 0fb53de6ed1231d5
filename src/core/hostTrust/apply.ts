// Carries out a host-trust plan: the file steps as byte-exact JSONC edits written atomically with an
// undo record; the OS-store step only when the caller confirmed it and it can run here. A second
// apply of the same plan changes no byte.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DoctorError } from '../types';
import { readFileChecked, realTarget, writeFileAtomic } from '../files/atomic';
import { withLock } from '../files/lock';
import { hostTrustManifestPath, loadHostManifest, readHostManifest, sha256, writeManifest } from '../fix/journal';
import { ensurePrivateDir, keepOwner, makeFolders, ownerToKeep, removeEmptyFolders, trustedOwners } from '../files/owner';
import { atomicSafeRead } from '../config/read';
import { parseJsonc, stripBom } from '../config/config';
import { namesOwnBundle, ownBundlesOf } from '../fix/renewal';
import { envOfNode, insecureInEnv } from './insecure';
import { editSettings, nodeAtPath, SettingEdit, SettingsUndoStep, undoSettingsSteps } from './settingsFile';
import type { ClaudeCodeEnvStep, EditorSettingStep, HostTrustPlan, HostTrustStep, OsStoreStep } from './types';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one argv without a shell. Injected by tests (the store commands are never run there). */
export type CommandRunner = (argv: string[]) => Promise<CommandResult>;

export const runCommand: CommandRunner = (argv) =>
  new Promise((resolve) => {
    const [command, ...args] = argv;
    if (!command) {
      resolve({ code: 2, stdout: '', stderr: 'empty command' });
      return;
    }
    execFile(command, args, { windowsHide: true }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr || (error && typeof error.code !== 'number' ? error.message : '')) });
    });
  });

export interface ApplyHostTrustOptions {
  /** The person confirmed adding the root to their OS store (subject and SHA-256 shown). */
  confirmedOsStore?: boolean;
  /** Replace an existing, different NODE_EXTRA_CA_CERTS in Claude Code's settings (it takes one file). */
  replaceExisting?: boolean;
  run?: CommandRunner;
  /**
   * The editor writes its own settings through its API (it knows its real settings file): the
   * editor-setting steps go to this instead of being written here. Never called after a failed
   * OS-store step.
   */
  writeEditorSettings?: (steps: EditorSettingStep[]) => Promise<StepOutcome[]>;
}

export type StepOutcome =
  | 'changed'
  | 'unchanged'
  /** Another value is there and was kept (`replaceExisting` not given). */
  | 'kept-existing'
  | 'ran'
  | 'failed'
  | 'needs-confirmation'
  /** For a person to do (admin command, process environment, explanation). */
  | 'shown'
  /** Not carried out: the OS-store step before it failed (settings without the root do not help). */
  | 'not-run';

export interface AppliedStep {
  step: HostTrustStep;
  outcome: StepOutcome;
  /** The value found (kept-existing) or the command's stderr (failed). */
  detail?: string;
}

export interface AppliedFile {
  file: string;
  changed: boolean;
  created: boolean;
  undoManifest: string | null;
}

export interface HostTrustResult {
  steps: AppliedStep[];
  files: AppliedFile[];
  /** Settings already in the file that turn verification off (reported, never written, not removed here). */
  insecure: { file: string; where: string; setting: string }[];
  /** Set when a step failed and nothing after it was carried out (its steps are `not-run`). */
  stopped?: 'os-store-failed';
}

// ---- the undo journal: core/fix/journal.ts (kind `host-trust`), the same checks as a config's ----

export { HOST_TRUST_MANIFEST_PREFIX, hostTrustManifestPath } from '../fix/journal';
export type { HostTrustManifest, HostTrustRecord } from '../fix/journal';

// ---- file steps ----

async function readOptional(file: string): Promise<{ bytes: Buffer | undefined; text: string | null }> {
  try {
    const { bytes, text } = await atomicSafeRead(file);
    return { bytes, text };
  } catch (error) {
    if (error instanceof DoctorError && error.kind === 'io' && (await fs.stat(file).catch(() => undefined)) === undefined) {
      return { bytes: undefined, text: null };
    }
    throw error;
  }
}

function editOf(step: EditorSettingStep | ClaudeCodeEnvStep, replaceExisting: boolean): SettingEdit {
  if (step.kind === 'editor-setting') return { path: [step.key], value: step.value, replace: true };
  return { path: ['env', step.variable], value: step.value, replace: replaceExisting };
}

function sameEdit(a: SettingEdit, b: SettingEdit): boolean {
  return a.path.join('\u0000') === b.path.join('\u0000');
}

const MAX_ATTEMPTS = 3;

/** Applies all edits of one file in one write; returns each step's outcome. */
async function applyFile(
  plan: HostTrustPlan,
  file: string,
  fileSteps: (EditorSettingStep | ClaudeCodeEnvStep)[],
  options: ApplyHostTrustOptions,
  result: HostTrustResult,
): Promise<void> {
  // A variable naming a bundle of the tool's own (the journal says so) is renewed without replaceExisting.
  const ours = namesOwnBundle(await ownBundlesOf(plan.home, plan.platform).catch(() => new Set<string>()), plan.home, plan.platform);
  const edits = fileSteps.map((step): SettingEdit => ({ ...editOf(step, options.replaceExisting === true), ...(step.kind === 'claude-code-env' ? { replaceWhen: ours } : {}) }));
  for (let attempt = 1; ; attempt += 1) {
    const { bytes, text } = await readOptional(file);
    const edited = editSettings(file, text, edits);
    const insecure = fileSteps.some((step) => step.kind === 'claude-code-env') && text !== null && edited.before.kind === 'object' ? insecureIn(file, text) : [];
    const outcomeOf = (edit: SettingEdit): AppliedStep['outcome'] =>
      edited.unchanged.some((e) => sameEdit(e, edit)) ? 'unchanged' : edited.kept.some((k) => sameEdit(k.edit, edit)) ? 'kept-existing' : 'changed';
    const record = (): void => {
      result.insecure.push(...insecure);
      fileSteps.forEach((step, i) => {
        const edit = edits[i] as SettingEdit;
        const kept = edited.kept.find((k) => sameEdit(k.edit, edit));
        result.steps.push({ step, outcome: outcomeOf(edit), ...(kept ? { detail: kept.current } : {}) });
      });
    };
    if (edited.content === null) {
      record();
      result.files.push({ file, changed: false, created: false, undoManifest: null });
      return;
    }
    const content = edited.content;
    const owner = await ownerToKeep(file, plan.home);
    // The journal is checked before the file is touched: an untrustworthy record refuses the write.
    const owners = await trustedOwners(plan.home);
    const real = await realTarget(file);
    const manifestFile = hostTrustManifestPath(plan.home, plan.platform, real);
    await readHostManifest(manifestFile, real, owners);
    await ensurePrivateDir(path.dirname(manifestFile), owners, 'the undo folder');
    const createdFolders = bytes === undefined ? await makeFolders(path.dirname(file), owner) : [];
    const wrote = await writeFileAtomic(file, content, {
      // A new settings file may come to hold tokens (Claude Code's env often does): owner only.
      mode: 0o600,
      stillExpected: (current) => (bytes === undefined ? current === undefined : current !== undefined && current.equals(bytes)),
    });
    if (wrote) {
      await keepOwner(file, owner);
      await withLock(manifestFile, async () => {
        const manifest = await readHostManifest(manifestFile, real, owners);
        manifest.records.push({
          at: new Date().toISOString(),
          priorHash: bytes === undefined ? '' : sha256(bytes),
          postHash: sha256(Buffer.from(content, 'utf8')),
          before: edited.before,
          steps: edited.steps,
          hostApp: plan.hostApp,
          ...(createdFolders.length > 0 ? { createdFolders: await Promise.all(createdFolders.map(realTarget)) } : {}),
        });
        await writeManifest(manifestFile, manifest, owners);
      });
      record();
      result.files.push({ file, changed: true, created: bytes === undefined, undoManifest: manifestFile });
      return;
    }
    if (attempt >= MAX_ATTEMPTS) {
      throw new DoctorError('io', 'the file kept changing while it was being edited; nothing was changed. Close other editors of it and run again', { file });
    }
  }
}

function insecureIn(file: string, text: string): HostTrustResult['insecure'] {
  const env = envOfNode(nodeAtPath(file, parseJsonc(file, stripBom(text).text), ['env']).value);
  return insecureInEnv(env).map((found) => ({ file, ...found }));
}

// ---- the OS store ----

async function writeRootFile(step: OsStoreStep, home: string): Promise<void> {
  const owner = await ownerToKeep(step.certFile, home);
  await makeFolders(path.dirname(step.certFile), owner);
  const existing = await fs.readFile(step.certFile, 'utf8').catch(() => undefined);
  if (existing === step.certPem) return;
  await writeFileAtomic(step.certFile, step.certPem, { mode: 0o644 });
  await keepOwner(step.certFile, owner);
}

async function applyOsStore(step: OsStoreStep, home: string, options: ApplyHostTrustOptions): Promise<AppliedStep> {
  if (!step.runsHere) {
    // Linux: an administrator runs the command; the file it names must exist for them.
    await writeRootFile(step, home);
    return { step, outcome: 'shown' };
  }
  if (options.confirmedOsStore !== true) return { step, outcome: 'needs-confirmation' };
  await writeRootFile(step, home);
  const outcome = await (options.run ?? runCommand)(step.argv);
  return outcome.code === 0 ? { step, outcome: 'ran' } : { step, outcome: 'failed', detail: outcome.stderr.trim() || `exit code ${outcome.code}` };
}

/** Takes the root out of the per-user store again (macOS: its trust setting, then the certificate). */
export async function undoOsStore(step: OsStoreStep, options: { confirmed: boolean; run?: CommandRunner }): Promise<AppliedStep> {
  if (!step.runsHere) return { step, outcome: 'shown' };
  if (!options.confirmed) return { step, outcome: 'needs-confirmation' };
  const run = options.run ?? runCommand;
  const first = await run(step.undoArgv);
  if (first.code !== 0) return { step, outcome: 'failed', detail: first.stderr.trim() || `exit code ${first.code}` };
  if (step.undoCleanupArgv) {
    const second = await run(step.undoCleanupArgv);
    if (second.code !== 0) return { step, outcome: 'failed', detail: second.stderr.trim() || `exit code ${second.code}` };
  }
  return { step, outcome: 'ran' };
}

// ---- entry points ----

export async function applyHostTrust(plan: HostTrustPlan, options: ApplyHostTrustOptions = {}): Promise<HostTrustResult> {
  const result: HostTrustResult = { steps: [], files: [], insecure: [] };
  const isFileStep = (step: HostTrustStep): step is EditorSettingStep | ClaudeCodeEnvStep => step.kind === 'editor-setting' || step.kind === 'claude-code-env';
  // The store first: the settings only help once the root is there.
  for (const step of plan.steps) {
    if (step.kind === 'os-store') result.steps.push(await applyOsStore(step, plan.home, options));
  }
  if (result.steps.some((applied) => applied.outcome === 'failed')) {
    // Nothing is written after a failed store step: the file steps are reported, not carried out.
    result.stopped = 'os-store-failed';
    for (const step of plan.steps) if (isFileStep(step)) result.steps.push({ step, outcome: 'not-run' });
  } else {
    const byFile = new Map<string, (EditorSettingStep | ClaudeCodeEnvStep)[]>();
    const editorOwn: EditorSettingStep[] = [];
    for (const step of plan.steps) {
      if (!isFileStep(step)) continue;
      if (step.kind === 'editor-setting' && options.writeEditorSettings) editorOwn.push(step);
      else byFile.set(step.file, [...(byFile.get(step.file) ?? []), step]);
    }
    if (editorOwn.length > 0 && options.writeEditorSettings) {
      const outcomes = await options.writeEditorSettings(editorOwn);
      editorOwn.forEach((step, i) => result.steps.push({ step, outcome: outcomes[i] ?? 'failed' }));
    }
    for (const [file, steps] of byFile) await applyFile(plan, file, steps, options, result);
  }
  for (const step of plan.steps) {
    if (step.kind === 'editor-process-env' || step.kind === 'host-process-env' || step.kind === 'explain') result.steps.push({ step, outcome: 'shown' });
  }
  // Report in the plan's order.
  result.steps.sort((a, b) => plan.steps.indexOf(a.step) - plan.steps.indexOf(b.step));
  return result;
}

export interface HostTrustUndoResult {
  file: string;
  /** Whose settings these are (`claude-code`, `vscode`...), when recorded or known by the file's place. */
  hostApp?: string;
  /** `env.NODE_EXTRA_CA_CERTS`, `http.systemCertificates`... */
  removed: string[];
  kept: { what: string; reason: 'already-gone' | 'changed-since' }[];
  /** The file is byte-for-byte what it was before (or gone again, when the fix created it). */
  identical: boolean;
  /** The fix created the file and undo removed it again. */
  fileRemoved: boolean;
  /** The folders the fix created for the file, removed again (empty once the file is gone). */
  removedFolders: string[];
  remaining: number;
}

function isScalarJson(raw: string): boolean {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null;
  } catch {
    return false;
  }
}

/** The host of a settings file a record written before hosts were recorded names: by its place. */
function hostAppByPlace(file: string): string | undefined {
  const parts = file.split(/[\\/]/);
  if (parts.at(-1) !== 'settings.json') return undefined;
  if (parts.at(-2) === '.claude') return 'claude-code';
  const user = parts.lastIndexOf('User');
  const app = user > 0 ? parts[user - 1] : undefined;
  if (app === 'Cursor') return 'cursor';
  if (app === 'Code' || app === 'Code - Insiders' || app === 'VSCodium') return 'vscode';
  return undefined;
}

/** Takes back the last recorded host-trust edit of `file`: exactly what it added, later edits stay. */
export async function undoHostTrust(file: string, options: { home: string; platform?: NodeJS.Platform }): Promise<HostTrustUndoResult> {
  const platform = options.platform ?? process.platform;
  const real = await realTarget(file);
  const manifestFile = hostTrustManifestPath(options.home, platform, real);
  const owners = await trustedOwners(options.home);
  const nothing = (): DoctorError => new DoctorError('usage', `nothing to undo: no host-trust change of this file is recorded in ${path.dirname(manifestFile)}`, { file });
  if ((await loadHostManifest(manifestFile, real, owners)).status === 'absent') throw nothing();
  return withLock(manifestFile, async () => {
    const read = await loadHostManifest(manifestFile, real, owners);
    if (read.status === 'foreign' || read.status === 'invalid') {
      const why = read.status === 'foreign' ? `owned by uid ${read.uid}, not by you` : read.reason;
      throw new DoctorError('refused', `the undo record ${manifestFile} cannot be used (${why}); nothing was changed. Undo this change by hand, then remove that file`, { file });
    }
    const manifest = read.status === 'ok' ? read.manifest : undefined;
    const last = manifest?.records[manifest.records.length - 1];
    if (!manifest || !last) throw nothing();
    const bytes = await readFileChecked(file);
    const name = (step: SettingsUndoStep): string => step.path.join('.');
    let content: string | null;
    let removed: string[];
    let kept: HostTrustUndoResult['kept'] = [];
    const untouched = sha256(bytes) === last.postHash;
    if (untouched && last.before.kind !== 'object') {
      // Untouched since we created or filled it: give back exactly what was there.
      content = last.before.kind === 'blank' ? last.before.text : null;
      removed = last.steps.map(name);
    } else {
      // The config undo's rule: once the file changed, the hashes prove nothing, so a value is put
      // back only when it is a plain setting (a crafted record cannot insert members that way).
      const applied = untouched ? last.steps : last.steps.filter((step) => step.op !== 'replace-value' || isScalarJson(step.priorRaw));
      const { text } = await atomicSafeRead(file);
      const outcome = undoSettingsSteps(file, text, applied);
      content = outcome.text;
      removed = outcome.undone.map(name);
      kept = [
        ...outcome.kept.map(({ step, reason }) => ({ what: name(step), reason })),
        ...last.steps.filter((step) => !applied.includes(step)).map((step) => ({ what: name(step), reason: 'changed-since' as const })),
      ];
      if (untouched && sha256(Buffer.from(content, 'utf8')) !== last.priorHash) {
        throw new DoctorError(
          'refused',
          `the undo record ${manifestFile} does not match what the fix wrote (taking its steps back would not restore the file as it was); nothing was changed`,
          { file },
        );
      }
    }
    let removedFolders: string[] = [];
    if (content === null) {
      await fs.rm(file);
      removedFolders = await removeEmptyFolders(last.createdFolders ?? []);
    } else if (!Buffer.from(content, 'utf8').equals(bytes)) {
      const owner = await ownerToKeep(file, options.home);
      const wrote = await writeFileAtomic(file, content, { stillExpected: (current) => current !== undefined && current.equals(bytes) });
      if (!wrote) throw new DoctorError('io', 'the file changed while undo was writing it; nothing was changed. Run undo again', { file });
      await keepOwner(file, owner);
    }
    manifest.records.pop();
    await writeManifest(manifestFile, manifest, owners);
    const identical = content === null ? last.before.kind === 'absent' : last.priorHash !== '' && sha256(Buffer.from(content, 'utf8')) === last.priorHash;
    const hostApp = last.hostApp ?? hostAppByPlace(real);
    return { file, ...(hostApp ? { hostApp } : {}), removed, kept, identical, fileRemoved: content === null, removedFolders, remaining: manifest.records.length };
  });
}
