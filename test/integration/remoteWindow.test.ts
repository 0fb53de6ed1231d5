// A remote window of VS Code (dev container) in code-server with both VSIX installed: the main
// extension on the "remote" side, whose store lacks the corporate root, and the UI-side companion,
// whose store (a stand-in PEM file) holds it. code-server has no remote split, so two stand-ins, both
// test seams: MCP_SSL_DOCTOR_REMOTE_NAME=dev-container makes the extension treat its window as
// remote; MCP_SSL_DOCTOR_LOCAL_SYSTEM_CA is the companion's store. A stdio server reaches an origin
// through the root-sending interceptor:
// - the modal says the local machine's store trusts this exact fingerprint (subject + SHA-256), not
//   "this may be an attack"; Trust and Fix writes the server's CA variable, verified;
// - the devcontainer.json offer writes mounts + containerEnv byte-exact; its Undo restores the file;
// - without the companion, the root stays unknown (the warning modal) and nothing is offered.
// Screenshots in test-results/: remote-window-confirm, remote-window-devcontainer, remote-window-fixed.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { pemFingerprints } from '../../src/core/pem';
import { startNetwork, type TestNetwork } from '../fixtures/network';
import { COMPANION_VSIX, ensureVsix, startEditor, waitFor } from './harness';
import { clickMessageButton, waitForMessage } from './messages';

let network: TestNetwork;
let scratch: string;

before(async () => {
  network = await startNetwork({ mitmproxy: false });
  scratch = await mkdtemp(join(tmpdir(), 'mcp-ssl-remote-window-'));
});

after(async () => {
  await network?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const TEMPLATE = join(__dirname, '..', 'fixtures', 'devcontainer', 'typescript-node.jsonc');
const colons = (hex: string): string => (hex.match(/.{2}/g) ?? []).join(':').toUpperCase();

async function checkFirstRow(page: Page, name: string): Promise<void> {
  await waitFor(`the picker row ${name}`, async () => ((await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).count()) > 0 ? true : undefined), 60_000);
  // Not preselected (a root no store on this side knows): the user ticks it; clicking the row toggles its box.
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).locator('.label-name, .monaco-highlighted-label').first().click();
  await waitFor('the row ticked', async () => ((await page.locator('.quick-input-widget', { hasText: '1 Selected' }).count()) > 0 ? true : undefined), 10_000);
}

