// Foundation: the VSIX as shipped (size, contents, bundle split) and the packaged extension in a real
// VS Code (code-server): it activates cleanly, logs its activation line, and "Fix MCP SSL" is in the
// command palette and runs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as esbuild from 'esbuild';
import { ensureVsix, REPO_ROOT, startEditor, waitFor, type Editor } from './harness';

const MAX_VSIX_BYTES = 600 * 1024;
const MAX_EXTENSION_BUNDLE_BYTES = 60 * 1024;
/** String literals of @peculiar/x509 that survive minification: where they are, x509 is. */
const X509_MARKERS = ['Unsupported GeneralName type', 'Cannot get hash algorithm name'];
const HEAVY_MODULES = /node_modules\/(@peculiar|asn1js|@?asn1|pvtsutils|pvutils|tsyringe|reflect-metadata)\//;
/** Certificate parsing, path building and probing: worker-side modules (the extension only talks to the worker). */
const CHAIN_ANALYSIS = /^src\/core\/(chain\/(analyze|path|der|cert|probe|trustIndex|strict|verify)|trust\/)/;

interface ZipEntry {
  name: string;
  size: number;
}

function listZip(path: string): ZipEntry[] {
  // `unzip -Z -l`: "-rw-r--r--  2.0 unx  1197 b- 1197 defN 26-Nov-26 19:32 extension/dist/extension.js"
  const listing = execFileSync('unzip', ['-Z', '-l', path], { encoding: 'utf8' });
  return listing
    .split('\n')
    .map((line) => /^\S+\s+\S+\s+\S+\s+(\d+)\s+\S+\s+\d+\s+\S+\s+\S+\s+\S+\s+(.+)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ name: match[2], size: Number(match[1]) }));
}

