// The editor as the doctor in a real VS Code (code-server), with the packaged VSIX, through the
// loopback interceptor: diagnostics in .vscode/mcp.json from kept verdicts within 2 s of opening,
// the lightbulb's fix writing the config and the diagnostic going away, the insecure setting's
// warning and removal action, and the servers view listing every server of a home with VS Code,
// Cursor and Claude Desktop configs in the same states `doctor --json` gives for that home.
// Screenshots into test-results/ (the README's are copied from there).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureBuiltCli, runBuiltCli } from '../support/builtCli';
import { startNetwork, type TestNetwork } from '../fixtures/network';
import { cleanEnv, REPO_ROOT, startEditor, waitFor, type Editor } from './harness';
import { waitForMessage } from './messages';

const PY_SERVER = join(REPO_ROOT, 'test/fixtures/mcp-servers/docs_server.py');
const NODE_SERVER = join(REPO_ROOT, 'test/fixtures/mcp-servers/docs_server.mjs');
const ROOT = 'Test Corporate Inspection Root';

/** The view's words for doctor's states (the English of editorDoctor.ts's stateLabel). */
const STATE_WORDS: Record<string, string> = {
  ok: 'works',
  'will-fail': 'will fail',
  failing: 'fails now',
  'remote-host-trust': "trust is the host's",
  'strict-ca': 'CA rejected (strict X.509)',
  unreachable: 'not reachable',
  unknown: 'unknown',
};

let network: TestNetwork;
let scratch: string;

before(async () => {
  network = await startNetwork({ mitmproxy: false });
  scratch = await mkdtemp(join(tmpdir(), 'mcp-ssl-doctor-view-'));
});

after(async () => {
  await network?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** The servers view's rows: each server's screen-reader label ("MCP server NAME: STATE. …"). */
async function viewServers(editor: Editor): Promise<Map<string, string>> {
  const labels = await editor.page.locator('.pane-body .monaco-list-row[aria-label^="MCP server "]').evaluateAll((rows) => rows.map((row) => row.getAttribute('aria-label') ?? ''));
  const states = new Map<string, string>();
  for (const label of labels) {
    const match = /^MCP server (.+?): (.+?)\. /.exec(label);
    if (match) states.set(match[1] as string, match[2] as string);
  }
  return states;
}

/** Goes to line:column of the active editor (1-based) with "Go to Line". */
async function goTo(editor: Editor, line: number, column: number): Promise<void> {
  await editor.page.keyboard.press('Control+G');
  const input = editor.page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`:${line}:${column}`);
  await input.press('Enter');
}

/**
 * Opens the quick-fix menu at the cursor; returns its entries' labels. Asked again while the file
 * was just rewritten (a fix) and its diagnostics are being read again: then there is none yet.
 */
async function quickFixes(editor: Editor, expected: string): Promise<string[]> {
  const rows = editor.page.locator('.action-widget .monaco-list-row');
  return waitFor(`a quick fix "${expected}"`, async () => {
    await editor.page.keyboard.press('Control+.');
    const shown = await rows.first().waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false);
    const labels = shown ? (await rows.allInnerTexts()).map((text) => text.trim()).filter(Boolean) : [];
    if (labels.some((label) => label.includes(expected))) return labels;
    await editor.page.keyboard.press('Escape');
    return undefined;
  }, 30_000, 500);
}

function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}

