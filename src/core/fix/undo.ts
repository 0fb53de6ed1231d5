// Undo: takes back exactly what the last fix added. Later edits elsewhere stay; with no edits in
// between, the file is byte-for-byte what it was before the fix.
import * as os from 'node:os';
import * as path from 'node:path';
import { DoctorError } from '../types';
import { realTarget, writeFileAtomic } from './atomic';
import { parseConfig, stripBom } from './config';
import { UndoStep, undoSteps } from './edit';
import { withLock } from './lock';
import { loadManifest, manifestPath, sha256, UndoManifest, writeManifest } from './manifest';
import { trustedOwners } from './owner';
import { CONTAINER_BUNDLE_PATH, RUNTIME_VARIABLES } from './runtimes';
import { undoDir } from './paths';
import { atomicSafeRead } from './read';

export interface UndoOptions {
  configPath: string;
  /**
   * Not needed: manifests live per user (`undoDir(home)`) whatever bundle folder the fix used.
   * Accepted for compatibility: an older release kept them in `<bundleDir>/undo`, looked at second.
   */
  bundleDir?: string;
  home?: string;
  platform?: NodeJS.Platform;
}

export interface UndoneEntry {
  server: string;
  /** What was taken back, e.g. `env.SSL_CERT_FILE`, `args[3..8]`. */
  what: string;
}

export interface UndoResult {
  config: string;
  removed: UndoneEntry[];
  kept: (UndoneEntry & { reason: string })[];
  /** The file is byte-for-byte what it was before the fix. */
  identical: boolean;
  /** Fixes still recorded for this file (undo again to take back the one before). */
  remaining: number;
}

function describeStep(step: UndoStep, serversPathLength: number): UndoneEntry {
  const server = String(step.path[serversPathLength] ?? '');
  const rest = step.path.slice(serversPathLength + 1).join('.');
  if (step.op === 'insert-items' || step.op === 'remove-items') {
    const count = step.op === 'insert-items' ? step.values.length : step.raws.length;
    return { server, what: `${rest}[${step.index}..${step.index + count - 1}]` };
  }
  return { server, what: step.op === 'remove-member' ? `${rest}[${step.index}] (restored)` : rest };
}

const OUR_VARIABLES = new Set(Object.values(RUNTIME_VARIABLES).flat());

function parsesAsScalar(raw: string): boolean {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'string' || typeof value === 'number' || value === null;
  } catch {
    return false;
  }
}

/**
 * Whether a step only takes out what a fix adds (a CA variable pointing at a bundle, the docker
 * mount and `-e` options): the only steps applied when the file changed since the fix, because then
 * the recorded hashes can no longer prove what the fix wrote.
 */
/** The keys that hold a server's env: `env`; opencode's `environment`; Goose's `envs`. */
const ENV_KEYS = new Set<string | number | undefined>(['env', 'environment', 'envs']);

