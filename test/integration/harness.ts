/**
 * Real-editor harness: the packaged extension in a real VS Code (code-server 4.139.1, VS Code 1.139.1)
 * driven through Debian's Chromium with playwright-core. Used by test/integration and test/e2e.
 *
 *     const editor = await startEditor({ workspace, settings: { 'mcpSslDoctor.preflight': false } });
 *     try {
 *       await editor.runCommand('Fix MCP SSL');
 *       await editor.waitForNotification(/corporate CA/, 30_000);
 *       await editor.screenshot('fix-offered');
 *     } finally {
 *       await editor.close();
 *     }
 *
 * or `await withEditor(options, async (editor) => { ... })`, which also screenshots on failure.
 *
 * - The test bed (Node 24 + code-server) comes from scripts/testbed.sh, in
 *   `${MCP_SSL_DOCTOR_TESTBED:-$HOME/.cache/mcp-ssl-doctor/testbed}`; missing, it is an error, never a skip.
 * - code-server runs with a CLEAN environment (a temporary HOME, PATH, LANG, nothing else) plus
 *   `options.env`: the machine-wide CA variables (SSL_CERT_FILE, NODE_EXTRA_CA_CERTS, ...) and proxy
 *   variables do not leak in. MCP servers the editor starts inherit exactly this environment.
 * - Every editor gets its own temporary folder (home, user data, extensions); `close()` kills the whole
 *   process tree and the browser and removes the folder (set MCP_SSL_DOCTOR_KEEP_TMP=1 to keep it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** The extension's id as VS Code knows it: `<publisher>.<name>`. */
export const EXTENSION_ID = 'mcp-ssl-doctor.mcp-ssl-doctor';
export const CODE_SERVER_VERSION = '4.139.1';
export const REPO_ROOT = resolve(__dirname, '..', '..');
export const DEFAULT_VSIX = join(REPO_ROOT, 'mcp-ssl-doctor.vsix');
/** The UI-side companion (companion/), packaged by `npm run package` beside the main VSIX. */
export const COMPANION_VSIX = join(REPO_ROOT, 'mcp-ssl-doctor-local.vsix');
export const RESULTS_DIR = join(REPO_ROOT, 'test-results');
export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Marks every process an editor starts (children inherit it), so close() can find stragglers. */
const MARKER_VARIABLE = 'MCP_SSL_DOCTOR_HARNESS_ID';

export type EditorTheme = 'Default Dark Modern' | 'Default Light Modern' | 'Default High Contrast';

export interface EditorOptions {
  /** Folder opened in the editor (`?folder=`). */
  workspace: string;
  /** Extra user settings, merged over the harness's defaults. */
  settings?: Record<string, unknown>;
  /** Variables merged over the clean base environment; `undefined` removes one. */
  env?: NodeJS.ProcessEnv;
  /** VSIX to install; default: the repo's mcp-ssl-doctor.vsix, rebuilt with `npm run package` when stale. */
  vsix?: string;
  /** Further VSIX files installed beside it (the companion). */
  extraVsix?: string[];
  /** Colour theme (default: Default Dark Modern). */
  theme?: EditorTheme;
  /** Wait until the extension host has activated the extension (default true). */
  waitForActivation?: boolean;
  /** Keep Workspace Trust on, so the folder opens untrusted (Restricted Mode). Default false. */
  restricted?: boolean;
  /** Used in the temporary folder's name and the failure screenshot of withEditor(). */
  name?: string;
}

