// A remote MCP server (`type: http`, a `url`) in a real VS Code (code-server) with the packaged VSIX:
// the editor connects itself, so its log says only `fetch failed`. The watcher sees that line, the
// worker probes the URL through the editor's proxy (a loopback interceptor), the notification says
// the trust belongs to the editor, Fix confirms subject + SHA-256 in a modal and sets the user
// setting; Undo takes it back. Screenshots in test-results/.
import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pemFingerprints } from '../../src/core/pem';
import { startNetwork, type TestNetwork } from '../fixtures/network';
import { startEditor, waitFor } from './harness';
import { clickMessageButton, waitForMessage } from './messages';

let network: TestNetwork;
let scratch: string;

before(async () => {
  network = await startNetwork({ mitmproxy: false });
  scratch = await mkdtemp(join(tmpdir(), 'mcp-ssl-remote-'));
});

after(async () => {
  await network?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

interface UserSettings {
  [key: string]: unknown;
}

describe('editor: a remote MCP server whose TLS is re-signed (code-server)', () => {
  // code-server starts no MCP server by itself here (no chat agent asks for one), so the editor's
  // own failure line is written to a log the watcher follows; everything after it is the real editor.
  test('a fetch-failed line of the editor\'s MCP log (written by the test: code-server starts no remote server here) → notification → Fix with subject + SHA-256 → user setting written → Undo', async () => {
    const proxy = network.interceptor;
    const folder = join(scratch, 'remote');
    await mkdir(join(folder, '.vscode'), { recursive: true });
    const url = `${network.origin.url}mcp`;
    await writeFile(join(folder, '.vscode', 'mcp.json'), `${JSON.stringify({ servers: { 'remote-docs': { type: 'http', url } } }, null, 2)}\n`);
    const logDir = join(scratch, 'logs', 'window1');
    await mkdir(logDir, { recursive: true });
    const log = join(logDir, 'mcpServer.mcp.config.ws0.remote-docs.log');
    await writeFile(log, '2026-12-01 22:00:00.000 [info] Starting server remote-docs\n');
    const editor = await startEditor({
      workspace: folder,
      name: 'remote',
      // The editor's proxy is the interceptor; IT put its root into the (test) system store.
      env: { HTTPS_PROXY: proxy.url, MCP_SSL_DOCTOR_SYSTEM_CA: proxy.caFile },
      settings: {
        'mcpSslDoctor.systemCaFile': proxy.caFile,
        'mcpSslDoctor.preflight': false,
        'mcpSslDoctor.logPaths': [join(scratch, 'logs', '**', 'mcpServer.*.log')],
      },
    });
    const settingsFile = join(editor.userDataDir, 'User', 'settings.json');
    const readSettings = async (): Promise<UserSettings> => JSON.parse(await readFile(settingsFile, 'utf8')) as UserSettings;
    try {
      await editor.waitForExtensionLog(/watching .*mcpServer\.mcp\.config\.ws0\.remote-docs\.log/, 30_000);
      const before = await readSettings();
      assert.equal(before['http.systemCertificates'], undefined);
      await appendFile(log, `2026-12-01 22:00:01.123 [error] Error sending message to ${url}: TypeError: fetch failed\n2026-12-01 22:00:01.124 [info] Connection state: Error Error sending message to ${url}: TypeError: fetch failed\n`);
      const pattern = /remote-docs \(remote\) fails: TLS to localhost:\d+ is re-signed by CN=Test Corporate Inspection Root/;
      const message = await editor.waitForNotification(pattern, 60_000);
      assert.match(message, /Trust belongs to/);
      assert.match(await editor.extensionLog(), /remote remote-docs: fetch failed for https:\/\/localhost:\d+\/mcp; probing/);
      await editor.screenshot('remote-notification');

      await clickMessageButton(editor, pattern, 'Fix');
      const dialog = editor.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 30_000 });
      const dialogText = await dialog.innerText();
      const fingerprint = [...pemFingerprints(network.corporateRoot.pem)][0] ?? '';
      assert.ok(dialogText.toLowerCase().includes(fingerprint), `the confirmation shows the root's SHA-256:\n${dialogText}`);
      assert.match(dialogText, /Subject: CN=Test Corporate Inspection Root/);
      assert.match(dialogText, /User setting: "http\.systemCertificates": true/);
      assert.doesNotMatch(dialogText, /administrator|OS trust store/, 'the root is in the system store already: no store step');
      await editor.screenshot('remote-confirm-fingerprint');
      await dialog.getByRole('button', { name: /^Trust in / }).click();

      await waitForMessage(editor, /now trusts "CN=Test Corporate Inspection Root[^"]*" for remote MCP servers/);
      await editor.screenshot('remote-fixed');
      const written = await waitFor('http.systemCertificates in the user settings', async () => ((await readSettings())['http.systemCertificates'] === true ? readSettings() : undefined), 20_000);
      assert.equal(written['http.systemCertificates'], true);
      // Nothing that turns verification off is ever written.
      assert.equal(written['http.proxyStrictSSL'], undefined);
      // Every other setting is still there (the editor itself migrates some values, e.g. theme names, at any time).
      for (const key of Object.keys(before)) assert.ok(key in written, `${key} kept`);

      await editor.runCommand('MCP SSL: Undo Remote Server Trust');
      await waitForMessage(editor, /Remote server trust for localhost:\d+ taken back/);
      const undone = await waitFor('the setting gone again', async () => (!('http.systemCertificates' in (await readSettings())) ? readSettings() : undefined), 20_000);
      assert.equal(undone['http.systemCertificatesNode'], undefined);
    } catch (error) {
      await editor.screenshot('remote-failure');
      throw error;
    } finally {
      await editor.close();
    }
  });

  test('an untrusted workspace (Restricted Mode): the fetch-failed URL is not probed, no notification, nothing written', async () => {
    const proxy = network.interceptor;
    const folder = join(scratch, 'remote-untrusted');
    await mkdir(join(folder, '.vscode'), { recursive: true });
    const url = `${network.origin.url}mcp`;
    await writeFile(join(folder, '.vscode', 'mcp.json'), `${JSON.stringify({ servers: { 'remote-docs': { type: 'http', url } } }, null, 2)}\n`);
    const logDir = join(scratch, 'logs-untrusted', 'window1');
    await mkdir(logDir, { recursive: true });
    const log = join(logDir, 'mcpServer.mcp.config.ws0.remote-docs.log');
    await writeFile(log, '2026-12-01 22:00:00.000 [info] Starting server remote-docs\n');
    const editor = await startEditor({
      workspace: folder,
      name: 'remote-untrusted',
      restricted: true,
      env: { HTTPS_PROXY: proxy.url, MCP_SSL_DOCTOR_SYSTEM_CA: proxy.caFile },
      settings: {
        'mcpSslDoctor.systemCaFile': proxy.caFile,
        'mcpSslDoctor.preflight': false,
        'mcpSslDoctor.logPaths': [join(scratch, 'logs-untrusted', '**', 'mcpServer.*.log')],
      },
    });
    const settingsFile = join(editor.userDataDir, 'User', 'settings.json');
    try {
      await editor.waitForExtensionLog(/watching .*remote-docs\.log/, 30_000);
      const ours = async (): Promise<string[]> => Object.keys(JSON.parse(await readFile(settingsFile, 'utf8')) as Record<string, unknown>).filter((key) => key.startsWith('http.'));
      const before = await ours();
      await appendFile(log, `2026-12-01 22:00:01.123 [error] Error sending message to ${url}: TypeError: fetch failed\n`);
      const extensionLog = await editor.waitForExtensionLog(/fetch failed for localhost:\d+; untrusted workspace, not probed/, 30_000);
      assert.doesNotMatch(extensionLog, /chain localhost:\d+/, 'no probe of the URL');
      await new Promise((resolve) => setTimeout(resolve, 2000));
      assert.deepEqual((await editor.notifications()).filter((text) => /\(remote\) fails/.test(text)), []);
      // The editor may migrate its own settings meanwhile; the trust settings are untouched.
      assert.deepEqual(await ours(), before, 'nothing written');
    } catch (error) {
      await editor.screenshot('remote-untrusted-failure');
      throw error;
    } finally {
      await editor.close();
    }
  });
});
