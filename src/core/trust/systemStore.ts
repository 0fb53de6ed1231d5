// The OS trust store: where IT installs the corporate root, and what browsers trust.
// Order: an explicit file (--system-ca, MCP_SSL_DOCTOR_SYSTEM_CA) replaces everything; else
// tls.getCACertificates('system') where the runtime has it (Node >= 22.15 / 23.10; Node 20 lacks it);
// else per platform: Linux bundle files / hashed dirs (+ SSL_CERT_FILE / SSL_CERT_DIR),
// macOS `security find-certificate`, Windows a PowerShell export; under WSL the Windows export too (interop).
import { readFile, readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { pemToDers } from '../pem';
import { readCaFile } from './publicRoots';
import { LINUX_BUNDLE_FILES, LINUX_CERT_DIRS, MACOS_KEYCHAINS, WINDOWS_STORES } from './locations';

export interface SystemStoreOptions {
  /** Replaces the OS store (tests, admins). */
  file?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** The user's home (macOS: the login keychain). Default: this user's. */
  home?: string;
  /**
   * Runs the platform's store command and returns its stdout ('' on failure). Default: the real command.
   * Tests replay recorded output through it to read another OS's store; nothing is cached then.
   */
  runCommand?: (command: string, args: string[]) => Promise<string>;
  /** Ask Node (`tls.getCACertificates('system')`) first. Default true; false reads the platform's own store. */
  nodeStore?: boolean;
}

export interface SystemStore {
  ders: Buffer[];
  /** Where the certificates came from, for the log and the chain view. */
  sources: string[];
}

/** The environment variable that replaces the OS store like --system-ca (tests and administrators). */
export const SYSTEM_CA_ENV = 'MCP_SSL_DOCTOR_SYSTEM_CA';

const cache = new Map<string, Promise<SystemStore>>();

/** Loads once per process and configuration: a worker answers repeated analyses from memory. */
export function loadSystemStore(options: SystemStoreOptions = {}): Promise<SystemStore> {
  const env = options.env ?? process.env;
  const file = options.file || env[SYSTEM_CA_ENV] || undefined;
  const platform = options.platform ?? process.platform;
  if (!file && options.runCommand) return loadOsStore(platform, env, options);
  const wsl = !file && isWsl(platform, env);
  const key = JSON.stringify([file, platform, env.SSL_CERT_FILE, env.SSL_CERT_DIR, options.home, options.nodeStore, wsl ? env.PATH ?? '' : null]);
  let store = cache.get(key);
  if (!store) {
    store = file ? readCaFile(file).then((ders) => ({ ders, sources: [file] })) : loadOsStore(platform, env, options);
    cache.set(key, store);
    store.catch(() => cache.delete(key));
  }
  return store;
}

type GetCaCertificates = (type: 'system') => string[];

/**
 * Linux under WSL (WSL sets WSL_DISTRO_NAME and WSL_INTEROP in every session): the machine's roots
 * are the Windows host's, which IT manages; the distribution's own store does not hold them.
 */
export function isWsl(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): boolean {
  return platform === 'linux' && Boolean(env.WSL_DISTRO_NAME || env.WSL_INTEROP);
}

async function loadOsStore(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, options: SystemStoreOptions): Promise<SystemStore> {
  const own = await loadOwnStore(platform, env, options);
  if (!isWsl(platform, env)) return own;
  // The same export as on Windows, run through interop: `powershell.exe` on the PATH WSL appends.
  const { command, args } = windowsStoreCommand();
  const output = await (options.runCommand ?? ((file: string, argv: string[]) => run(file, argv, env)))(command, args);
  const windows = pemToDers(output);
  if (windows.length === 0) return own;
  return { ders: unique([...own.ders, ...windows]), sources: [...own.sources, ...WINDOWS_STORES.map((store) => `${store} (Windows, through WSL interop)`)] };
}

async function loadOwnStore(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, options: SystemStoreOptions): Promise<SystemStore> {
  const getCaCertificates = (tls as unknown as { getCACertificates?: GetCaCertificates }).getCACertificates;
  if (options.nodeStore !== false && typeof getCaCertificates === 'function') {
    try {
      const pems = getCaCertificates('system');
      if (pems.length > 0) return { ders: unique(pems.flatMap(pemToDers)), sources: ["tls.getCACertificates('system')"] };
    } catch {
      // Node on Windows can throw here ("X509 to PEM conversion", github/copilot-cli#1250): the platform's own store.
    }
  }
  const runCommand = options.runCommand ?? run;
  if (platform === 'darwin') return loadMacOs(options.home ?? homedir(), runCommand);
  if (platform === 'win32') return loadWindows(runCommand);
  return loadLinux(env);
}

/** Each certificate once (keychains and stores overlap: System.keychain repeats system roots, LocalMachine and CurrentUser Root). */
function unique(ders: Buffer[]): Buffer[] {
  const seen = new Set<string>();
  return ders.filter((der) => {
    const id = der.toString('base64');
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'latin1');
  } catch {
    return null;
  }
}

async function readDir(dir: string): Promise<Buffer[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const certNames = names.filter((name) => /\.(pem|crt|cer|\d+)$/.test(name));
  const texts = await Promise.all(certNames.map((name) => readIfExists(join(dir, name))));
  const seen = new Set<string>();
  const out: Buffer[] = [];
  for (const der of texts.flatMap((text) => (text ? pemToDers(text) : []))) {
    const id = der.toString('base64');
    if (!seen.has(id)) {
      seen.add(id);
      out.push(der);
    }
  }
  return out;
}

async function loadLinux(env: NodeJS.ProcessEnv): Promise<SystemStore> {
  const sources: string[] = [];
  const ders: Buffer[] = [];
  let bundleDir: string | null = null;
  for (const file of LINUX_BUNDLE_FILES) {
    const text = await readIfExists(file);
    if (text) {
      ders.push(...pemToDers(text));
      sources.push(file);
      bundleDir = file.slice(0, file.lastIndexOf('/'));
      break;
    }
  }
  if (!bundleDir) {
    for (const dir of LINUX_CERT_DIRS) {
      const found = await readDir(dir);
      if (found.length > 0) {
        ders.push(...found);
        sources.push(dir);
        break;
      }
    }
  }
  // OpenSSL-based runtimes on this machine also trust what these point at.
  if (env.SSL_CERT_FILE && !sources.includes(env.SSL_CERT_FILE)) {
    const text = await readIfExists(env.SSL_CERT_FILE);
    if (text) {
      ders.push(...pemToDers(text));
      sources.push(env.SSL_CERT_FILE);
    }
  }
  // A hashed dir next to the bundle holds the same certificates: skip it.
  if (env.SSL_CERT_DIR) {
    for (const dir of env.SSL_CERT_DIR.split(':').filter((d) => d && d !== bundleDir)) {
      ders.push(...(await readDir(dir)));
      sources.push(dir);
    }
  }
  return { ders, sources };
}

async function run(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  // Loaded only on macOS, Windows and WSL: Linux and the CLI's hot path never pay for it.
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile(command, args, { maxBuffer: 64 * 1024 * 1024, timeout: 20_000, windowsHide: true, ...(env ? { env } : {}) }, (error, stdout) => {
      resolve(error ? '' : stdout);
    });
  });
}