export interface Editor {
  /** The Chromium page showing the workbench. */
  readonly page: Page;
  readonly url: string;
  readonly workspace: string;
  /** Temporary HOME of the code-server process (and of every MCP server it starts). */
  readonly home: string;
  /** `--user-data-dir`: User/settings.json, logs/, User/mcp.json. */
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** The environment code-server runs with. */
  readonly env: NodeJS.ProcessEnv;
  /** Opens the command palette, types `title`, and runs the entry whose label is exactly `title`. */
  runCommand(title: string, timeoutMs?: number): Promise<void>;
  /** Labels the command palette lists for `query` (the palette is closed again). */
  paletteItems(query: string, timeoutMs?: number): Promise<string[]>;
  /** Like paletteItems, but leaves the palette open (for a screenshot); Escape closes it. */
  showPalette(query: string, timeoutMs?: number): Promise<string[]>;
  /** Labels of the entries of an open quick pick / quick input (empty when none is open). */
  quickPickItems(): Promise<string[]>;
  /** Messages of the visible notification toasts. */
  notifications(): Promise<string[]>;
  /** Waits for a toast whose message matches; returns its message. */
  waitForNotification(message: RegExp, timeoutMs?: number): Promise<string>;
  /** Clicks the button labelled `buttonLabel` on the toast whose message matches `message`. */
  clickNotificationButton(message: RegExp | string, buttonLabel: string, timeoutMs?: number): Promise<void>;
  /** Saves test-results/<name>.png (after 0.5 s for animations) and returns its path. */
  screenshot(name: string): Promise<string>;
  /** The extension's own LogOutputChannel file(s), as written by the extension host ('' until it logs). */
  extensionLog(): Promise<string>;
  /** Waits until the extension's log matches `pattern`; returns the log. */
  waitForExtensionLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** The extension host's log (remoteexthost.log): activation events and errors of all extensions. */
  exthostLog(): Promise<string>;
  /** Lines of the extension host log reporting an activation failure of this extension. */
  activationErrors(): Promise<string[]>;
  /** code-server's own stdout + stderr so far. */
  codeServerOutput(): string;
  /** Kills code-server (the whole process tree) and the browser; safe to call twice. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Test bed

export interface Testbed {
  root: string;
  node: string;
  codeServerEntry: string;
}

/** Where scripts/testbed.sh installs Node 24 and code-server. */
export function testbedRoot(): string {
  return process.env.MCP_SSL_DOCTOR_TESTBED ?? join(homedir(), '.cache', 'mcp-ssl-doctor', 'testbed');
}

/** Locates the test bed; throws an error that says how to install it when it is missing. */
export function findTestbed(): Testbed {
  const root = testbedRoot();
  const node = join(root, 'node24', 'node_modules', 'node', 'bin', 'node');
  const codeServerEntry = join(root, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const missing = [node, codeServerEntry, CHROMIUM_PATH].filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new Error(
      `The real-editor test bed is missing (${missing.join(', ')}). ` +
        `Install Node 24 + code-server ${CODE_SERVER_VERSION} with scripts/testbed.sh ` +
        `(into ${root}; set MCP_SSL_DOCTOR_TESTBED to use another folder) and Chromium with ` +
        `'apt-get install -y chromium', or run .ci/run which does both.`,
    );
  }
  return { root, node, codeServerEntry };
}

/**
 * A clean environment for a process whose trust or proxy state matters: HOME, PATH, LANG and the
 * harness marker, then `extra` (a key set to undefined is removed). Nothing else is inherited.
 */
export function cleanEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    HOME: home,
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'C.UTF-8',
    USER: process.env.USER ?? 'root',
    SHELL: '/bin/sh',
    TMPDIR: tmpdir(),
  };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

// ---------------------------------------------------------------------------------------------
// VSIX

const PACKAGE_INPUTS = ['src', 'media', 'l10n', 'package.json', 'package.nls.json', '.vscodeignore', 'esbuild.config.mjs', 'README.md', 'companion/package.json', 'companion/README.md'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

let vsixBuilt: string | undefined;

/**
 * The repo's VSIX, built with `npm run package` when it is missing or older than its sources (or
 * always, with `force`). Built at most once per process.
 */
export function ensureVsix(options: { force?: boolean } = {}): string {
  if (vsixBuilt !== undefined) return vsixBuilt;
  const sourcesChanged = Math.max(...PACKAGE_INPUTS.map((input) => newestMtime(join(REPO_ROOT, input))));
  if (options.force || !existsSync(DEFAULT_VSIX) || !existsSync(COMPANION_VSIX) || statSync(DEFAULT_VSIX).mtimeMs < sourcesChanged) {
    const result = spawnSync('npm', ['run', 'package'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 });
    if (result.status !== 0) {
      throw new Error(`'npm run package' failed (exit ${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
    }
  }
  vsixBuilt = DEFAULT_VSIX;
  return vsixBuilt;
}

// ---------------------------------------------------------------------------------------------
// Waiting

/** Polls `probe` until it returns a value other than undefined; throws a message naming `what`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${cause}`);
    }
    await new Promise((done) => setTimeout(done, intervalMs));
  }
}

// ---------------------------------------------------------------------------------------------
// Processes

const liveGroups = new Set<number>();
process.on('exit', () => {
  // Last resort when a test dies without close(): no code-server outlives the test process.
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
});

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Processes whose environment carries this editor's marker (children that left the group). */
function markedProcesses(marker: string): number[] {
  const needle = `${MARKER_VARIABLE}=${marker}`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(needle)) found.push(Number(entry));
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return found;
}