describe('a remote window (dev container): the local machine\'s store trusts the root (code-server)', () => {
  test('the modal says the local store trusts the fingerprint; Trust and Fix writes the CA variable, verified; devcontainer.json gets mounts + containerEnv byte-exact; Undo restores it', async () => {
    const proxy = network.interceptor;
    const folder = join(scratch, 'project');
    await mkdir(join(folder, '.vscode'), { recursive: true });
    await mkdir(join(folder, '.devcontainer'), { recursive: true });
    const config = join(folder, '.vscode', 'mcp.json');
    await writeFile(config, `${JSON.stringify({ servers: { 'corp-docs': { type: 'stdio', command: '/usr/bin/python3', args: ['-c', 'import sys', network.origin.url], env: { HTTPS_PROXY: proxy.url } } } }, null, 2)}\n`);
    const devcontainer = join(folder, '.devcontainer', 'devcontainer.json');
    const original = await readFile(TEMPLATE, 'utf8');
    await writeFile(devcontainer, original);
    // The remote side's store: the public root only (no corporate root). The local side's: the corporate root.
    const remoteStore = join(scratch, 'remote-store.pem');
    await writeFile(remoteStore, network.publicRoot.pem);
    const localStore = join(scratch, 'local-store.pem');
    await writeFile(localStore, network.corporateRoot.pem);
    const sha = [...pemFingerprints(network.corporateRoot.pem)][0] ?? '';

    ensureVsix();
    const editor = await startEditor({
      workspace: folder,
      name: 'remote-window',
      extraVsix: [COMPANION_VSIX],
      env: { MCP_SSL_DOCTOR_REMOTE_NAME: 'dev-container', MCP_SSL_DOCTOR_LOCAL_SYSTEM_CA: localStore },
      settings: { 'mcpSslDoctor.systemCaFile': remoteStore, 'mcpSslDoctor.preflight': false, 'chat.mcp.autostart': 'never' },
    });
    try {
      await editor.runCommand('Fix MCP SSL');
      await checkFirstRow(editor.page, 'corp-docs');
      await editor.page.keyboard.press('Enter');

      const dialog = editor.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 60_000 });
      const text = await dialog.innerText();
      assert.match(text, /your local machine's OS store trusts this exact fingerprint/, text);
      assert.match(text, /No trust store on this side \(dev-container\) knows it/, text);
      assert.match(text, /Subject: CN=Test Corporate Inspection Root/, text);
      assert.ok(text.includes(colons(sha)), `the modal shows the root's SHA-256:\n${text}`);
      assert.doesNotMatch(text, /may be an attack/, 'not the unknown-root warning');
      assert.match(await editor.extensionLog(), new RegExp(`local store: holds ${sha}`));
      await editor.screenshot('remote-window-confirm');
      await dialog.getByRole('button', { name: 'Trust and Fix' }).click();

      // The durable fix of the dev container, offered in its own modal.
      const offer = await waitFor('the devcontainer.json offer', async () => {
        if (!(await dialog.isVisible())) return undefined;
        const current = await dialog.innerText();
        return /rebuilt/.test(current) ? current : undefined;
      }, 120_000);
      assert.match(offer, /containerEnv: REQUESTS_CA_BUNDLE=\/etc\/mcp-ssl-doctor\/ca-bundle\.pem, SSL_CERT_FILE=\/etc\/mcp-ssl-doctor\/ca-bundle\.pem\n/, offer);
      await editor.screenshot('remote-window-devcontainer');

      // The server's own fix is written and verified meanwhile.
      await waitForMessage(editor, /Fixed: corp-docs now trust "Test Corporate Inspection Root" through [A-Z_, ]*SSL_CERT_FILE[A-Z_, ]*\. Verified by/);
      const written = JSON.parse(await readFile(config, 'utf8')) as { servers: Record<string, { env: Record<string, string> }> };
      const bundle = (written.servers['corp-docs']?.env.SSL_CERT_FILE ?? '').replace('${userHome}', editor.home);
      assert.ok(pemFingerprints(await readFile(bundle, 'utf8')).has(sha), 'the server trusts the corporate root');

      await dialog.getByRole('button', { name: 'Add to devcontainer.json' }).click();
      await waitForMessage(editor, /devcontainer\.json now mounts the CA bundle and sets REQUESTS_CA_BUNDLE, SSL_CERT_FILE\./);
      await editor.screenshot('remote-window-fixed');
      const source = `\${localEnv:HOME}\${localEnv:USERPROFILE}/.mcp-ssl-doctor/remote-ca/ca-${sha.slice(0, 16)}.pem`;
      const expected = original.replace(
        '"image": "mcr.microsoft.com/devcontainers/typescript-node:1-22-bookworm"\n',
        `"image": "mcr.microsoft.com/devcontainers/typescript-node:1-22-bookworm",\n\t"mounts": ["source=${source},target=/etc/mcp-ssl-doctor/ca-bundle.pem,type=bind,readonly"],\n\t"containerEnv": {\n\t\t"REQUESTS_CA_BUNDLE": "/etc/mcp-ssl-doctor/ca-bundle.pem",\n\t\t"SSL_CERT_FILE": "/etc/mcp-ssl-doctor/ca-bundle.pem"\n\t}\n`,
      );
      assert.equal(await readFile(devcontainer, 'utf8'), expected);
      // The local side wrote the bundle from its own store: the corporate root first.
      const local = await readFile(join(editor.home, '.mcp-ssl-doctor', 'remote-ca', `ca-${sha.slice(0, 16)}.pem`), 'utf8');
      assert.equal([...pemFingerprints(local)][0], sha);

      await clickMessageButton(editor, /devcontainer\.json now mounts the CA bundle/, 'Undo');
      await waitForMessage(editor, /Took the CA mount and containerEnv back out of/);
      assert.equal(await readFile(devcontainer, 'utf8'), original, 'undo restores devcontainer.json byte for byte');
    } catch (error) {
      await editor.screenshot('remote-window-failure').catch(() => undefined);
      process.stderr.write(`--- extension log ---\n${(await editor.extensionLog()).split('\n').slice(-60).join('\n')}\n`);
      throw error;
    } finally {
      await editor.close();
    }
  });

  test('without the companion on the local side, the root stays unknown: the warning modal, nothing offered for devcontainer.json', async () => {
    const proxy = network.interceptor;
    const folder = join(scratch, 'no-companion');
    await mkdir(join(folder, '.vscode'), { recursive: true });
    await mkdir(join(folder, '.devcontainer'), { recursive: true });
    await writeFile(join(folder, '.vscode', 'mcp.json'), `${JSON.stringify({ servers: { 'corp-docs': { type: 'stdio', command: '/usr/bin/python3', args: ['-c', 'import sys', network.origin.url], env: { HTTPS_PROXY: proxy.url } } } }, null, 2)}\n`);
    const original = await readFile(TEMPLATE, 'utf8');
    await writeFile(join(folder, '.devcontainer', 'devcontainer.json'), original);
    const remoteStore = join(scratch, 'remote-store-2.pem');
    await writeFile(remoteStore, network.publicRoot.pem);
    const localStore = join(scratch, 'local-store-2.pem');
    await writeFile(localStore, network.corporateRoot.pem);
    const editor = await startEditor({
      workspace: folder,
      name: 'remote-window-alone',
      env: { MCP_SSL_DOCTOR_REMOTE_NAME: 'dev-container', MCP_SSL_DOCTOR_LOCAL_SYSTEM_CA: localStore },
      settings: { 'mcpSslDoctor.systemCaFile': remoteStore, 'mcpSslDoctor.preflight': false, 'chat.mcp.autostart': 'never' },
    });
    try {
      await editor.runCommand('Fix MCP SSL');
      await checkFirstRow(editor.page, 'corp-docs');
      await editor.page.keyboard.press('Enter');
      const dialog = editor.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 60_000 });
      const text = await dialog.innerText();
      assert.match(text, /may be an attack/, text);
      assert.doesNotMatch(text, /local machine/, text);
      assert.match(await editor.extensionLog(), /the companion mcp-ssl-doctor-local is not installed on the local side/);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      assert.equal(await readFile(join(folder, '.devcontainer', 'devcontainer.json'), 'utf8'), original);
    } catch (error) {
      await editor.screenshot('remote-window-alone-failure').catch(() => undefined);
      throw error;
    } finally {
      await editor.close();
    }
  });
});