/** The exact `security` invocation per keychain (tests replay recorded output for it). */
export function macOsStoreCommands(home: string): { command: string; args: string[] }[] {
  const keychains = MACOS_KEYCHAINS.map((k) => (k.startsWith('~/') ? `${home.replace(/\/+$/, '')}/${k.slice(2)}` : k));
  return keychains.map((keychain) => ({ command: '/usr/bin/security', args: ['find-certificate', '-a', '-p', keychain] }));
}

async function loadMacOs(home: string, runCommand: (command: string, args: string[]) => Promise<string>): Promise<SystemStore> {
  const commands = macOsStoreCommands(home);
  const outputs = await Promise.all(commands.map(({ command, args }) => runCommand(command, args)));
  return { ders: unique(outputs.flatMap(pemToDers)), sources: commands.filter((_, i) => pemToDers(outputs[i] ?? '').length > 0).map(({ args }) => args[args.length - 1] ?? '') };
}

/** The PowerShell export of the Windows stores (tests replay recorded output for it). */
export function windowsStoreCommand(): { command: string; args: string[] } {
  const script = [
    `$stores = @(${WINDOWS_STORES.map((s) => `'${s}'`).join(',')})`,
    'foreach ($s in $stores) { Get-ChildItem -Path $s -ErrorAction SilentlyContinue | ForEach-Object {',
    "  '-----BEGIN CERTIFICATE-----'; [Convert]::ToBase64String($_.RawData); '-----END CERTIFICATE-----' } }",
  ].join('\n');
  return { command: 'powershell.exe', args: ['-NoProfile', '-NonInteractive', '-Command', script] };
}

async function loadWindows(runCommand: (command: string, args: string[]) => Promise<string>): Promise<SystemStore> {
  const { command, args } = windowsStoreCommand();
  const output = await runCommand(command, args);
  const ders = unique(pemToDers(output));
  return { ders, sources: ders.length > 0 ? [...WINDOWS_STORES] : [] };
}