describe('the editor as the doctor (code-server)', () => {
  test('diagnostics and quick fixes in mcp.json; the servers view agrees with doctor --json', async (t) => {
    const proxy = network.interceptor;
    const folder = join(scratch, 'workspace');
    await mkdir(join(folder, '.vscode'), { recursive: true });
    const corpFile = join(scratch, 'corp.pem');
    await writeFile(corpFile, network.corporateRoot.pem);
    const config = join(folder, '.vscode', 'mcp.json');
    const origin = JSON.stringify(network.origin.url);
    const text = `{
  // The team's MCP servers
  "servers": {
    "docs": {
      "command": "/usr/bin/python3",
      "args": [${JSON.stringify(PY_SERVER)}, ${origin}]
    },
    "trusting": {
      "command": "/usr/bin/python3",
      "args": [${JSON.stringify(PY_SERVER)}, ${origin}],
      "env": { "SSL_CERT_FILE": ${JSON.stringify(corpFile)} }
    },
    "lax": {
      "command": "node",
      "args": [${JSON.stringify(NODE_SERVER)}, ${origin}],
      "env": { "NODE_TLS_REJECT_UNAUTHORIZED": "0" }
    },
    "remote-docs": { "type": "http", "url": ${origin} }
  }
}
`;
    await writeFile(config, text);
    const editor = await startEditor({
      workspace: folder,
      name: 'doctor-view',
      env: { HTTPS_PROXY: proxy.url },
      settings: { 'mcpSslDoctor.systemCaFile': proxy.caFile },
    });
    try {
      // Preflight analyses the servers' target at startup and keeps its verdict.
      await editor.waitForExtensionLog(/chain localhost:\d+: intercepted/, 60_000);
      await waitForMessage(editor, /intercepted by "Test Corporate Inspection Root"/, 60_000);
      await editor.page.keyboard.press('Escape');

      // Opening the file: a diagnostic on each failing server within 2 s, from the kept verdict.
      await editor.page.keyboard.press('Control+P');
      const quickOpen = editor.page.locator('.quick-input-widget .quick-input-box input');
      await quickOpen.waitFor({ state: 'visible', timeout: 10_000 });
      await quickOpen.fill('.vscode/mcp.json');
      await editor.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().waitFor({ state: 'visible', timeout: 10_000 });
      await quickOpen.press('Enter');
      await editor.page.locator('.tab.active', { hasText: 'mcp.json' }).waitFor({ state: 'visible', timeout: 10_000 });
      const opened = Date.now();
      await waitFor('error squiggles on the failing servers', async () => ((await editor.page.locator('.view-overlays .squiggly-error').count()) >= 2 ? true : undefined), 2_000, 50);
      const shownAfter = Date.now() - opened;
      t.diagnostic(`diagnostics shown ${shownAfter} ms after the file opened`);
      const log = await editor.waitForExtensionLog(/diagnostics: .*mcp\.json: .*lax insecure/, 10_000);
      const line = [...log.matchAll(/diagnostics: .*\.vscode\/mcp\.json: (.*)/g)].pop()?.[1] ?? '';
      assert.deepEqual(line.split(', ').sort(), ['docs will-fail', 'lax insecure', 'lax will-fail', 'remote-docs remote-host-trust'], `one finding per failing server, none on "trusting" (${shownAfter} ms after opening)`);

      // The diagnostic's words, in a hover; then the lightbulb on "docs": Trust <CA> for docs (preferred), Show chain.
      await goTo(editor, lineOf(text, '"docs"'), 6);
      await editor.page.keyboard.press('Control+K');
      await editor.page.keyboard.press('Control+I');
      const hover = editor.page.locator('.monaco-hover .hover-row.status-bar, .monaco-hover .marker');
      await hover.first().waitFor({ state: 'visible', timeout: 10_000 });
      assert.match(await editor.page.locator('.monaco-hover').first().innerText(), /docs will fail: TLS to localhost is re-signed by "Test Corporate Inspection Root", which this server's runtime does not trust/);
      await editor.screenshot('doctor-2a-diagnostic-hover');
      await editor.page.keyboard.press('Escape');
      const docsFixes = await quickFixes(editor, `Trust "${ROOT}" for docs`);
      await editor.screenshot('doctor-2-diagnostic-lightbulb');
      assert.ok(docsFixes.some((label) => label.includes(`Trust "${ROOT}" for docs`)), `the fix is offered: ${JSON.stringify(docsFixes)}`);
      assert.ok(docsFixes.some((label) => /Show the chain of localhost:\d+/.test(label)));

      // The insecure setting: a warning and its removal action.
      await editor.page.keyboard.press('Escape');
      await goTo(editor, lineOf(text, 'NODE_TLS_REJECT_UNAUTHORIZED'), 18);
      const laxFixes = await quickFixes(editor, 'Remove NODE_TLS_REJECT_UNAUTHORIZED=0');
      assert.ok(laxFixes.some((label) => label.includes('Remove NODE_TLS_REJECT_UNAUTHORIZED=0 once the fix is verified')), `the removal is offered: ${JSON.stringify(laxFixes)}`);
      await editor.page.keyboard.press('Escape');

      // The fix from the lightbulb: the same confirmation (subject, SHA-256), verification, undo record.
      await goTo(editor, lineOf(text, '"docs"'), 6);
      await quickFixes(editor, `Trust "${ROOT}" for docs`);
      await editor.page.locator('.action-widget .monaco-list-row', { hasText: `Trust "${ROOT}" for docs` }).first().click();
      const dialog = editor.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 60_000 });
      assert.match(await dialog.innerText(), /Test Corporate Inspection Root/);
      await dialog.getByRole('button', { name: 'Trust and Fix' }).click();
      await waitForMessage(editor, /Fixed: docs now trust/, 90_000);
      const written = await readFile(config, 'utf8');
      assert.match(written, /"SSL_CERT_FILE": "\$\{userHome\}\/\.mcp-ssl-doctor\/[^"]+\.pem"/, 'the config was written');
      await editor.waitForExtensionLog(/diagnostics: .*\.vscode\/mcp\.json: lax will-fail, lax insecure, remote-docs remote-host-trust\n/, 20_000);
      await waitFor('one error squiggle left (lax)', async () => ((await editor.page.locator('.view-overlays .squiggly-error').count()) === 1 ? true : undefined), 10_000);

      // lax: trusted first, then its insecure setting goes (verified by a handshake trusting only the bundle).
      await goTo(editor, lineOf(written, '"lax"'), 6);
      await quickFixes(editor, `Trust "${ROOT}" for lax`);
      await editor.page.locator('.action-widget .monaco-list-row', { hasText: `Trust "${ROOT}" for lax` }).first().click();
      await dialog.waitFor({ state: 'visible', timeout: 60_000 });
      await dialog.getByRole('button', { name: 'Trust and Fix' }).click();
      await waitForMessage(editor, /Fixed: lax now trust/, 90_000);
      await editor.waitForExtensionLog(/diagnostics: .*\.vscode\/mcp\.json: lax insecure, remote-docs remote-host-trust\n/, 20_000);
      const trusted = await readFile(config, 'utf8');
      const insecureLine = trusted.split('\n')[lineOf(trusted, 'NODE_TLS_REJECT_UNAUTHORIZED') - 1] as string;
      await goTo(editor, lineOf(trusted, 'NODE_TLS_REJECT_UNAUTHORIZED'), insecureLine.indexOf('NODE_TLS') + 2);
      await quickFixes(editor, 'Remove NODE_TLS_REJECT_UNAUTHORIZED=0 once the fix is verified');
      await editor.page.locator('.action-widget .monaco-list-row', { hasText: 'Remove NODE_TLS_REJECT_UNAUTHORIZED=0 once the fix is verified' }).first().click();
      await dialog.waitFor({ state: 'visible', timeout: 60_000 });
      assert.match(await dialog.innerText(), /Remove NODE_TLS_REJECT_UNAUTHORIZED=0 from lax/);
      await dialog.getByRole('button', { name: 'Verify and Remove' }).click();
      await waitForMessage(editor, /Removed NODE_TLS_REJECT_UNAUTHORIZED=0 from lax: a handshake with localhost:\d+ trusting only the CA bundle succeeded/, 60_000);
      const cleaned = await readFile(config, 'utf8');
      assert.ok(!cleaned.includes('NODE_TLS_REJECT_UNAUTHORIZED'), cleaned);
      assert.match(cleaned, /"NODE_EXTRA_CA_CERTS": "\$\{userHome\}\/\.mcp-ssl-doctor\/[^"]+\.pem"/, 'the CA setting stays');
      await editor.waitForExtensionLog(/diagnostics: .*\.vscode\/mcp\.json: remote-docs remote-host-trust\n/, 20_000);

      // The view: every server of a home with VS Code, Cursor and Claude Desktop configs.
      await mkdir(join(editor.home, '.cursor'), { recursive: true });
      // Cursor and Claude Desktop pass few variables on: these entries name the proxy themselves.
      const viaProxy = { HTTPS_PROXY: proxy.url };
      await writeFile(join(editor.home, '.cursor', 'mcp.json'), JSON.stringify({ mcpServers: { 'cursor-docs': { command: '/usr/bin/python3', args: [PY_SERVER, network.origin.url], env: viaProxy } } }, null, 2));
      await mkdir(join(editor.home, '.config', 'Claude'), { recursive: true });
      await writeFile(
        join(editor.home, '.config', 'Claude', 'claude_desktop_config.json'),
        JSON.stringify({ mcpServers: { 'claude-docs': { command: '/usr/bin/python3', args: [PY_SERVER, network.origin.url], env: { ...viaProxy, SSL_CERT_FILE: corpFile } }, 'claude-node': { command: 'node', args: [NODE_SERVER, network.origin.url], env: viaProxy } } }, null, 2),
      );
      await editor.runCommand('MCP SSL: Check This Machine');
      // Room for the view: the folder tree above it folds away.
      const folders = editor.page.locator('.pane-header[aria-label^="Explorer Section: workspace"]');
      if ((await folders.getAttribute('aria-expanded')) === 'true') await folders.click();
      const summary = await waitForMessage(editor, /Checked \d+ MCP servers in \d+ configs/, 90_000);
      assert.match(summary, /Checked 7 MCP servers in 3 configs/);
      const states = await waitFor('the view to list every server', async () => {
        const found = await viewServers(editor);
        return found.size >= 7 ? found : undefined;
      }, 30_000);
      await editor.screenshot('doctor-3-check-this-machine');

      ensureBuiltCli();
      const doctor = await runBuiltCli(['doctor', '--json', '--workspace', folder, '--system-ca', proxy.caFile], cleanEnv(editor.home, { HTTPS_PROXY: proxy.url }));
      const report = JSON.parse(doctor.stdout) as { servers: { server: string; state: string; hostApp: string }[] };
      assert.deepEqual(new Set(report.servers.map((server) => server.hostApp)), new Set(['vscode', 'cursor', 'claude-desktop']));
      const expected = new Map(report.servers.map((server) => [server.server, STATE_WORDS[server.state] ?? server.state]));
      assert.deepEqual(new Map([...states].sort()), new Map([...expected].sort()), 'the view\'s states are doctor\'s');
      assert.equal(expected.get('docs'), 'works', 'the fixed server works for both');
      assert.equal(expected.get('cursor-docs'), 'will fail');
      assert.equal(expected.get('claude-docs'), 'works');

      // A picture of the view, the sidebar widened, a server's details open (by keyboard).
      const sash = await editor.page.locator('.part.sidebar').boundingBox();
      if (sash) {
        await editor.page.mouse.move(sash.x + sash.width + 1, sash.y + 300);
        await editor.page.mouse.down();
        await editor.page.mouse.move(sash.x + sash.width + 380, sash.y + 300, { steps: 5 });
        await editor.page.mouse.up();
      }
      await editor.page.locator('.pane-body .monaco-list-row[aria-label^="MCP server cursor-docs"]').first().click();
      await editor.page.keyboard.press('ArrowRight');
      await editor.page.waitForTimeout(500);
      await editor.screenshot('doctor-1-servers-view');

      // Undo from the view: the config's newest fix (the removal) is taken back, and its warning with it.
      const configRow = editor.page.locator(`.pane-body .monaco-list-row[aria-label^="Config ${config},"]`).first();
      await configRow.hover();
      await configRow.locator('.action-label[aria-label="Undo"]').click();
      await waitForMessage(editor, /Removed the CA settings of lax from/, 30_000);
      assert.ok((await readFile(config, 'utf8')).includes('"NODE_TLS_REJECT_UNAUTHORIZED": "0"'), 'the insecure setting is back');
      await waitFor('the warning back on lax', async () => {
        const lines = (await editor.extensionLog()).match(/diagnostics: .*\.vscode\/mcp\.json: lax insecure, remote-docs remote-host-trust\n/g) ?? [];
        return lines.length >= 2 ? true : undefined;
      }, 20_000);
    } catch (error) {
      await editor.screenshot('doctor-failure');
      process.stderr.write(`${(await editor.extensionLog()).split('\n').slice(-40).join('\n')}\n`);
      throw error;
    } finally {
      await editor.close();
    }
  });

  test('an untrusted workspace: diagnostics from kept verdicts, no host its config names is probed, the view says what it cannot read', async () => {
    const proxy = network.interceptor;
    const folder = join(scratch, 'untrusted');
    await mkdir(join(folder, '.vscode'), { recursive: true });
    const config = join(folder, '.vscode', 'mcp.json');
    const named = 'only-in-this-workspace.test';
    await writeFile(config, JSON.stringify({ servers: { docs: { command: '/usr/bin/python3', args: [PY_SERVER, `https://${named}:8443/`], env: { HTTPS_PROXY: 'http://127.0.0.1:9' } } } }, null, 2));
    const editor = await startEditor({
      workspace: folder,
      name: 'doctor-untrusted',
      restricted: true,
      env: { HTTPS_PROXY: proxy.url },
      // An untrusted workspace's config names no host: the user's probe host stands in (the origin here).
      settings: { 'mcpSslDoctor.systemCaFile': proxy.caFile, 'mcpSslDoctor.probeHost': network.origin.hostPort },
    });
    try {
      await editor.waitForExtensionLog(/chain localhost:\d+: intercepted/, 60_000);
      await editor.page.keyboard.press('Control+P');
      const quickOpen = editor.page.locator('.quick-input-widget .quick-input-box input');
      await quickOpen.waitFor({ state: 'visible', timeout: 10_000 });
      await quickOpen.fill('.vscode/mcp.json');
      await editor.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().waitFor({ state: 'visible', timeout: 10_000 });
      await quickOpen.press('Enter');
      await editor.waitForExtensionLog(/diagnostics: .*\.vscode\/mcp\.json: docs will-fail\n/, 20_000);

      await editor.runCommand('MCP SSL: Check This Machine');
      await waitForMessage(editor, /Checked 1 MCP servers in 1 configs: 1 will fail/, 90_000);
      await editor.page.locator('.pane-body', { hasText: 'Workspace not trusted: the hosts, proxies and CA files its configs name are not read.' }).first().waitFor({ state: 'visible', timeout: 10_000 });
      await editor.screenshot('doctor-4-untrusted');
      const log = await editor.extensionLog();
      assert.ok(!log.includes(named) && !log.includes('127.0.0.1:9'), 'neither the host nor the proxy the workspace names was used');
    } catch (error) {
      await editor.screenshot('doctor-failure-untrusted');
      process.stderr.write(`${(await editor.extensionLog()).split('\n').slice(-40).join('\n')}\n`);
      throw error;
    } finally {
      await editor.close();
    }
  });
});