function readZipEntry(path: string, name: string): string {
  return execFileSync('unzip', ['-p', path, name], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
}

describe('foundation: the packaged VSIX', () => {
  let vsix: string;
  let entries: ZipEntry[];

  before(() => {
    vsix = ensureVsix({ force: true });
    entries = listZip(vsix);
  });

  test(`is at most ${MAX_VSIX_BYTES / 1024} KB and ships no node_modules, sources, tests or source maps`, async () => {
    const { size } = await stat(vsix);
    assert.ok(size <= MAX_VSIX_BYTES, `VSIX is ${Math.round(size / 1024)} KB, limit ${MAX_VSIX_BYTES / 1024} KB`);
    const names = entries.map((entry) => entry.name);
    assert.ok(names.length > 0, 'the VSIX listing is empty');
    const unwanted = names.filter((name) =>
      /(^|\/)node_modules\//.test(name) ||
      name.endsWith('.map') ||
      /^extension\/(src|test|bench|scripts|\.ci|\.vscode-test|out)\//.test(name) ||
      /\.ts$/.test(name));
    assert.deepEqual(unwanted, [], 'entries that must not ship');
    for (const required of ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/worker.js']) {
      assert.ok(names.includes(required), `missing ${required}; the VSIX has ${names.join(', ')}`);
    }
  });

  test(`keeps the extension bundle at most ${MAX_EXTENSION_BUNDLE_BYTES / 1024} KB, with certificate analysis in the worker only`, async () => {
    const extension = entries.find((entry) => entry.name === 'extension/dist/extension.js');
    assert.ok(extension, 'extension/dist/extension.js is not in the VSIX');
    assert.ok(extension.size <= MAX_EXTENSION_BUNDLE_BYTES,
      `dist/extension.js is ${Math.round(extension.size / 1024)} KB, limit ${MAX_EXTENSION_BUNDLE_BYTES / 1024} KB`);

    const shippedExtension = readZipEntry(vsix, 'extension/dist/extension.js');
    for (const marker of X509_MARKERS) {
      assert.ok(!shippedExtension.includes(marker), `dist/extension.js contains @peculiar/x509 ('${marker}')`);
    }

    // The same question asked of the bundler: which modules does each entry pull in?
    const inputsOf = async (entry: string, external: string[]): Promise<string[]> => {
      const result = await esbuild.build({
        absWorkingDir: REPO_ROOT, entryPoints: [entry], bundle: true, write: false, metafile: true,
        platform: 'node', format: 'cjs', target: 'node20', external, logLevel: 'silent', mainFields: ['module', 'main'],
      });
      return Object.keys(result.metafile.inputs);
    };
    const extensionInputs = await inputsOf('src/extension/main.ts', ['vscode']);
    const heavy = extensionInputs.filter((input) => HEAVY_MODULES.test(input));
    assert.deepEqual(heavy, [], 'the extension entry must not bundle x509/ASN.1 libraries');
    const analysis = extensionInputs.filter((input) => CHAIN_ANALYSIS.test(input));
    assert.deepEqual(analysis, [], 'chain analysis belongs in the worker, not in the extension entry');
    const workerInputs = await inputsOf('src/worker/main.ts', []);
    assert.ok(workerInputs.some((input) => CHAIN_ANALYSIS.test(input)), `the worker bundle lacks the chain analysis: ${workerInputs.join(', ')}`);
  });
});

describe('foundation: the extension in a real VS Code (code-server)', () => {
  let editor: Editor | undefined;
  let workspace: string;

  before(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'mcp-ssl-doctor-foundation-ws-'));
    await mkdir(join(workspace, '.vscode'));
    editor = await startEditor({ workspace, name: 'foundation' });
  });

  after(async () => {
    await editor?.close();
    await rm(workspace, { recursive: true, force: true });
  });

  /** Runs a step; on failure saves test-results/failure-<name>.png before rethrowing. */
  async function step(name: string, body: (editor: Editor) => Promise<void>): Promise<void> {
    assert.ok(editor, 'the editor did not start');
    try {
      await body(editor);
    } catch (error) {
      await editor.screenshot(`failure-${name}`).catch(() => undefined);
      throw error;
    }
  }

  test('activates without errors and logs its activation line', () =>
    step('foundation-activation', async (editor) => {
      const log = await editor.waitForExtensionLog(/\[info\].*\bactivated\b/, 60_000);
      assert.match(log, /\[info\].*\bactivated\b/);
      assert.deepEqual(await editor.activationErrors(), [], 'the extension host reported activation errors');
    }));

  test('lists "Fix MCP SSL" in the command palette', () =>
    step('foundation-palette', async (editor) => {
      const items = await editor.showPalette('MCP SSL');
      await editor.screenshot('foundation-palette-fix-mcp-ssl');
      await editor.page.keyboard.press('Escape');
      assert.ok(items.includes('Fix MCP SSL'), `palette shows ${JSON.stringify(items)}`);
    }));

  test('runs "Fix MCP SSL": a quick pick, dialog or notification answers', () =>
    step('foundation-fix', async (editor) => {
      await editor.runCommand('Fix MCP SSL');
      const answer = await waitFor('the Fix MCP SSL command to show a quick pick, a dialog or a notification', async () => {
        // The palette's own input starts with '>'; a quick pick the command opens does not.
        const input = editor.page.locator('.quick-input-widget .quick-input-box input');
        if (await input.isVisible()) {
          const value = await input.inputValue();
          if (!value.startsWith('>')) {
            const placeholder = (await input.getAttribute('placeholder')) ?? '';
            return `quick pick: ${placeholder} ${JSON.stringify(await editor.quickPickItems())}`;
          }
        }
        const dialog = editor.page.locator('.monaco-dialog-box');
        if (await dialog.isVisible()) return `dialog: ${await dialog.innerText()}`;
        const toasts = await editor.notifications();
        return toasts.length > 0 ? `notification: ${toasts.join(' | ')}` : undefined;
      }, 30_000);
      await editor.screenshot('foundation-fix-mcp-ssl-ran');
      assert.ok(answer.length > 0);
      assert.deepEqual(await editor.activationErrors(), []);
    }));
});