function provablyOurs(step: UndoStep): boolean {
  const last = step.path[step.path.length - 1];
  const parentKey = step.path[step.path.length - 2];
  const parent = ENV_KEYS.has(parentKey) ? 'env' : parentKey;
  switch (step.op) {
    case 'add-member':
      if (ENV_KEYS.has(last)) {
        return typeof step.value === 'object' && step.value !== null && Object.keys(step.value).every((key) => OUR_VARIABLES.has(key));
      }
      return parent === 'env' && typeof last === 'string' && OUR_VARIABLES.has(last) && typeof step.value === 'string';
    case 'replace-value':
      return parent === 'env' && typeof last === 'string' && OUR_VARIABLES.has(last) && parsesAsScalar(step.priorRaw);
    case 'insert-items': {
      if (last !== 'args' || step.values.length % 2 !== 0) return false;
      for (let i = 0; i < step.values.length; i += 2) {
        const [flag, value] = [step.values[i], step.values[i + 1] ?? ''];
        const ok =
          (flag === '--mount' && value.includes(`target=${CONTAINER_BUNDLE_PATH}`)) ||
          (flag === '-e' && OUR_VARIABLES.has(value.split('=')[0] ?? '') && value.endsWith(`=${CONTAINER_BUNDLE_PATH}`));
        if (!ok) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

interface FoundManifest {
  file: string;
  manifest: UndoManifest;
}

/** The manifest that records fixes of this config: only one owned by this user and valid is used. */
async function findManifest(places: string[], real: string, owners: number[], configPath: string): Promise<{ found?: FoundManifest; ignored: string[] }> {
  const ignored: string[] = [];
  for (const place of places) {
    const read = await loadManifest(place, real, owners);
    if (read.status === 'absent') continue;
    if (read.status === 'foreign') {
      ignored.push(`${place} (owned by uid ${read.uid}, not by you)`);
      continue;
    }
    if (read.status === 'invalid') {
      throw new DoctorError('refused', `the undo record ${place} cannot be used (${read.reason}); nothing was changed. Undo this fix by hand, then remove that file`, {
        file: configPath,
      });
    }
    if (read.manifest.fixes.length > 0) return { found: { file: place, manifest: read.manifest }, ignored };
  }
  return { ignored };
}

export async function undoFix(options: UndoOptions): Promise<UndoResult> {
  const home = options.home ?? os.homedir();
  const dir = undoDir(home, options.platform);
  const real = await realTarget(options.configPath);
  const places = [manifestPath(dir, real)];
  if (options.bundleDir) places.push(manifestPath(path.join(options.bundleDir, 'undo'), real));
  const owners = await trustedOwners(home);
  return withLock(real, async () => {
    const { found, ignored } = await findManifest(places, real, owners, options.configPath);
    if (!found) {
      const note = ignored.length > 0 ? ` (ignored: ${ignored.join('; ')})` : '';
      throw new DoctorError('usage', `nothing to undo: no fix of this file is recorded in ${dir}${note}`, { file: options.configPath });
    }
    return withLock(found.file, async () => {
      // Re-read under the lock: another run may have changed it since.
      const again = await loadManifest(found.file, real, owners);
      const manifest = again.status === 'ok' ? again.manifest : found.manifest;
      const last = manifest.fixes[manifest.fixes.length - 1];
      if (!last) throw new DoctorError('usage', `nothing to undo: no fix of this file is recorded in ${dir}`, { file: options.configPath });
      const { bytes, text: rawText } = await atomicSafeRead(options.configPath);
      const currentHash = sha256(bytes);
      const finish = async (result: UndoResult): Promise<UndoResult> => {
        manifest.fixes.pop();
        await writeManifest(found.file, manifest, owners);
        return { ...result, remaining: manifest.fixes.length };
      };
      if (currentHash === last.priorHash && currentHash !== last.postHash) {
        // The fix was recorded but never written (a run killed between the two): nothing to take back.
        return finish({ config: options.configPath, removed: [], kept: [], identical: true, remaining: 0 });
      }
      const proven = currentHash === last.postHash;
      const applied = proven ? last.steps : last.steps.filter(provablyOurs);
      const unproven = proven ? [] : last.steps.filter((step) => !provablyOurs(step));
      const { text, bom } = stripBom(rawText);
      const outcome = undoSteps(options.configPath, text, applied);
      const content = (bom ? '\uFEFF' : '') + outcome.text;
      const identical = sha256(Buffer.from(content, 'utf8')) === last.priorHash;
      if (proven && !identical) {
        throw new DoctorError(
          'refused',
          `the undo record ${found.file} does not match what the fix wrote (taking its steps back would not restore the file as it was); nothing was changed`,
          { file: options.configPath },
        );
      }
      try {
        parseConfig(options.configPath, content);
      } catch (error) {
        throw new DoctorError('malformed-config', `undo would leave the file malformed (${error instanceof Error ? error.message : String(error)}); nothing was changed`, {
          file: options.configPath,
        });
      }
      if (content !== rawText) {
        const wrote = await writeFileAtomic(options.configPath, content, { stillExpected: (current) => current !== undefined && current.equals(bytes) });
        if (!wrote) {
          throw new DoctorError('io', 'the file changed while undo was writing it; nothing was changed. Run undo again', { file: options.configPath });
        }
      }
      return finish({
        config: options.configPath,
        removed: outcome.undone.map((step) => describeStep(step, last.serversPathLength)),
        kept: [
          ...outcome.kept.map(({ step, reason }) => ({ ...describeStep(step, last.serversPathLength), reason })),
          ...unproven.map((step) => ({
            ...describeStep(step, last.serversPathLength),
            reason: 'the file changed since the fix, so what the fix took out cannot be proven: put it back by hand if you need it',
          })),
        ],
        identical,
        remaining: 0,
      });
    });
  });
}