async function terminate(child: ChildProcess, marker: string): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const exited = child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((done) => child.once('exit', () => done()));
  killGroup(pid, 'SIGTERM');
  await Promise.race([exited, new Promise((done) => setTimeout(done, 5_000))]);
  killGroup(pid, 'SIGKILL');
  liveGroups.delete(pid);
  for (let attempt = 0; attempt < 20; attempt++) {
    const stragglers = markedProcesses(marker).filter((straggler) => straggler !== process.pid);
    if (stragglers.length === 0) return;
    for (const straggler of stragglers) {
      try {
        process.kill(straggler, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await new Promise((done) => setTimeout(done, 100));
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(output);
      else reject(new Error(`${command} ${args.join(' ')} failed (${code ?? signal}):\n${output}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Files written by the editor

async function findFiles(root: string, accept: (path: string) => boolean): Promise<string[]> {
  const found: string[] = [];
  async function walk(folder: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (accept(path)) found.push(path);
    }
  }
  await walk(root);
  // Oldest first: a reloaded window starts a new exthost<N> folder.
  const withTimes = await Promise.all(found.map(async (path) => ({ path, time: (await stat(path)).mtimeMs })));
  return withTimes.sort((a, b) => a.time - b.time).map((entry) => entry.path);
}

async function concatenate(paths: string[]): Promise<string> {
  const texts = await Promise.all(paths.map((path) => readFile(path, 'utf8').catch(() => '')));
  return texts.join('');
}

// ---------------------------------------------------------------------------------------------
// The editor

function defaultSettings(theme: EditorTheme): Record<string, unknown> {
  return {
    'security.workspace.trust.enabled': false,
    'workbench.colorTheme': theme,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'window.commandCenter': false,
  };
}

/** Starts code-server with the extension installed and opens `workspace` in Chromium. */
export async function startEditor(options: EditorOptions): Promise<Editor> {
  const testbed = findTestbed();
  const vsix = options.vsix ?? ensureVsix();
  if (!existsSync(vsix)) throw new Error(`VSIX not found: ${vsix}`);
  const workspace = resolve(options.workspace);
  const marker = randomUUID();
  const label = (options.name ?? 'editor').replace(/[^\w.-]+/g, '-');
  const tmp = await mkdtemp(join(tmpdir(), `mcp-ssl-doctor-${label}-`));
  const home = join(tmp, 'home');
  const userDataDir = join(tmp, 'user-data');
  const extensionsDir = join(tmp, 'extensions');
  await mkdir(home, { recursive: true });
  await mkdir(join(userDataDir, 'User'), { recursive: true });
  await mkdir(extensionsDir, { recursive: true });
  const settings = {
    ...defaultSettings(options.theme ?? 'Default Dark Modern'),
    ...(options.restricted ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' } : {}),
    ...options.settings,
  };
  await writeFile(join(userDataDir, 'User', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  const config = join(tmp, 'code-server.yaml');
  await writeFile(config, 'auth: none\ncert: false\n');
  const env = cleanEnv(home, { ...options.env, [MARKER_VARIABLE]: marker });

  let codeServer: ChildProcess | undefined;
  let browser: Browser | undefined;
  let output = '';
  let closed = false;

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await browser?.close().catch(() => undefined);
    if (codeServer) await terminate(codeServer, marker);
    if (process.env.MCP_SSL_DOCTOR_KEEP_TMP) process.stderr.write(`[harness] kept ${tmp}\n`);
    else await rm(tmp, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    await run(testbed.node, [testbed.codeServerEntry, '--config', config, '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir, '--install-extension', vsix], env, 120_000);
    for (const extra of options.extraVsix ?? []) {
      await run(testbed.node, [testbed.codeServerEntry, '--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', extra], env, 120_000);
    }

    codeServer = spawn(testbed.node, [
      testbed.codeServerEntry,
      '--config', config,
      '--auth', 'none',
      '--bind-addr', '127.0.0.1:0',
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.restricted ? [] : ['--disable-workspace-trust']),
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      workspace,
    ], { env, cwd: workspace, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const child = codeServer;
    if (child.pid !== undefined) liveGroups.add(child.pid);
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

    const base = await waitFor('code-server to listen (its output: see below)', async () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}):\n${output}`);
      }
      return /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    }, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}\n--- code-server output ---\n${output}`);
    });
    const url = `${base}/?folder=${encodeURIComponent(workspace)}`;

    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url, { timeout: 60_000 });
    await page.waitForSelector('.monaco-workbench', { timeout: 90_000 }).catch(() => {
      throw new Error(`The workbench (.monaco-workbench) did not appear within 90 s at ${url}`);
    });

    const exthostLog = async (): Promise<string> =>
      concatenate(await findFiles(join(userDataDir, 'logs'), (path) => /\/exthost\d*\/remoteexthost\.log$/.test(path)));
    const extensionLog = async (): Promise<string> =>
      concatenate(await findFiles(join(userDataDir, 'logs'), (path) => path.includes(`/${EXTENSION_ID}/`) && path.endsWith('.log')));

    const editor: Editor = {
      page,
      url,
      workspace,
      home,
      userDataDir,
      extensionsDir,
      env,
      close,
      codeServerOutput: () => output,
      exthostLog,
      extensionLog,
      async activationErrors() {
        // "[error] Activating extension <id> failed due to an error:" is followed by the error itself.
        const lines = (await exthostLog()).split('\n');
        const errors: string[] = [];
        lines.forEach((line, index) => {
          if (!line.includes(EXTENSION_ID) || !/\[error\]|failed/i.test(line)) return;
          errors.push(line);
          if (/failed due to an error:?\s*$/.test(line) && lines[index + 1] !== undefined) errors.push(lines[index + 1]);
        });
        return errors;
      },
      async waitForExtensionLog(pattern, timeoutMs = 30_000) {
        return waitFor(`the extension's log to match ${pattern}`, async () => {
          const log = await extensionLog();
          return pattern.test(log) ? log : undefined;
        }, timeoutMs);
      },
      runCommand: (title, timeoutMs = 15_000) => runPaletteCommand(page, title, timeoutMs),
      paletteItems: async (query, timeoutMs = 10_000) => {
        const items = await listPalette(page, query, timeoutMs);
        await page.keyboard.press('Escape');
        return items;
      },
      showPalette: (query, timeoutMs = 10_000) => listPalette(page, query, timeoutMs),
      quickPickItems: () => visibleQuickPickItems(page),
      notifications: () => visibleNotifications(page),
      async waitForNotification(message, timeoutMs = 30_000) {
        return waitFor(`a notification matching ${message}`, async () => {
          return (await visibleNotifications(page)).find((text) => message.test(text));
        }, timeoutMs).catch(async (error: Error) => {
          throw new Error(`${error.message}; visible: ${JSON.stringify(await visibleNotifications(page))}`);
        });
      },
      async clickNotificationButton(message, buttonLabel, timeoutMs = 30_000) {
        const matches = (text: string): boolean => (typeof message === 'string' ? text.includes(message) : message.test(text));
        const button = await waitFor(`a notification matching ${message} with a '${buttonLabel}' button`, async () => {
          for (const toast of await page.locator('.notifications-toasts .notification-toast').all()) {
            if (!(await toast.isVisible())) continue;
            const text = await toast.locator('.notification-list-item-message').innerText();
            if (!matches(text)) continue;
            const candidate = toast.locator('.notification-list-item-buttons-container .monaco-button', { hasText: buttonLabel });
            if ((await candidate.count()) > 0) return candidate.first();
          }
          return undefined;
        }, timeoutMs);
        await button.click();
      },
      async screenshot(name) {
        await mkdir(RESULTS_DIR, { recursive: true });
        const path = join(RESULTS_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
        // Let toasts and quick inputs finish sliding in: a picture mid-animation shows half a toast.
        await page.waitForTimeout(500);
        await page.screenshot({ path });
        return path;
      },
    };

    if (options.waitForActivation ?? true) {
      const activationLine = `_doActivateExtension ${EXTENSION_ID}`;
      await waitFor(`the extension host to activate ${EXTENSION_ID}`, async () => {
        return (await exthostLog()).includes(activationLine) ? true : undefined;
      }, 90_000).catch(async (error: Error) => {
        throw new Error(`${error.message}\n--- extension host log ---\n${await exthostLog()}`);
      });
    }
    return editor;
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Runs `body` with a started editor; on failure saves test-results/failure-<name>.png and prints the
 * extension host log tail, and always closes the editor.
 */
