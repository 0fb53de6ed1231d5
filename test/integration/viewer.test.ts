// The chain viewer and the status item in a real VS Code (code-server) with the packaged VSIX:
// - the viewer keeps its chain when its tab is hidden and shown again (webview state), and comes
//   back with it after a window reload (the panel serializer), its buttons still working;
// - the status item appears only where there is an MCP config, a finding or an analysis.
// Two editors in all (starting code-server dominates the time): one with an MCP config, one
// without. Screenshots in test-results/.
import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FrameLocator, Locator } from 'playwright-core';
import { startNetwork, type TestNetwork } from '../fixtures/network';
import { waitFor, withEditor, type Editor } from './harness';

let network: TestNetwork;
let scratch: string;

before(async () => {
  network = await startNetwork({ mitmproxy: false });
  scratch = await mkdtemp(join(tmpdir(), 'mcp-ssl-viewer-'));
});

after(async () => {
  await network?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** The chain viewer's document: a webview is an iframe holding the active frame. */
function chainViewer(editor: Editor): FrameLocator {
  return editor.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

function statusItem(editor: Editor): Locator {
  return editor.page.locator('.statusbar-item', { hasText: 'MCP TLS' }).or(editor.page.locator('.statusbar-item', { hasText: 'TLS intercepted by' }));
}

function tab(editor: Editor, title: string): Locator {
  return editor.page.locator('.tabs-container .tab', { hasText: title });
}

async function analyzeHost(editor: Editor): Promise<FrameLocator> {
  await editor.runCommand('MCP SSL: Analyze Host…');
  const input = editor.page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  await input.fill(network.origin.hostPort);
  await input.press('Enter');
  const viewer = chainViewer(editor);
  await viewer.locator('.card').first().waitFor({ state: 'visible', timeout: 30_000 });
  return viewer;
}

/** The viewer shows the interceptor's chain: the verdict and both certificates. */
async function assertShowsChain(viewer: FrameLocator, when: string): Promise<void> {
  await viewer.locator('.card').first().waitFor({ state: 'visible', timeout: 30_000 });
  assert.match(await viewer.locator('.verdict').innerText(), /Intercepted/i, `${when}: the verdict`);
  assert.match(await viewer.locator('.verdict').innerText(), new RegExp(`localhost:${network.origin.port}`), `${when}: the host`);
  assert.equal(await viewer.locator('.card').count(), 2, `${when}: leaf and corporate root`);
  assert.match(await viewer.locator('.card').nth(1).innerText(), /Test Corporate Inspection Root/, `${when}: the root's card`);
}

function count(text: string, pattern: RegExp): number {
  return [...text.matchAll(new RegExp(pattern.source, 'g'))].length;
}

async function workspace(name: string, config?: { path: string[]; text: string }): Promise<string> {
  const folder = join(scratch, name);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'README.txt'), 'a workspace for the viewer tests\n');
  if (config) {
    await mkdir(join(folder, ...config.path.slice(0, -1)), { recursive: true });
    await writeFile(join(folder, ...config.path), config.text);
  }
  return folder;
}

const VSCODE_CONFIG = {
  path: ['.vscode', 'mcp.json'],
  text: JSON.stringify({ servers: { docs: { type: 'stdio', command: '/usr/bin/python3', args: ['-c', 'pass'] } } }, null, 2),
};
const CURSOR_CONFIG = {
  path: ['.cursor', 'mcp.json'],
  text: JSON.stringify({ mcpServers: { docs: { command: 'uvx', args: ['mcpdoc'] } } }, null, 2),
};

describe('chain viewer: tab switch and window reload (code-server)', () => {
  // This editor's workspace has a .vscode/mcp.json: it also shows the status item at start.
  test('the viewer keeps the chain after a tab switch, and comes back with it after a window reload', async () => {
    const proxy = network.interceptor;
    const folder = await workspace('viewer-restore', VSCODE_CONFIG);
    await withEditor({
      workspace: folder,
      name: 'viewer-restore',
      env: { HTTPS_PROXY: proxy.url },
      settings: { 'mcpSslDoctor.preflight': false, 'mcpSslDoctor.systemCaFile': proxy.caFile },
    }, async (editor) => {
      // Status item: shown at start in a window with an MCP config, before anything is analysed.
      await statusItem(editor).first().waitFor({ state: 'visible', timeout: 30_000 });
      assert.match(await editor.extensionLog(), /status item shown \(MCP config \.vscode\/mcp\.json\)/);
      await editor.screenshot('status-with-config');

      const analysed = new RegExp(`chain localhost:${network.origin.port}: intercepted`);
      await assertShowsChain(await analyzeHost(editor), 'after "Analyze Host…"');

      // Another editor in the same group hides the viewer; without retained context its webview is torn down.
      await editor.page.keyboard.press('Control+P');
      const quickOpen = editor.page.locator('.quick-input-widget input');
      await quickOpen.waitFor({ state: 'visible', timeout: 10_000 });
      await quickOpen.fill('README.txt');
      await waitFor('Quick Open to list README.txt', async () => ((await editor.quickPickItems()).some((label) => label.includes('README.txt')) ? true : undefined), 15_000);
      await quickOpen.press('Enter');
      await editor.page.locator('.tabs-container .tab.active', { hasText: 'README.txt' }).waitFor({ state: 'visible', timeout: 15_000 });
      await waitFor('the hidden viewer to leave the page', async () => ((await editor.page.locator('iframe.webview.ready').count()) === 0 ? true : undefined), 15_000);
      await editor.screenshot('viewer-hidden-behind-another-tab');

      await tab(editor, 'Certificate Chain').click();
      await assertShowsChain(chainViewer(editor), 'after switching back to its tab');
      await editor.screenshot('viewer-after-tab-switch');

      const analysesBefore = count(await editor.extensionLog(), analysed);
      await editor.runCommand('Developer: Reload Window');
      await editor.page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
      await tab(editor, 'Certificate Chain').waitFor({ state: 'visible', timeout: 60_000 });
      await assertShowsChain(chainViewer(editor), 'after a window reload');
      await editor.screenshot('viewer-after-reload');
      assert.equal(count(await editor.extensionLog(), analysed), analysesBefore, 'restored from saved state, not analysed again');

      // The restored panel is wired to the extension again: Re-analyze knows which host.
      await chainViewer(editor).locator('.actions button', { hasText: 'Re-analyze' }).click();
      await waitFor('a second analysis of the restored host', async () => (count(await editor.extensionLog(), analysed) > analysesBefore ? true : undefined), 30_000);
      await assertShowsChain(chainViewer(editor), 'after Re-analyze in the restored viewer');
    });
  });
});

describe('status item: contextual (code-server)', () => {
  test('hidden without an MCP config; shown when one appears, hidden when it goes, shown for a finding; after a reload hidden again until an analysis', async () => {
    const proxy = network.interceptor;
    const folder = await workspace('status-no-config');
    // A log of another MCP host, outside the workspace: a finding there is news even without a config here.
    const logDir = join(scratch, 'status-logs');
    await mkdir(logDir, { recursive: true });
    const log = join(logDir, 'mcpServer.mcp.config.ws0.docs.log');
    await writeFile(log, '2026-12-01 20:33:54.001 [info] Starting server docs\n');
    await withEditor({
      workspace: folder,
      name: 'status-no-config',
      env: { HTTPS_PROXY: proxy.url },
      settings: { 'mcpSslDoctor.preflight': false, 'mcpSslDoctor.systemCaFile': proxy.caFile, 'mcpSslDoctor.logPaths': [join(logDir, 'mcpServer.*.log')] },
    }, async (editor) => {
      await editor.waitForExtensionLog(/status item hidden \(no MCP config, no finding\)/, 30_000);
      assert.equal(await statusItem(editor).count(), 0, 'no status item in a window without MCP config');
      await editor.screenshot('status-no-config-no-item');

      const config = join(folder, ...CURSOR_CONFIG.path);
      await mkdir(join(folder, '.cursor'), { recursive: true });
      await writeFile(config, CURSOR_CONFIG.text);
      await statusItem(editor).first().waitFor({ state: 'visible', timeout: 30_000 });
      assert.match(await editor.extensionLog(), /status item shown \(MCP config \.cursor\/mcp\.json\)/);

      await unlink(config);
      await statusItem(editor).first().waitFor({ state: 'detached', timeout: 30_000 });

      await editor.waitForExtensionLog(/watching .*mcpServer\.mcp\.config\.ws0\.docs\.log/, 30_000);
      await appendFile(log, `2026-12-01 20:33:55.107 [warning] [server stderr] requests.exceptions.SSLError: HTTPSConnectionPool(host='localhost', port=${network.origin.port}): Max retries exceeded with url: / (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)')))\n`);
      await statusItem(editor).first().waitFor({ state: 'visible', timeout: 30_000 });
      assert.match(await editor.extensionLog(), /status item shown \(a finding or an analysis\)/);
      await editor.screenshot('status-shown-for-finding');

      // A new window (reload) has seen neither: hidden again, until a host is analysed.
      await writeFile(log, '2026-12-01 20:40:00.001 [info] Starting server docs\n');
      const hiddenLines = /status item hidden \(no MCP config, no finding\)/;
      const hiddenBefore = count(await editor.extensionLog(), hiddenLines);
      await editor.runCommand('Developer: Reload Window');
      await editor.page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
      await waitFor('the reloaded window to hide the status item', async () => (count(await editor.extensionLog(), hiddenLines) > hiddenBefore ? true : undefined), 60_000);
      assert.equal(await statusItem(editor).count(), 0, 'no status item after the reload');

      await analyzeHost(editor);
      await statusItem(editor).first().waitFor({ state: 'visible', timeout: 30_000 });
      assert.match(await statusItem(editor).first().innerText(), /TLS intercepted by/);
      await editor.screenshot('status-shown-after-analysis');
    });
  });
});
