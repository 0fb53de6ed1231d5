// Claude Desktop on Windows as an MSIX package (Store, and claude.ai/download since 2026) reads its config
// from the package's virtualised folder, %LOCALAPPDATA%\Packages\Claude_<id>\LocalCache\Roaming\Claude
// (anthropics/claude-code#26073): found there on a simulated Windows file system, and fixed there.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { discoverConfigs, type DiscoverFs } from '../../src/core/config/discover';
import { applyFix } from '../../src/core/fix/apply';
import { planFix } from '../../src/core/fix/plan';
import { undoFix } from '../../src/core/fix/undo';
import { hostOfConfig } from '../../src/core/hosts/discover';
import { segmentMatches } from '../../src/core/hosts/locations';
import { cleanup, tempDir, testCas } from '../fixtures/configs/harness';

/** A Windows file system in memory: case-insensitive, folders listed with their files. */
function windowsFs(files: Record<string, string>): DiscoverFs {
  const api = path.win32;
  const norm = (p: string): string => p.toLowerCase();
  const byPath = new Map(Object.entries(files).map(([file, text]) => [norm(file), text]));
  return {
    present: async (file) => byPath.has(norm(file)),
    readdir: async (dir) => {
      const names = new Set<string>();
      for (const file of Object.keys(files)) {
        const rel = api.relative(dir, file);
        if (rel !== '' && !rel.startsWith('..') && !api.isAbsolute(rel) && norm(file).startsWith(norm(dir))) names.add(rel.split('\\')[0]);
      }
      return [...names];
    },
    readFile: async (file) => {
      const text = byPath.get(norm(file));
      if (text === undefined) throw Object.assign(new Error(`ENOENT ${file}`), { code: 'ENOENT' });
      return text;
    },
  };
}

const config = '{\n  "mcpServers": {\n    "filesystem": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "C:\\\\Users\\\\u\\\\Desktop"] }\n  }\n}\n';
const MSIX = 'C:\\Users\\u\\AppData\\Local\\Packages\\Claude_pzs8sxrjxfjjc\\LocalCache\\Roaming\\Claude\\claude_desktop_config.json';
const PLAIN = 'C:\\Users\\u\\AppData\\Roaming\\Claude\\claude_desktop_config.json';

describe('Claude Desktop from the Store (MSIX), simulated Windows', () => {
  const files: Record<string, string> = {
    [MSIX]: config,
    [PLAIN]: config,
    // Other packages' folders hold no Claude config.
    'C:\\Users\\u\\AppData\\Local\\Packages\\Microsoft.WindowsTerminal_8wekyb3d8bbwe\\LocalState\\settings.json': '{}',
    'C:\\Users\\u\\AppData\\Local\\Packages\\ClaudeHelper_abc\\LocalCache\\Roaming\\Other\\x.json': '{}',
  };

  it('the virtualised config is found under %LOCALAPPDATA% (any case of the name), beside the classic one', async () => {
    const env = { APPDATA: 'C:\\Users\\u\\AppData\\Roaming', LocalAppData: 'C:\\Users\\u\\AppData\\Local' };
    const found = await discoverConfigs({ workspaceFolders: [], home: 'C:\\Users\\u', platform: 'win32', env, fs: windowsFs(files) });
    assert.deepEqual(found.map((l) => `${l.host} ${l.scope} ${l.path}`).sort(), [`claude-desktop user ${MSIX}`, `claude-desktop user ${PLAIN}`].sort());
  });

  it('without LOCALAPPDATA set: <home>\\AppData\\Local; a publisher id other than the known one is found too', async () => {
    const other = MSIX.replace('Claude_pzs8sxrjxfjjc', 'Claude_1234567890abc');
    const found = await discoverConfigs({ workspaceFolders: [], home: 'C:\\Users\\u', platform: 'win32', env: {}, fs: windowsFs({ [other]: config }) });
    assert.deepEqual(found.map((l) => l.path), [other]);
  });

  it('not on macOS or Linux', async () => {
    const found = await discoverConfigs({ workspaceFolders: [], home: '/home/u', platform: 'linux', env: { LOCALAPPDATA: '/home/u/AppData/Local' }, fs: windowsFs({}) });
    assert.deepEqual(found, []);
  });

  it('a path there belongs to Claude Desktop (fix --config)', () => {
    assert.deepEqual(hostOfConfig(MSIX), { hostApp: 'claude-desktop', known: true });
    assert.equal(segmentMatches('Claude_*', 'Claude_pzs8sxrjxfjjc'), true);
    assert.equal(segmentMatches('Claude_*', 'ClaudeHelper_abc'), false);
    assert.equal(segmentMatches('Claude_*', 'claude_x'), true, 'Windows names ignore case');
  });
});

describe('Claude Desktop (MSIX): fixed in the virtualised file, into the server, never the top-level env', () => {
  let dir: string;
  let ca: string;
  let publicPem: string;
  before(async () => {
    dir = tempDir('mcp-msix-');
    const cas = await testCas();
    ca = cas.corporate.pem;
    publicPem = cas.publicRoot.pem;
  });
  after(() => cleanup(dir));

  it('writes NODE_EXTRA_CA_CERTS into mcpServers.filesystem.env; a second run changes no byte; undo restores every byte', async () => {
    const home = path.join(dir, 'home');
    const folder = path.join(home, 'AppData', 'Local', 'Packages', 'Claude_pzs8sxrjxfjjc', 'LocalCache', 'Roaming', 'Claude');
    mkdirSync(folder, { recursive: true });
    const file = path.join(folder, 'claude_desktop_config.json');
    // A top-level `env` (which Claude Desktop does not pass to servers) stays as it is.
    const original = '{\n  "env": { "HTTPS_PROXY": "http://proxy.corp:8080" },\n  "mcpServers": {\n    "filesystem": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"] }\n  }\n}\n';
    writeFileSync(file, original);
    assert.equal(hostOfConfig(file).hostApp, 'claude-desktop');
    const options = { configPath: file, caPems: [ca], home, publicPem, bundleDir: path.join(dir, 'bundles') };
    const result = await applyFix(await planFix(options));
    assert.equal(result.changed.length, 1);
    const written = JSON.parse(readFileSync(file, 'utf8')) as { env: Record<string, string>; mcpServers: { filesystem: { env?: Record<string, string> } } };
    assert.deepEqual(written.env, { HTTPS_PROXY: 'http://proxy.corp:8080' });
    assert.equal(written.mcpServers.filesystem.env?.NODE_EXTRA_CA_CERTS, result.bundleInConfig);
    const fixed = readFileSync(file, 'utf8');
    const again = await applyFix(await planFix(options));
    assert.equal(again.changed.length, 0);
    assert.equal(readFileSync(file, 'utf8'), fixed);
    const undone = await undoFix({ configPath: file, home });
    assert.equal(undone.identical, true);
    assert.equal(readFileSync(file, 'utf8'), original);
  });
});