export async function withEditor<T>(options: EditorOptions, body: (editor: Editor) => Promise<T>): Promise<T> {
  const editor = await startEditor(options);
  try {
    return await body(editor);
  } catch (error) {
    const shot = await editor.screenshot(`failure-${options.name ?? 'editor'}`).catch(() => undefined);
    const tail = (await editor.exthostLog().catch(() => '')).split('\n').slice(-30).join('\n');
    process.stderr.write(`[harness] failure screenshot: ${shot ?? 'none'}\n[harness] extension host log (tail):\n${tail}\n`);
    throw error;
  } finally {
    await editor.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Workbench UI

const QUICK_INPUT = '.quick-input-widget';

async function openPalette(page: Page, query: string): Promise<void> {
  const input = page.locator(`${QUICK_INPUT} .quick-input-box input`);
  await waitFor('the command palette to open and take input', async () => {
    // Start from a closed quick input: one that is closing is still visible but inert.
    await page.keyboard.press('Escape');
    await input.waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => undefined);
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 3_000 });
    await input.fill(`>${query}`, { timeout: 3_000 });
    return true;
  }, 30_000, 500);
}

async function visibleQuickPickItems(page: Page): Promise<string[]> {
  if (!(await page.locator(QUICK_INPUT).isVisible())) return [];
  return page.$$eval(`${QUICK_INPUT} .quick-input-list .monaco-list-row`, (rows) =>
    rows.map((row) => {
      const label = row.querySelector('.label-name') ?? row.querySelector('.monaco-highlighted-label');
      return (label?.textContent ?? row.getAttribute('aria-label') ?? '').trim();
    }),
  );
}

