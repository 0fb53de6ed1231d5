// Carries out a plan: verify (when a host is known), write the bundle, edit the config atomically
// (re-planning if the file changed meanwhile), record the undo manifest.
import { DoctorError } from '../types';
import { readRegularFile, realTarget, writeFileAtomic } from '../files/atomic';
import { writeBundle } from './bundle';
import { InsecureSetting } from '../config/insecure';
import { withLock } from '../files/lock';
import { ensurePrivateDir, trustedOwners } from '../files/owner';
import { manifestPath, readManifest, sha256, writeManifest } from './journal';
import { ChangedServer, FixPlan, FixWarning, planFix, SkippedServer } from './plan';

/** The `fix --json` result (docs/design.md contract plus extensions). */
export interface FixResult {
  config: string;
  bundle: string;
  /** The bundle path as written into the config. */
  bundleInConfig: string;
  bundleWritten: boolean;
  changed: ChangedServer[];
  skipped: SkippedServer[];
  insecure: { server: string; where: string; setting: string }[];
  removedInsecure: { server: string; where: string; setting: string }[];
  warnings: FixWarning[];
  verified: { host: string; port: number } | null;
  tracked: boolean | null;
  dryRun: boolean;
  /** Where undo finds what this fix added (null when nothing was changed). */
  undoManifest: string | null;
  cas: { subject: string; sha256: string }[];
}

const MAX_ATTEMPTS = 3;

function publicInsecure(list: InsecureSetting[]): { server: string; where: string; setting: string }[] {
  return list.map(({ server, where, setting }) => ({ server, where, setting }));
}

export function describePlan(plan: FixPlan, extra: Partial<FixResult> = {}): FixResult {
  return {
    config: plan.config,
    bundle: plan.bundlePath,
    bundleInConfig: plan.bundleConfigPath,
    bundleWritten: false,
    changed: plan.changed,
    skipped: plan.skipped,
    insecure: publicInsecure(plan.insecure),
    removedInsecure: publicInsecure(plan.removedInsecure),
    warnings: plan.warnings,
    verified: null,
    tracked: plan.tracked,
    dryRun: true,
    undoManifest: null,
    cas: plan.bundle.cas.map(({ subject, sha256: fingerprint }) => ({ subject, sha256: fingerprint })),
    ...extra,
  };
}

async function verify(plan: FixPlan): Promise<{ host: string; port: number } | null> {
  const target = plan.options.verify;
  if (!target) return null;
  const result = await target.verifyTrust({
    host: target.host,
    port: target.port,
    proxy: target.proxy,
    servername: target.servername,
    timeoutMs: target.timeoutMs,
    caPem: plan.bundle.pem,
  });
  if (!result.ok) {
    throw new DoctorError(
      'refused',
      `verification failed: a handshake with ${target.host}:${target.port} trusting only the new bundle did not succeed (${result.error ?? 'unknown error'}). ` +
        'The CA is not the one this connection needs; nothing was written.',
    );
  }
  return { host: target.host, port: target.port };
}

/**
 * Holds the config's lock (and the manifest's) from reading to writing, so parallel fixes queue:
 * re-reads the file once the lock is held (re-planning if it changed), writes the bundle, then the
 * undo record, then the config (a run killed in between leaves a record undo can resolve, never a
 * change without one). What is reported is what the final plan wrote.
 */
export async function applyFix(first: FixPlan): Promise<FixResult> {
  const verified = await verify(first);
  const owners = await trustedOwners(first.options.home);
  const real = await realTarget(first.config);
  return withLock(real, async () => {
    let plan = first;
    for (let attempt = 1; ; attempt += 1) {
      const current = await readRegularFile(plan.config);
      if (!current.equals(plan.original)) plan = await planFix(plan.options);
      const bundle = await writeBundle(plan.bundle, plan.bundleDir, { owners });
      if (plan.steps.length === 0) {
        return describePlan(plan, { bundleWritten: bundle.written, verified, dryRun: false });
      }
      const original = plan.original;
      const newContent = plan.newContent;
      const file = manifestPath(plan.undoDir, real);
      await ensurePrivateDir(plan.undoDir, owners, 'the undo folder');
      const wrote = await withLock(file, async () => {
        const manifest = await readManifest(file, real, owners);
        manifest.fixes.push({
          at: new Date().toISOString(),
          bundle: plan.bundlePath,
          priorHash: sha256(original),
          postHash: sha256(Buffer.from(newContent, 'utf8')),
          serversPathLength: plan.parsed.serversPath.length,
          steps: plan.steps,
        });
        await writeManifest(file, manifest, owners);
        let done = false;
        try {
          done = await writeFileAtomic(plan.config, newContent, {
            stillExpected: (bytes) => bytes !== undefined && bytes.equals(original),
          });
        } finally {
          if (!done) {
            manifest.fixes.pop();
            await writeManifest(file, manifest, owners);
          }
        }
        return done;
      });
      if (wrote) {
        return describePlan(plan, { bundleWritten: bundle.written, verified, dryRun: false, undoManifest: file });
      }
      if (attempt >= MAX_ATTEMPTS) {
        throw new DoctorError('io', 'the file kept changing while it was being edited; nothing was changed. Close other editors of it and run again', {
          file: plan.config,
        });
      }
      // Another program (an editor) saved the file between our read and our write: start over.
      plan = await planFix(plan.options);
    }
  });
}
