// Plans a host-level fix for remote MCP servers: pure (reads nothing, runs nothing), so the CLI and
// the editor can show it before anything happens. Never a step that turns verification off.
import { X509Certificate } from 'node:crypto';
import * as path from 'node:path';
import { DoctorError } from '../types';
import { appDataDir, HostId } from '../hosts/locations';
import { checkCaCertificates, readCertificates } from '../fix/bundle';
import { BUNDLE_FOLDER, configPathOf } from '../fix/paths';
import { HOST_TRUST } from './hosts';
import type {
  EditorSettingStep,
  HostProcessEnvStep,
  HostTrustPlan,
  HostTrustReason,
  HostTrustRoot,
  HostTrustStep,
  OsStoreStep,
  SystemCertificateSetting,
} from './types';

export interface HostTrustOptions {
  hostApp: HostId;
  platform: NodeJS.Platform;
  home: string;
  root: HostTrustRoot;
  /** The root is in the OS store as the host's Node sees it (`tls.getCACertificates('system')` or the trust module). */
  rootInOsStore: boolean;
  /** The combined bundle (public roots + CA) the caller already wrote. */
  bundlePath: string;
  /** The editor's user settings.json; defaults to the editor's usual place for the VS Code family. */
  editorSettingsPath?: string;
  /** Feature-detected by the extension (which http.systemCertificates* settings the editor declares). */
  availableSettings?: string[];
  /** APPDATA / XDG_CONFIG_HOME for the default settings path. */
  env?: NodeJS.ProcessEnv;
}

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** POSIX shell quoting for a command shown to (or run by) an administrator. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_/.:=+,@%-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function windowsQuote(arg: string): string {
  return /^[^\s"]+$/.test(arg) ? arg : `"${arg.replace(/"/g, '""')}"`;
}

function commandText(argv: string[], platform: NodeJS.Platform): string {
  return argv.map(platform === 'win32' ? windowsQuote : shellQuote).join(' ');
}

/** SHA-1 thumbprint, upper-case hex: how `certutil -delstore` and `security delete-certificate -Z` name a certificate. */
function thumbprint(pem: string): string {
  return new X509Certificate(pem).fingerprint.replace(/:/g, '').toUpperCase();
}

/** The settings to set true: the master switch and, where it exists, the Node loader (measured in 4.139.1). */
export function settingsToSet(available: string[] | undefined): SystemCertificateSetting[] {
  if (available === undefined) return ['http.systemCertificates'];
  const keys: SystemCertificateSetting[] = [];
  if (available.includes('http.systemCertificates')) keys.push('http.systemCertificates');
  if (available.includes('http.systemCertificatesNode')) keys.push('http.systemCertificatesNode');
  // `fetch` checks V1 || V2 (no V2 of its own); V2 only matters where it is the only name there is.
  if (keys.length === 0 && available.includes('http.experimental.systemCertificatesV2')) keys.push('http.experimental.systemCertificatesV2');
  return keys;
}

function defaultSettingsPath(options: HostTrustOptions): string | undefined {
  const editor = HOST_TRUST[options.hostApp]?.editor;
  if (!editor) return undefined;
  const api = pathApi(options.platform);
  return api.join(appDataDir(options.platform, options.home, options.env ?? {}, api.join), editor, 'User', 'settings.json');
}

/** The store commands for the root file, per OS. Linux has no per-user store: an administrator's command. */
export function osStoreStep(platform: NodeJS.Platform, home: string, root: HostTrustRoot, certFile: string): OsStoreStep {
  const base = { kind: 'os-store' as const, platform, certFile, certPem: root.pem };
  if (platform === 'darwin') {
    const keychain = path.posix.join(home, 'Library', 'Keychains', 'login.keychain-db');
    // The user's login keychain, trust for the user: macOS asks for the password itself.
    const argv = ['security', 'add-trusted-cert', '-r', 'trustRoot', '-k', keychain, certFile];
    const undoArgv = ['security', 'remove-trusted-cert', certFile];
    return {
      ...base,
      argv,
      runsHere: true,
      command: commandText(argv, platform),
      undoArgv,
      undoCommand: commandText(undoArgv, platform),
      undoCleanupArgv: ['security', 'delete-certificate', '-Z', thumbprint(root.pem), keychain],
    };
  }
  if (platform === 'win32') {
    // The current user's Root store: no administrator; Windows shows its own warning and asks.
    const argv = ['certutil', '-user', '-addstore', 'Root', certFile];
    const undoArgv = ['certutil', '-user', '-delstore', 'Root', thumbprint(root.pem)];
    return { ...base, argv, runsHere: true, command: commandText(argv, platform), undoArgv, undoCommand: commandText(undoArgv, platform) };
  }
  const name = `mcp-ssl-doctor-${root.sha256.slice(0, 16)}.crt`;
  const family = (dir: string, update: string): { command: string; undoCommand: string } => {
    const target = path.posix.join(dir, name);
    return {
      command: `sudo install -m 0644 ${shellQuote(certFile)} ${target} && sudo ${update}`,
      undoCommand: `sudo rm -f ${target} && sudo ${update}`,
    };
  };
  const debian = family('/usr/local/share/ca-certificates', 'update-ca-certificates');
  const fedora = family('/etc/pki/ca-trust/source/anchors', 'update-ca-trust');
  const sh = (command: string): string[] => ['sh', '-c', command];
  return {
    ...base,
    argv: sh(debian.command),
    runsHere: false,
    command: debian.command,
    undoArgv: sh(debian.undoCommand),
    undoCommand: debian.undoCommand,
    alternatives: [{ family: 'fedora', argv: sh(fedora.command), command: fedora.command, undoArgv: sh(fedora.undoCommand), undoCommand: fedora.undoCommand }],
  };
}

/** Where the root-only file goes: beside the bundle (the per-user folder every runtime can read). */
export function rootFileOf(options: Pick<HostTrustOptions, 'platform' | 'home' | 'bundlePath' | 'root'>): string {
  const api = pathApi(options.platform);
  const dir = options.bundlePath ? api.dirname(options.bundlePath) : api.join(options.home, BUNDLE_FOLDER);
  return api.join(dir, `root-${options.root.sha256.slice(0, 16)}.crt`);
}

export function planHostTrust(options: HostTrustOptions): HostTrustPlan {
  const row = HOST_TRUST[options.hostApp];
  if (!row) throw new DoctorError('usage', `unknown host "${String(options.hostApp)}"`);
  if (!/^[0-9a-f]{64}$/.test(options.root.sha256)) throw new DoctorError('usage', 'the root sha256 must be 64 lower-case hex digits');
  // What is installed must be exactly what the person was shown: one CA certificate with that fingerprint.
  const certs = readCertificates(options.root.pem, 'the root');
  if (certs.length !== 1 || certs[0]?.sha256 !== options.root.sha256) {
    throw new DoctorError('usage', `the root PEM must hold exactly the one certificate with sha256 ${options.root.sha256}`);
  }
  checkCaCertificates(certs);
  const steps: HostTrustStep[] = [];
  const reasons: HostTrustReason[] = [];
  const plan: HostTrustPlan = {
    hostApp: options.hostApp,
    hostClass: row.hostClass,
    home: options.home,
    platform: options.platform,
    root: { subject: options.root.subject, sha256: options.root.sha256 },
    steps,
    reasons,
  };
  if (!row.measured && row.hostClass !== 'cloud') reasons.push('not-measured-in-this-host');

  if (row.hostClass === 'cloud') {
    reasons.push('cloud-host');
    steps.push({ kind: 'explain', code: 'cloud-connector' }, { kind: 'explain', code: 'local-bridge-is-stdio' });
    return plan;
  }

  if (row.hostClass === 'claude-code') {
    reasons.push('claude-code-host');
    const api = pathApi(options.platform);
    steps.push({
      kind: 'claude-code-env',
      file: api.join(options.home, '.claude', 'settings.json'),
      variable: 'NODE_EXTRA_CA_CERTS',
      // Node adds it to its bundled roots; Claude Code expands no variables there: an absolute path.
      value: configPathOf(options.bundlePath, options.home, false, options.platform),
    });
    steps.push({ kind: 'explain', code: 'claude-settings-env-read-late' });
    return plan;
  }

  if (row.hostClass === 'own-client') {
    // The host's own client: the OS store where it reads it, else a variable of the environment it starts in.
    const own = row.ownClient ?? { systemStore: false, source: '' };
    reasons.push('own-client-host', options.rootInOsStore ? 'root-in-os-store' : 'root-not-in-os-store');
    const env: HostProcessEnvStep[] = [];
    if (own.systemStore && options.rootInOsStore) {
      steps.push({ kind: 'explain', code: 'host-reads-os-store' });
      return plan;
    }
    if (own.systemStore) {
      steps.push(osStoreStep(options.platform, options.home, options.root, rootFileOf(options)));
      if (options.platform !== 'darwin' && options.platform !== 'win32') reasons.push('no-per-user-store');
    } else if (options.rootInOsStore && own.systemStoreVariable) {
      env.push({ kind: 'host-process-env', variable: own.systemStoreVariable, value: '1', note: 'reads-os-store', alternative: false });
    }
    if (own.extraVariable) {
      // The absolute path as the OS writes it: a shell or launcher sets it, no config file quotes it.
      env.push({ kind: 'host-process-env', variable: own.extraVariable, value: options.bundlePath, note: 'adds-bundle', alternative: steps.length > 0 || env.length > 0 });
    }
    steps.push(...env);
    if (env.length > 0) steps.push({ kind: 'explain', code: 'host-env-not-written' });
    return plan;
  }

  reasons.push('editor-host', options.rootInOsStore ? 'root-in-os-store' : 'root-not-in-os-store');
  reasons.push(options.availableSettings === undefined ? 'settings-assumed' : 'settings-feature-detected');
  const file = options.editorSettingsPath ?? defaultSettingsPath(options);
  if (!file) throw new DoctorError('usage', `${options.hostApp} runs inside an editor: name that editor's user settings.json`);

  if (!options.rootInOsStore) {
    steps.push(osStoreStep(options.platform, options.home, options.root, rootFileOf(options)));
    if (options.platform !== 'darwin' && options.platform !== 'win32') reasons.push('no-per-user-store');
  }
  const keys = settingsToSet(options.availableSettings);
  if (keys.length === 0) steps.push({ kind: 'explain', code: 'no-system-certificates-setting' });
  steps.push(...keys.map((key): EditorSettingStep => ({ kind: 'editor-setting', file, key, value: true })));
  const nodeLoader = options.availableSettings === undefined || keys.includes('http.systemCertificatesNode');
  if (!options.rootInOsStore && nodeLoader && options.platform !== 'darwin' && options.platform !== 'win32') {
    // Where no administrator adds the root: the editor's Node reads SSL_CERT_FILE as its system store
    // (measured: works with http.systemCertificatesNode on, fails with it off; NODE_EXTRA_CA_CERTS there
    // is ignored while system certificates are on). Without the Node loader the editor reads fixed paths.
    steps.push({ kind: 'editor-process-env', variable: 'SSL_CERT_FILE', value: options.bundlePath, note: 'replaces-os-bundle-for-editor' });
  }
  return plan;
}