async function listPalette(page: Page, query: string, timeoutMs: number): Promise<string[]> {
  await openPalette(page, query);
  let previous = '';
  let stableSince = Date.now();
  const items = await waitFor(`the command palette list for '${query}' to settle`, async () => {
    const current = await visibleQuickPickItems(page);
    const key = JSON.stringify(current);
    if (key !== previous) {
      previous = key;
      stableSince = Date.now();
      return undefined;
    }
    return Date.now() - stableSince >= 1_000 ? current : undefined;
  }, timeoutMs);
  return items;
}

async function runPaletteCommand(page: Page, title: string, timeoutMs: number): Promise<void> {
  // A toast or a server starting can take the focus and close the palette under the click: open
  // it again and retry, a few times, before failing.
  for (let attempt = 1; ; attempt += 1) {
    await openPalette(page, title);
    let seen: string[] = [];
    const index = await waitFor(`the command palette to list '${title}'`, async () => {
      seen = await visibleQuickPickItems(page);
      const found = seen.indexOf(title);
      return found >= 0 ? found : undefined;
    }, timeoutMs).catch((error: Error) => {
      throw new Error(`${error.message}: it shows ${JSON.stringify(seen)}`);
    });
    try {
      await page.locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row`).nth(index).click({ timeout: 5_000 });
      return;
    } catch (error) {
      if (attempt >= 4) throw error;
    }
  }
}

async function visibleNotifications(page: Page): Promise<string[]> {
  const messages: string[] = [];
  for (const toast of await page.locator('.notifications-toasts .notification-toast').all()) {
    if (await toast.isVisible()) messages.push((await toast.locator('.notification-list-item-message').innerText()).trim());
  }
  return messages;
}
