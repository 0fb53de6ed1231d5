// The durable fix of a dev container: its devcontainer.json gets a `mounts` entry that binds the CA
// bundle from the local machine (written there from the local OS store, never from this side) and
// `containerEnv` with the runtime variables pointing at it, so that a rebuilt container trusts the
// root too. Byte-exact JSONC edits (hostTrust/settingsFile.ts, config/jsonc-text.ts), recorded in the
// one undo journal as a host-trust record (hostApp `devcontainer`), taken back by undoHostTrust.
import { promises as fs } from 'node:fs';
import { getNodeValue } from 'jsonc-parser';
import * as path from 'node:path';
import { DoctorError } from '../types';
import { realTarget, writeFileAtomic } from '../files/atomic';
import { withLock } from '../files/lock';
import { ensurePrivateDir, trustedOwners } from '../files/owner';
import { parseJsonc, stripBom } from '../config/config';
import { appendMember, applyTextEdits, detectStyle, replaceValue } from '../config/jsonc-text';
import { editSettings, nodeAtPath, type SettingsUndoStep } from '../hostTrust/settingsFile';
import { hostTrustManifestPath, readHostManifest, sha256, writeManifest } from './journal';

/** Where the bundle is mounted inside the container (read-only). */
export const DEVCONTAINER_BUNDLE_TARGET = '/etc/mcp-ssl-doctor/ca-bundle.pem';

export interface DevcontainerFix {
  /** The bundle on the local machine, as devcontainer.json names it (`${localEnv:HOME}…`). */
  source: string;
  /** The runtime variables that point at the mounted bundle. */
  variables: string[];
}

export interface DevcontainerEdit {
  /** The new text (BOM kept), or null when it holds all of it already. */
  content: string | null;
  steps: SettingsUndoStep[];
  mount: string;
  containerEnv: Record<string, string>;
}

/** The `mounts` entry (the string form devcontainer.json documents). */
function mountEntry(source: string): string {
  if (/[,"]/.test(source)) throw new DoctorError('usage', `a mount source cannot hold a comma or a quote: ${source}`);
  return `source=${source},target=${DEVCONTAINER_BUNDLE_TARGET},type=bind,readonly`;
}

const VARIABLE = /^[A-Z_][A-Z0-9_]*$/;

/** The edits of a devcontainer.json text. Pure: the mount appended (or the list created), each variable added to containerEnv. */
export function editDevcontainer(file: string, rawText: string, fix: DevcontainerFix): DevcontainerEdit {
  const mount = mountEntry(fix.source);
  const containerEnv: Record<string, string> = {};
  for (const variable of fix.variables) {
    if (!VARIABLE.test(variable)) throw new DoctorError('usage', `not a variable name: ${variable}`);
    containerEnv[variable] = DEVCONTAINER_BUNDLE_TARGET;
  }
  const { text: stripped, bom } = stripBom(rawText);
  let text = stripped;
  const steps: SettingsUndoStep[] = [];
  const root = parseJsonc(file, text);
  if (root.type !== 'object') throw new DoctorError('unknown-config', 'devcontainer.json: the top level is not a JSON object; nothing was changed', { file });
  const style = detectStyle(text);
  const mounts = nodeAtPath(file, root, ['mounts']).value;
  if (!mounts) {
    const { edits, record } = appendMember(text, root, () => `"mounts": ${JSON.stringify([mount])}`, style);
    text = applyTextEdits(text, edits);
    steps.push({ op: 'add-member', path: ['mounts'], value: [mount], record });
  } else {
    if (mounts.type !== 'array') throw new DoctorError('unknown-config', '"mounts" is not a list; nothing was changed', { file });
    const current = getNodeValue(mounts) as unknown;
    const list = Array.isArray(current) ? current : [];
    if (!list.includes(mount)) {
      // The whole list replaced (the record keeps its bytes): a string may not be the only kind of entry there.
      if (!list.every((entry) => typeof entry === 'string')) throw new DoctorError('unknown-config', '"mounts" holds an object entry: add the mount by hand; nothing was changed', { file });
      const priorRaw = text.slice(mounts.offset, mounts.offset + mounts.length);
      const value = [...(list as string[]), mount];
      const element = (mounts.children ?? [])[0];
      const multiline = element !== undefined && /[\r\n]/.test(text.slice(mounts.offset, element.offset));
      const { edits } = multiline ? appendMember(text, mounts, () => JSON.stringify(mount), style) : { edits: [replaceValue(mounts, JSON.stringify(value))] };
      text = applyTextEdits(text, edits);
      steps.push({ op: 'replace-value', path: ['mounts'], value, priorRaw });
    }
  }
  // containerEnv: the settings editor's rules (a different value already there is kept and reported by the caller).
  const env = editSettings(file, text, Object.entries(containerEnv).map(([variable, value]) => ({ path: ['containerEnv', variable] as [string, string], value, replace: false })));
  if (env.kept.length > 0) {
    const names = env.kept.map((kept) => kept.edit.path[1]).join(', ');
    throw new DoctorError('refused', `containerEnv sets ${names} to another value already; nothing was changed`, { file });
  }
  if (env.content !== null) text = env.content;
  steps.push(...env.steps);
  return { content: steps.length === 0 ? null : (bom ? '\uFEFF' : '') + text, steps, mount, containerEnv };
}

export interface DevcontainerResult {
  file: string;
  changed: boolean;
  mount: string;
  containerEnv: Record<string, string>;
  undoManifest: string | null;
}

/** Writes the edit atomically and records it in the journal of `home` (undo: hostTrust/apply.ts undoHostTrust). */
export async function applyDevcontainerFix(file: string, fix: DevcontainerFix, options: { home: string; platform?: NodeJS.Platform }): Promise<DevcontainerResult> {
  const platform = options.platform ?? process.platform;
  const bytes = await fs.readFile(file);
  const edit = editDevcontainer(file, bytes.toString('utf8'), fix);
  if (edit.content === null) return { file, changed: false, mount: edit.mount, containerEnv: edit.containerEnv, undoManifest: null };
  const content = edit.content;
  const owners = await trustedOwners(options.home);
  const real = await realTarget(file);
  const manifestFile = hostTrustManifestPath(options.home, platform, real);
  // An untrustworthy record refuses the write before the file is touched.
  await readHostManifest(manifestFile, real, owners);
  await ensurePrivateDir(path.dirname(manifestFile), owners, 'the undo folder');
  const wrote = await writeFileAtomic(file, content, { stillExpected: (current) => current !== undefined && current.equals(bytes) });
  if (!wrote) throw new DoctorError('io', 'devcontainer.json changed while it was being edited; nothing was changed. Run the fix again', { file });
  await withLock(manifestFile, async () => {
    const manifest = await readHostManifest(manifestFile, real, owners);
    manifest.records.push({
      at: new Date().toISOString(),
      priorHash: sha256(bytes),
      postHash: sha256(Buffer.from(content, 'utf8')),
      before: { kind: 'object' },
      steps: edit.steps,
      hostApp: 'devcontainer',
    });
    await writeManifest(manifestFile, manifest, owners);
  });
  return { file, changed: true, mount: edit.mount, containerEnv: edit.containerEnv, undoManifest: manifestFile };
}
