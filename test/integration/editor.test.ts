// The editor experience in a real VS Code (code-server), with the packaged VSIX, through a real
// interception proxy on loopback: preflight notification → Fix → confirmation with the CA's
// fingerprint → config written → status bar → chain viewer (dark and light) → undo; and the log
// watcher's notification for a failure written to a log file. Screenshots in test-results/.
import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { pemFingerprints } from '../../src/core/pem';
import { startNetwork, type TestNetwork, type TestProxy } from '../fixtures/network';
import { REPO_ROOT, startEditor, waitFor, type Editor, type EditorTheme } from './harness';
import { clickMessageButton, waitForMessage } from './messages';

const PY_SERVER = join(REPO_ROOT, 'test/fixtures/mcp-servers/docs_server.py');

let network: TestNetwork;
let scratch: string;

before(async () => {
  network = await startNetwork({ mitmproxy: false });
  scratch = await mkdtemp(join(tmpdir(), 'mcp-ssl-editor-'));
});

after(async () => {
  await network?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function workspaceWithServer(name: string): Promise<{ folder: string; config: string; original: string }> {
  const folder = join(scratch, name);
  await mkdir(join(folder, '.vscode'), { recursive: true });
  const config = join(folder, '.vscode', 'mcp.json');
  const original = `{
  // The team's MCP servers
  "servers": {
    "docs": {
      "type": "stdio",
      "command": "/usr/bin/python3",
      "args": [${JSON.stringify(PY_SERVER)}, ${JSON.stringify(network.origin.url)}]
    }
  }
}
`;
  await writeFile(config, original);
  return { folder, config, original };
}

/** The chain viewer's document: a webview is an iframe holding the active frame. */
function chainViewer(editor: Editor): FrameLocator {
  return editor.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

async function openViewerFromStatusBar(editor: Editor): Promise<FrameLocator> {
  const item = editor.page.locator('.statusbar-item', { hasText: 'TLS intercepted by' });
  await item.first().waitFor({ state: 'visible', timeout: 30_000 });
  await item.first().click();
  const viewer = chainViewer(editor);
  await viewer.locator('.verdict').waitFor({ state: 'visible', timeout: 30_000 });
  return viewer;
}

function editorFor(folder: string, proxy: TestProxy, extra: { theme?: EditorTheme; settings?: Record<string, unknown>; name: string }): Promise<Editor> {
  return startEditor({
    workspace: folder,
    name: extra.name,
    theme: extra.theme,
    env: { HTTPS_PROXY: proxy.url },
    settings: { 'mcpSslDoctor.systemCaFile': proxy.caFile, ...extra.settings },
  });
}

describe('editor: preflight, Fix, status bar, chain viewer, undo (code-server)', () => {
  test('an intercepted host is reported before the server fails, and Fix writes a verified CA setting', async () => {
    const proxy = network.interceptor;
    const { folder, config, original } = await workspaceWithServer('preflight');
    const editor = await editorFor(folder, proxy, { name: 'preflight' });
    try {
      const message = await editor.waitForNotification(/intercepted by "Test Corporate Inspection Root"/, 60_000);
      assert.match(message, /docs/);
      await editor.screenshot('editor-1-preflight-notification');

      await clickMessageButton(editor, /intercepted by/, 'Fix');
      const dialog = editor.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 30_000 });
      const dialogText = await dialog.innerText();
      const fingerprint = [...pemFingerprints(network.corporateRoot.pem)][0];
      assert.ok(dialogText.replace(/:/g, '').toLowerCase().includes(fingerprint), `the confirmation shows the CA's SHA-256:\n${dialogText}`);
      assert.match(dialogText, /Test Corporate Inspection Root/);
      await editor.screenshot('editor-2-confirm-fingerprint');
      await dialog.getByRole('button', { name: 'Trust and Fix' }).click();

      await waitForMessage(editor, /Fixed: docs now trust/);
      await editor.screenshot('editor-3-fixed');

      const written = JSON.parse((await readFile(config, 'utf8')).replace(/^\s*\/\/.*$/m, '')) as { servers: { docs: { env: Record<string, string> } } };
      const env = written.servers.docs.env;
      assert.match(env.SSL_CERT_FILE, /^\$\{userHome\}\/\.mcp-ssl-doctor\/.+\.pem$/, 'a portable path for a shared workspace config');
      assert.equal(env.REQUESTS_CA_BUNDLE, env.SSL_CERT_FILE);
      assert.ok((await readFile(config, 'utf8')).includes('// The team\'s MCP servers'), 'comments survive');
      const bundle = env.SSL_CERT_FILE.replace('${userHome}', editor.home);
      assert.ok(pemFingerprints(await readFile(bundle, 'utf8')).has(fingerprint), 'the bundle holds the corporate root');

      const viewer = await openViewerFromStatusBar(editor);
      assert.match(await viewer.locator('.verdict').innerText(), /Intercepted/i);
      assert.equal(await viewer.locator('.card').count(), 2, 'leaf and corporate root');
      await editor.screenshot('editor-4-chain-viewer-dark');

      await editor.runCommand('MCP SSL: Undo Last Fix');
      await waitForMessage(editor, /Removed the CA settings of docs/);
      assert.equal(await readFile(config, 'utf8'), original, 'undo restores the file byte for byte');
      await editor.screenshot('editor-5-undone');
    } catch (error) {
      await editor.screenshot('editor-failure-preflight');
      throw error;
    } finally {
      await editor.close();
    }
  });

  test('the chain viewer in the light and high-contrast themes, opened with "Analyze Host…"', async () => {
    const proxy = network.interceptor;
    const { folder } = await workspaceWithServer('viewer-light');
    for (const theme of ['Default Light Modern', 'Default High Contrast'] as const) {
      const editor = await editorFor(folder, proxy, { name: `viewer-${theme}`, theme, settings: { 'mcpSslDoctor.preflight': false } });
      try {
        await editor.runCommand('MCP SSL: Analyze Host…');
        const input = editor.page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible', timeout: 20_000 });
        await input.fill(network.origin.hostPort);
        await input.press('Enter');
        const viewer = chainViewer(editor);
        await viewer.locator('.card').first().waitFor({ state: 'visible', timeout: 30_000 });
        assert.match(await viewer.locator('.verdict').innerText(), /Intercepted/i);
        await editor.screenshot(`editor-6-chain-viewer-${theme === 'Default Light Modern' ? 'light' : 'high-contrast'}`);
      } finally {
        await editor.close();
      }
    }
  });

  test('a TLS failure appended to a watched MCP log raises one notification naming the server', async () => {
    const proxy = network.interceptor;
    const { folder } = await workspaceWithServer('watcher');
    const logDir = join(scratch, 'logs', 'window1');
    await mkdir(logDir, { recursive: true });
    const log = join(logDir, 'mcpServer.mcp.config.ws0.docs.log');
    await writeFile(log, '2026-11-26 20:33:54.001 [info] Starting server docs\n');
    const editor = await editorFor(folder, proxy, { name: 'watcher', settings: { 'mcpSslDoctor.preflight': false, 'mcpSslDoctor.logPaths': [join(scratch, 'logs', '**', 'mcpServer.*.log')] } });
    try {
      await editor.waitForExtensionLog(/watching .*mcpServer\.mcp\.config\.ws0\.docs\.log/, 30_000);
      const failure = [
        `2026-11-26 20:33:55.107 [warning] [server stderr] requests.exceptions.SSLError: HTTPSConnectionPool(host='localhost', port=${network.origin.port}): Max retries exceeded with url: / (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)')))`,
        `2026-11-26 20:33:55.200 [info] Connection state: Error Process exited with code 1`,
      ];
      await appendFile(log, failure.map((line) => `${line}\n`).join(''));
      const message = await editor.waitForNotification(/MCP server docs failed/, 30_000);
      assert.match(message, /TLS-inspecting proxy/);
      await editor.screenshot('editor-7-log-notification');
      // The same event seen again is not news: no second toast.
      await appendFile(log, `${failure[0]}\n`);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const toasts = (await editor.notifications()).filter((text) => /MCP server docs failed/.test(text));
      assert.equal(toasts.length, 1, `one notification per server per event, saw: ${toasts.join(' | ')}`);
      await clickMessageButton(editor, /MCP server docs failed/, 'Show chain');
      const viewer = chainViewer(editor);
      await viewer.locator('.card').first().waitFor({ state: 'visible', timeout: 30_000 });
      assert.match(await viewer.locator('.verdict').innerText(), new RegExp(`localhost:${network.origin.port}`));
    } finally {
      await editor.close();
    }
  });

  test('in an untrusted workspace the problem is shown but nothing is written', async () => {
    const proxy = network.interceptor;
    const { folder, config, original } = await workspaceWithServer('untrusted');
    const editor = await startEditor({
      workspace: folder,
      name: 'untrusted',
      restricted: true,
      env: { HTTPS_PROXY: proxy.url },
      // An untrusted workspace's config names no host, so preflight probes the user's probe host: the
      // origin here. (pypi.org through the interceptor raced its failing upstream lookup offline.)
      settings: { 'mcpSslDoctor.systemCaFile': proxy.caFile, 'mcpSslDoctor.probeHost': network.origin.hostPort },
    });
    try {
      await waitForMessage(editor, /intercepted by "Test Corporate Inspection Root"/, 60_000);
      await clickMessageButton(editor, /intercepted by/, 'Fix');
      const message = await waitForMessage(editor, /not trusted, so MCP SSL Doctor does not write/, 60_000);
      assert.match(message, /mcp-ssl-doctor fix --config/, 'the CLI command is offered instead');
      // What would have been trusted is still shown.
      await chainViewer(editor).locator('.card').first().waitFor({ state: 'visible', timeout: 30_000 });
      await editor.screenshot('editor-9-untrusted-no-write');
      assert.equal(await readFile(config, 'utf8'), original, 'nothing was written');
      assert.equal(existsSync(join(editor.home, '.mcp-ssl-doctor')), false, 'no bundle was written');
    } finally {
      await editor.close();
    }
  });

  test('"Fix MCP SSL" from the palette lists the configured servers to pick', async () => {
    const proxy = network.interceptor;
    const { folder } = await workspaceWithServer('palette');
    const editor = await editorFor(folder, proxy, { name: 'palette', settings: { 'mcpSslDoctor.preflight': false } });
    try {
      await editor.runCommand('Fix MCP SSL');
      const items = await waitFor('the server quick pick', async () => {
        const labels = await editor.quickPickItems();
        return labels.some((label) => label.includes('docs')) ? labels : undefined;
      }, 20_000);
      assert.ok(items.some((label) => label.includes('docs')));
      await editor.screenshot('editor-8-palette-pick');
      await editor.page.keyboard.press('Escape');
    } finally {
      await editor.close();
    }
  });
});

