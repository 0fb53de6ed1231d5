// "Fix MCP SSL" from the palette in a real VS Code (code-server) with the packaged VSIX, through two
// real interception proxies on loopback: the root-sending interceptor and mitmproxy (leaf only).
// Three stdio servers reach the same HTTPS origin, each through the proxy its own `env` names; the
// editor's own environment has no CA and no proxy variable. One editor start for all of it:
// - the picker opens with exactly the two servers that do not trust the root they meet preselected
//   (the third already trusts its root through SSL_CERT_FILE);
// - OK asks once per CA, one modal after the other, each with its subject and SHA-256, and fixes each
//   group with its own CA (each bundle verified through its own proxy);
// - preflight's verdicts are kept in globalState: the window started again (a reload: a new extension
//   host) makes not a single CONNECT to the interceptor.
// Screenshots in test-results/: picker-preselected, confirm-group-1, confirm-group-2.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { pemFingerprints } from '../../src/core/pem';
import { startInterceptor, type Interceptor } from '../fixtures/interceptor';
import { startNetwork, type TestNetwork } from '../fixtures/network';
import { createCaDroppingWrappers, type Wrappers } from '../fixtures/runtime-wrappers';
import { startEditor, waitFor, type Editor } from './harness';
import { waitForMessage } from './messages';

let network: TestNetwork;
/** A root-sending interceptor of our own (the network's corporate root), to count its CONNECTs. */
let interceptor: Interceptor;
let scratch: string;
/** A python3 that drops the CA variables before it starts: a server whose runtime ignores the fix. */
let wrappers: Wrappers;

before(async () => {
  network = await startNetwork();
  wrappers = await createCaDroppingWrappers('/usr/bin/python3', process.execPath);
  interceptor = await startInterceptor({ issuer: network.corporateRoot, sendChain: [network.corporateRoot], upstreamCa: network.publicRoot.pem });
  scratch = await mkdtemp(join(tmpdir(), 'mcp-ssl-palette-'));
});

