// The hosts of 2026 on Windows and macOS, simulated on any machine: discovery runs against an
// in-memory file system with that OS's paths (%USERPROFILE%, %APPDATA%, CODEX_HOME on another drive,
// backslashes), and each file is found for the host that reads it there.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { discoverConfigs, type DiscoverFs } from '../../src/core/config/discover';

function memoryFs(platform: 'win32' | 'darwin', files: Record<string, string>): DiscoverFs {
  const api = platform === 'win32' ? path.win32 : path.posix;
  const norm = (p: string): string => (platform === 'win32' ? p.toLowerCase() : p);
  const byPath = new Map(Object.entries(files).map(([file, text]) => [norm(file), text]));
  return {
    present: async (file) => byPath.has(norm(file)),
    readdir: async (dir) =>
      Object.keys(files)
        .filter((file) => norm(api.dirname(file)) === norm(dir))
        .map((file) => api.basename(file)),
    readFile: async (file) => {
      const text = byPath.get(norm(file));
      if (text === undefined) throw Object.assign(new Error(`ENOENT ${file}`), { code: 'ENOENT' });
      return text;
    },
  };
}

const mcp = '{ "mcpServers": { "x": { "command": "npx", "args": ["-y", "x-mcp"] } } }';
const zed = '// Zed\n{ "context_servers": { "x": { "command": "npx", "args": ["-y", "x-mcp"] } } }';
const toml = '[mcp_servers.x]\ncommand = "npx"\n';
const yaml = 'extensions:\n  x:\n    cmd: npx\n    type: stdio\n';

describe('hosts of 2026 on Windows (simulated)', () => {
  const home = 'C:\\Users\\u';
  const env = { APPDATA: 'C:\\Users\\u\\AppData\\Roaming', CODEX_HOME: 'D:\\tools\\codex' };
  const files: Record<string, string> = {
    'D:\\tools\\codex\\config.toml': toml,
    'C:\\Users\\u\\.codex\\config.toml': toml, // moved away by CODEX_HOME: not read
    'C:\\Users\\u\\.copilot\\mcp-config.json': mcp,
    'C:\\Users\\u\\.gemini\\settings.json': mcp,
    'C:\\Users\\u\\AppData\\Roaming\\Zed\\settings.json': zed,
    'C:\\Users\\u\\AppData\\Roaming\\Block\\goose\\config\\config.yaml': yaml,
    'C:\\Users\\u\\.lmstudio\\mcp.json': mcp,
    'C:\\Users\\u\\.aws\\amazonq\\mcp.json': mcp,
    'C:\\Users\\u\\.junie\\mcp\\mcp.json': mcp,
    'C:\\Users\\u\\.config\\opencode\\opencode.json': '{ "mcp": { "x": { "type": "local", "command": ["npx", "x-mcp"] } } }',
    'C:\\src\\app\\.codex\\config.toml': toml,
    'C:\\src\\app\\.gemini\\settings.json': mcp,
    'C:\\src\\app\\.zed\\settings.json': '{ "tab_size": 2 }', // no servers: not listed
    'C:\\src\\app\\.github\\mcp.json': mcp,
    'C:\\src\\app\\opencode.jsonc': '{ "mcp": { "x": { "type": "local", "command": ["uvx", "x"] } } }',
  };

  it('finds every host\'s files under %USERPROFILE%, %APPDATA% and CODEX_HOME, with Windows paths', async () => {
    const found = await discoverConfigs({ workspaceFolders: ['C:\\src\\app'], home, platform: 'win32', env, fs: memoryFs('win32', files) });
    assert.deepEqual(
      found.map((l) => `${l.scope} ${l.host} ${l.path}`).sort(),
      [
        'user amazon-q C:\\Users\\u\\.aws\\amazonq\\mcp.json',
        'user codex D:\\tools\\codex\\config.toml',
        'user copilot-cli C:\\Users\\u\\.copilot\\mcp-config.json',
        'user gemini-cli C:\\Users\\u\\.gemini\\settings.json',
        'user goose C:\\Users\\u\\AppData\\Roaming\\Block\\goose\\config\\config.yaml',
        'user junie C:\\Users\\u\\.junie\\mcp\\mcp.json',
        'user lm-studio C:\\Users\\u\\.lmstudio\\mcp.json',
        'user opencode C:\\Users\\u\\.config\\opencode\\opencode.json',
        'user zed C:\\Users\\u\\AppData\\Roaming\\Zed\\settings.json',
        'workspace codex C:\\src\\app\\.codex\\config.toml',
        'workspace copilot-cli C:\\src\\app\\.github\\mcp.json',
        'workspace gemini-cli C:\\src\\app\\.gemini\\settings.json',
        'workspace opencode C:\\src\\app\\opencode.jsonc',
      ].sort(),
    );
  });

  it('without CODEX_HOME, %USERPROFILE%\\.codex is read; with no APPDATA set, AppData\\Roaming under the home', async () => {
    const found = await discoverConfigs({ workspaceFolders: [], home, platform: 'win32', env: {}, fs: memoryFs('win32', files) });
    const paths = found.map((l) => l.path);
    assert.ok(paths.includes('C:\\Users\\u\\.codex\\config.toml'));
    assert.ok(!paths.includes('D:\\tools\\codex\\config.toml'));
    assert.ok(paths.includes('C:\\Users\\u\\AppData\\Roaming\\Zed\\settings.json'));
  });
});

describe('hosts of 2026 on macOS (simulated)', () => {
  it('Zed, opencode and Goose under ~/.config (not Application Support); Copilot CLI moved by COPILOT_HOME', async () => {
    const files: Record<string, string> = {
      '/Users/u/.config/zed/settings.json': zed,
      '/Users/u/Library/Application Support/Zed/settings.json': zed, // not where Zed reads
      '/Users/u/.config/goose/config.yaml': yaml,
      '/Users/u/.config/opencode/opencode.jsonc': '{ "mcp": { "x": { "type": "local", "command": ["npx", "x"] } } }',
      '/Users/u/.copilot/mcp-config.json': mcp, // moved away by COPILOT_HOME: not read
      '/Volumes/cfg/copilot/mcp-config.json': mcp,
    };
    const found = await discoverConfigs({ workspaceFolders: [], home: '/Users/u', platform: 'darwin', env: { COPILOT_HOME: '/Volumes/cfg/copilot' }, fs: memoryFs('darwin', files) });
    assert.deepEqual(found.map((l) => `${l.host} ${l.path}`).sort(), [
      'copilot-cli /Volumes/cfg/copilot/mcp-config.json',
      'goose /Users/u/.config/goose/config.yaml',
      'opencode /Users/u/.config/opencode/opencode.jsonc',
      'zed /Users/u/.config/zed/settings.json',
    ]);
  });
});
