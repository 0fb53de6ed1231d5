import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { discoverConfigs } from '../../src/core/config/discover';
import { bundleFileName, buildBundle, readCertificates } from '../../src/core/fix/bundle';
import { configPathOf } from '../../src/core/fix/paths';
import { strictCaProblems } from '../../src/core/fix/strict';
import { cleanup, fixture, tempDir, testCas } from '../fixtures/configs/harness';

const dir = tempDir('mcp-discover-');
after(() => cleanup(dir));

function put(file: string, content: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

describe('fix: discover configs', () => {
  it('finds workspace and user configs of every host on Linux, multi-root', async () => {
    const home = path.join(dir, 'linux-home');
    const ws1 = path.join(dir, 'ws1');
    const ws2 = path.join(dir, 'ws2');
    const mcp = fixture('dot-mcp.json');
    const expected = [
      [put(path.join(ws1, '.vscode', 'mcp.json'), fixture('vscode-mcp.json')), 'vscode', 'workspace', true],
      [put(path.join(ws1, '.mcp.json'), mcp), 'claude-code', 'workspace', false],
      [put(path.join(ws1, '.kiro', 'settings', 'mcp.json'), mcp), 'kiro', 'workspace', false],
      [put(path.join(ws2, '.cursor', 'mcp.json'), mcp), 'cursor', 'workspace', true],
      [put(path.join(ws2, '.roo', 'mcp.json'), mcp), 'roo', 'workspace', false],
      [put(path.join(home, '.config', 'Code', 'User', 'mcp.json'), fixture('vscode-mcp.json')), 'vscode', 'user', true],
      [put(path.join(home, '.config', 'Code', 'User', 'profiles', 'p1', 'mcp.json'), fixture('vscode-mcp.json')), 'vscode', 'user', true],
      [put(path.join(home, '.config', 'Code', 'User', 'settings.json'), fixture('settings.json')), 'vscode', 'user', true],
      [put(path.join(home, '.config', 'Code - Insiders', 'User', 'mcp.json'), fixture('vscode-mcp.json')), 'vscode-insiders', 'user', true],
      [put(path.join(home, '.config', 'Code', 'User', 'globalStorage', 'saoudrizwan.claude-dev', 'settings', 'cline_mcp_settings.json'), mcp), 'cline', 'user', false],
      [put(path.join(home, '.config', 'Cursor', 'User', 'globalStorage', 'rooveterinaryinc.roo-cline', 'settings', 'mcp_settings.json'), mcp), 'roo', 'user', false],
      [put(path.join(home, '.cursor', 'mcp.json'), mcp), 'cursor', 'user', true],
      [put(path.join(home, '.codeium', 'windsurf', 'mcp_config.json'), mcp), 'windsurf', 'user', false],
      [put(path.join(home, '.kiro', 'settings', 'mcp.json'), mcp), 'kiro', 'user', false],
      [put(path.join(home, '.config', 'Claude', 'claude_desktop_config.json'), mcp), 'claude-desktop', 'user', false],
    ];
    // settings.json without servers is not an MCP config.
    put(path.join(home, '.config', 'VSCodium', 'User', 'settings.json'), '{ "editor.fontSize": 12 }');
    const found = await discoverConfigs({ workspaceFolders: [ws1, ws2], home, platform: 'linux', env: {} });
    const sort = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();
    assert.deepEqual(sort(found.map((l) => [l.path, l.host, l.scope, l.resolvesVariables])), sort(expected));
  });

  it('uses per-OS user folders: macOS Application Support, Windows APPDATA, XDG_CONFIG_HOME', async () => {
    const mac = path.join(dir, 'mac');
    const file = put(path.join(mac, 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json'), fixture('dot-mcp.json'));
    const macFound = await discoverConfigs({ workspaceFolders: [], home: mac, platform: 'darwin', env: {} });
    assert.deepEqual(macFound.map((l) => l.path), [file]);
    const xdg = path.join(dir, 'xdg');
    const xdgFile = put(path.join(xdg, 'Cursor', 'User', 'globalStorage', 'saoudrizwan.claude-dev', 'settings', 'cline_mcp_settings.json'), fixture('dot-mcp.json'));
    const xdgFound = await discoverConfigs({ workspaceFolders: [], home: path.join(dir, 'nohome'), platform: 'linux', env: { XDG_CONFIG_HOME: xdg } });
    assert.deepEqual(xdgFound.map((l) => [l.path, l.host]), [[xdgFile, 'cline']]);
    const custom = path.join(dir, 'custom-ud');
    const customFile = put(path.join(custom, 'User', 'mcp.json'), fixture('vscode-mcp.json'));
    const customFound = await discoverConfigs({ workspaceFolders: [], home: path.join(dir, 'nohome'), platform: 'linux', env: {}, userDataDirs: [{ editor: 'Code', dir: custom }] });
    assert.deepEqual(customFound.map((l) => l.path), [customFile]);
  });
});

describe('fix: bundle and paths', () => {
  it('combined bundle deduplicates by fingerprint; the name depends only on the CA set', async () => {
    const { corporate, publicRoot } = await testCas();
    const cas = readCertificates(corporate.pem + corporate.pem, 'x');
    const bundle = buildBundle(cas, 'combined', publicRoot.pem + corporate.pem);
    assert.equal(bundle.count, 2);
    assert.equal(bundle.fileName, bundleFileName(readCertificates(corporate.pem, 'x'), 'combined'));
    assert.equal(buildBundle(cas, 'combined', publicRoot.pem).fileName, buildBundle(cas, 'combined').fileName);
    assert.match(bundle.fileName, /^ca-bundle-[0-9a-f]{12}\.pem$/);
    // Node's own roots by default.
    assert.ok(buildBundle(cas, 'combined').count > 50);
    assert.equal(buildBundle(cas, 'ca-only').count, 1);
  });

  it('reads a DER CA as well as PEM, and rejects what is not a certificate', async () => {
    const { corporate } = await testCas();
    const der = Buffer.from(corporate.cert.rawData);
    assert.equal(readCertificates(der, 'der')[0]?.sha256, readCertificates(corporate.pem, 'pem')[0]?.sha256);
    assert.throws(() => readCertificates('hello', 'x'), /no certificate/);
  });

  it('${userHome} only for hosts that resolve it and a bundle under home; forward slashes on Windows', () => {
    assert.equal(configPathOf('/home/me/.mcp-ssl-doctor/b.pem', '/home/me', true, 'linux'), '${userHome}/.mcp-ssl-doctor/b.pem');
    assert.equal(configPathOf('/home/me/.mcp-ssl-doctor/b.pem', '/home/me', false, 'linux'), '/home/me/.mcp-ssl-doctor/b.pem');
    assert.equal(configPathOf('/srv/b.pem', '/home/me', true, 'linux'), '/srv/b.pem');
    assert.equal(configPathOf('C:\\Users\\me\\.mcp-ssl-doctor\\b.pem', 'C:\\Users\\me', true, 'win32'), '${userHome}/.mcp-ssl-doctor/b.pem');
    assert.equal(configPathOf('C:\\Users\\me\\.mcp-ssl-doctor\\b.pem', 'C:\\Users\\me', false, 'win32'), 'C:/Users/me/.mcp-ssl-doctor/b.pem');
  });

  it('strict check: a CA with non-critical Basic Constraints is flagged, a good one is not', async () => {
    const { corporate, strictBad } = await testCas();
    assert.deepEqual(strictCaProblems(readCertificates(corporate.pem, 'x')), []);
    assert.deepEqual(strictCaProblems(readCertificates(strictBad.pem, 'x')).map((p) => p.problem), ['Basic Constraints of CA cert not marked critical']);
  });
});