after(async () => {
  await wrappers?.close();
  await interceptor?.close();
  await network?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

interface PickRow {
  label: string;
  checked: boolean;
  /** The row's whole text: label, description and detail. */
  detail: string;
}

/** The rows of the open quick pick with their check state (canPickMany). */
async function pickRows(page: Page): Promise<PickRow[]> {
  return page.$$eval('.quick-input-widget .quick-input-list .monaco-list-row', (rows) =>
    rows.map((row) => {
      const label = (row.querySelector('.label-name') ?? row.querySelector('.monaco-highlighted-label'))?.textContent?.trim() ?? '';
      const box = row.querySelector('input[type=checkbox]') as HTMLInputElement | null;
      const toggle = row.querySelector('.monaco-custom-toggle, .quick-input-list-checkbox');
      const checked = box ? box.checked : row.getAttribute('aria-checked') === 'true' || toggle?.classList.contains('checked') === true || toggle?.getAttribute('aria-checked') === 'true';
      const detail = row.textContent?.trim() ?? '';
      return { label, checked, detail };
    }),
  );
}

const fingerprintOf = (pem: string): string => [...pemFingerprints(pem)][0] as string;
const colons = (hex: string): string => (hex.match(/.{2}/g) ?? []).join(':').toUpperCase();

function count(text: string, pattern: RegExp): number {
  return [...text.matchAll(new RegExp(pattern.source, 'g'))].length;
}

describe('"Fix MCP SSL" from the palette: preselection, one confirmation per CA, kept verdicts (code-server)', () => {
  test('servers behind two proxies are preselected, confirmed and fixed per CA; one whose runtime ignores the fix is never called fixed; a window started again probes nothing', async (t) => {
    const mitm = network.mitmproxy;
    if (!mitm) {
      t.skip(`mitmproxy: ${network.mitmproxySkip ?? 'absent'}`);
      return;
    }
    const folder = join(scratch, 'two-proxies');
    await mkdir(join(folder, '.vscode'), { recursive: true });
    const config = join(folder, '.vscode', 'mcp.json');
    // The servers' own code does nothing with the URL: only MCP SSL Doctor connects, so the
    // interceptor's CONNECTs are the extension's probes.
    const serverEntry = (env: Record<string, string>) => ({ type: 'stdio', command: '/usr/bin/python3', args: ['-c', 'import sys', network.origin.url], env });
    const trusting = join(scratch, 'corporate-root.pem');
    await writeFile(trusting, network.corporateRoot.pem);
    await writeFile(
      config,
      `${JSON.stringify(
        {
          servers: {
            'corp-docs': serverEntry({ HTTPS_PROXY: interceptor.url }),
            'mitm-docs': serverEntry({ HTTPS_PROXY: mitm.url }),
            'trusting-docs': serverEntry({ HTTPS_PROXY: interceptor.url, SSL_CERT_FILE: trusting }),
            'dropper-docs': { ...serverEntry({ HTTPS_PROXY: mitm.url }), command: wrappers.python3 },
          },
        },
        null,
        2,
      )}\n`,
    );
    // The "OS store" knows both CAs (IT installed them): the corporate case, fixable without a warning.
    const store = join(scratch, 'os-store.pem');
    await writeFile(store, network.corporateRoot.pem + (await readFile(mitm.caFile, 'utf8')));
    const corporateSha = fingerprintOf(network.corporateRoot.pem);
    const mitmSha = fingerprintOf(await readFile(mitm.caFile, 'utf8'));

    const editor: Editor = await startEditor({
      workspace: folder,
      name: 'palette',
      settings: { 'mcpSslDoctor.systemCaFile': store, 'chat.mcp.autostart': 'never' },
    });
    try {
      assert.equal(editor.env.SSL_CERT_FILE, undefined, 'the editor has no CA variable of its own');
      assert.equal(editor.env.HTTPS_PROXY, undefined, 'nor a proxy: each server names its own');

      // Preflight at start probes each distinct (host, port, proxy) once and keeps the verdicts.
      const viaInterceptor = new RegExp(`chain localhost:${network.origin.port}: intercepted .*Test Corporate Inspection Root.* via http://127\\.0\\.0\\.1:${interceptor.port}`);
      const viaMitm = new RegExp(`chain localhost:${network.origin.port}: intercepted .*mitmproxy.* via http://127\\.0\\.0\\.1:${mitm.port}`);
      await editor.waitForExtensionLog(viaInterceptor, 60_000);
      await editor.waitForExtensionLog(viaMitm, 60_000);

      // 1. The picker opens with the servers that need the fix preselected.
      await editor.runCommand('Fix MCP SSL');
      const rows = await waitFor('the server picker with its four servers', async () => {
        const current = await pickRows(editor.page);
        return ['corp-docs', 'mitm-docs', 'trusting-docs', 'dropper-docs'].every((name) => current.some((row) => row.label === name)) ? current : undefined;
      }, 60_000);
      const checked = (name: string): boolean | undefined => rows.find((row) => row.label === name)?.checked;
      assert.equal(checked('corp-docs'), true, `corp-docs (interceptor root, not trusted) is preselected: ${JSON.stringify(rows)}`);
      assert.equal(checked('mitm-docs'), true, `mitm-docs (mitmproxy root, not trusted) is preselected: ${JSON.stringify(rows)}`);
      assert.equal(checked('dropper-docs'), true, `dropper-docs (mitmproxy root, not trusted) is preselected: ${JSON.stringify(rows)}`);
      assert.equal(checked('trusting-docs'), false, `trusting-docs already trusts its root: not preselected: ${JSON.stringify(rows)}`);
      assert.match(rows.find((row) => row.label === 'corp-docs')?.detail ?? '', /will fail: does not trust "Test Corporate Inspection Root"/);
      assert.match(rows.find((row) => row.label === 'trusting-docs')?.detail ?? '', /already trusts "Test Corporate Inspection Root"/);
      await editor.page.mouse.move(700, 700); // no hover tooltip over the picker's title
      await editor.screenshot('picker-preselected');

      // 2. OK: one modal per CA, one after the other.
      await editor.page.keyboard.press('Enter');
      const dialog = editor.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 30_000 });
      const first = await dialog.innerText();
      assert.match(first, /Test Corporate Inspection Root/, first);
      assert.ok(first.includes(colons(corporateSha)), `the first modal shows the corporate root's SHA-256:\n${first}`);
      assert.match(first, /CA 1 of 2/);
      assert.match(first, /corp-docs/);
      assert.doesNotMatch(first, /mitm-docs|trusting-docs/);
      await editor.screenshot('confirm-group-1');
      await dialog.getByRole('button', { name: 'Trust and Fix' }).click();

      const second = await waitFor('the second modal', async () => {
        if (!(await dialog.isVisible())) return undefined;
        const text = await dialog.innerText();
        return /CA 2 of 2/.test(text) ? text : undefined;
      }, 30_000);
      assert.match(second, /mitmproxy/, second);
      assert.ok(second.includes(colons(mitmSha)), `the second modal shows mitmproxy's SHA-256:\n${second}`);
      assert.match(second, /mitm-docs/);
      assert.match(second, /dropper-docs/);
      assert.doesNotMatch(second, /corp-docs/);
      await editor.screenshot('confirm-group-2');
      await dialog.getByRole('button', { name: 'Trust and Fix' }).click();

      // 3. Each group fixed with its own CA.
      await waitForMessage(editor, /Fixed: corp-docs now trust "Test Corporate Inspection Root"/);
      await waitForMessage(editor, /Fixed: mitm-docs now trust "mitmproxy"/);
      // Its own runtime still fails with the new env (the launcher drops it): never called fixed, nothing written.
      const dropped = await waitForMessage(editor, /dropper-docs still fails in its own runtime/);
      assert.match(dropped, /ignores SSL_CERT_FILE/);
      assert.deepEqual((await editor.notifications()).filter((text) => /Fixed: .*dropper-docs/.test(text)), []);
      const written = JSON.parse(await readFile(config, 'utf8')) as { servers: Record<string, { env: Record<string, string> }> };
      const bundleOf = async (name: string): Promise<Set<string>> => pemFingerprints(await readFile((written.servers[name]?.env.SSL_CERT_FILE ?? '').replace('${userHome}', editor.home), 'utf8'));
      assert.ok((await bundleOf('corp-docs')).has(corporateSha), 'corp-docs trusts the interceptor root');
      assert.ok(!(await bundleOf('corp-docs')).has(mitmSha), 'and only the CA it meets');
      assert.ok((await bundleOf('mitm-docs')).has(mitmSha), 'mitm-docs trusts the mitmproxy CA');
      assert.equal(written.servers['trusting-docs']?.env.SSL_CERT_FILE, trusting, 'the server that was not picked is untouched');
      assert.equal(written.servers['dropper-docs']?.env.SSL_CERT_FILE, undefined, 'nothing is written for a server whose runtime still fails');

      // 4. The config changed: preflight probes again and keeps the fresh verdicts. Then a second
      //    window of the same profile starts from them without connecting anywhere.
      const kept = /kept verdict/;
      // Probes through the interceptor so far: preflight at start, the picker's analysis; the third is preflight's after the write.
      await waitFor('preflight to probe again after the config changed', async () => (count(await editor.extensionLog(), viaInterceptor) >= 3 ? true : undefined), 30_000);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const connects = interceptor.connects.length;
      const keptBefore = count(await editor.extensionLog(), kept);
      const activations = count(await editor.exthostLog(), /_doActivateExtension mcp-ssl-doctor\.mcp-ssl-doctor/);
      // A new window of the same profile: the page reloaded starts a new extension host (globalState persists).
      await editor.runCommand('Developer: Reload Window');
      await editor.page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
      await waitFor('the new window to activate the extension', async () => (count(await editor.exthostLog(), /_doActivateExtension mcp-ssl-doctor\.mcp-ssl-doctor/) > activations ? true : undefined), 90_000);
      await waitFor('the new window\'s preflight to use the kept verdicts', async () => (count(await editor.extensionLog(), kept) >= keptBefore + 2 ? true : undefined), 60_000);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      assert.equal(interceptor.connects.length, connects, `no CONNECT to the interceptor from the new window: ${JSON.stringify(interceptor.connects.slice(connects))}`);
    } catch (error) {
      await editor.screenshot('failure-palette').catch(() => undefined);
      process.stderr.write(`--- extension log ---\n${(await editor.extensionLog()).split('\n').slice(-60).join('\n')}\n`);
      throw error;
    } finally {
      await editor.close();
    }
  });
});
