// Host-level trust for remote MCP servers, as the CLI (`fix --host-level`), `doctor --fix` and the
// editor run it: the CAs the policy allows → the root → the combined bundle → planHostTrust. The plan
// is pure; writing the bundle is the only write here (applyHostTrust does the rest).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { buildBundle, readCertificates, writeBundle } from '../fix/bundle';
import { trustedOwners } from '../fix/owner';
import type { HostId } from '../fix/locations';
import { defaultBundleDir } from '../fix/paths';
import { HOST_TRUST } from '../hostTrust/hosts';
import { planHostTrust } from '../hostTrust/plan';
import { editSettings, SettingEdit } from '../hostTrust/settingsFile';
import type { HostTrustPlan, HostTrustRoot, HostTrustStep } from '../hostTrust/types';
import { DoctorError } from '../types';

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
export async function prepareHostLevel(request: HostLevelRequest): Promise<HostLevelPrepared> {
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
      }
  }
}

/** Whether applying the plan's file steps would change a byte (doctor's `--check` and `pending`). */
export async function hostPlanWouldChange(plan: HostTrustPlan): Promise<boolean> {
  const byFile = new Map<string, SettingEdit[]>();
  for (const step of plan.steps) {
    if (step.kind === 'editor-setting') byFile.set(step.file, [...(byFile.get(step.file) ?? []), { path: [step.key], value: step.value, replace: true }]);
    if (step.kind === 'claude-code-env') byFile.set(step.file, [...(byFile.get(step.file) ?? []), { path: ['env', step.variable], value: step.value, replace: false }]);
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
