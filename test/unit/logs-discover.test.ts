// Log discovery over a fake tree: VS Code window folders, Cursor sessions, user paths and globs.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { discoverLogFiles, expandGlob, serverFromLogPath } from '../../src/core/logs/discover';

const root = mkdtempSync(path.join(tmpdir(), 'logs-discover-'));
after(() => rmSync(root, { recursive: true, force: true }));
function touch(...parts: string[]): string {
  const file = path.join(root, ...parts);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '');
  return file;
}

test('serverFromLogPath: VS Code definition ids, names with slashes, Cursor scopes', () => {
  assert.deepEqual(serverFromLogPath('/l/20261124T101010/window1/mcpServer.mcp.config.ws0.docs.log'), { server: 'docs', definitionId: 'mcp.config.ws0.docs', host: 'vscode' });
  assert.deepEqual(serverFromLogPath('/l/s/window2/mcpServer.mcp.config.usrlocal.my.server.log'), { server: 'my.server', definitionId: 'mcp.config.usrlocal.my.server', host: 'vscode' });
  assert.deepEqual(serverFromLogPath('/l/s/window1/mcpServer.mcp.config.ws0.io.github.upstash/context7.log'), { server: 'io.github.upstash/context7', definitionId: 'mcp.config.ws0.io.github.upstash/context7', host: 'vscode' });
  assert.deepEqual(serverFromLogPath('C:\\Users\\u\\AppData\\Roaming\\Code\\logs\\s\\window1\\mcpServer.mcp.config.wf0.gh.log'), { server: 'gh', definitionId: 'mcp.config.wf0.gh', host: 'vscode' });
  assert.deepEqual(serverFromLogPath('/l/s/window1/mcpServer.workspace-dot-mcp.0.fetch.log'), { server: 'fetch', definitionId: 'workspace-dot-mcp.0.fetch', host: 'vscode' });
  assert.deepEqual(serverFromLogPath('/c/logs/20260702T020000/mcp-server-user-docs.log'), { server: 'docs', definitionId: null, host: 'cursor' });
  assert.equal(serverFromLogPath('/c/logs/s/mcpprocess.log'), null);
  assert.equal(serverFromLogPath('/var/log/syslog'), null);
});

test('VS Code: the window folder (from logUri/../..) recursively, and sibling windows of the session', async () => {
  const session = path.join(root, 'Code', 'logs', '20261124T101010');
  const a = touch('Code', 'logs', '20261124T101010', 'window1', 'mcpServer.mcp.config.ws0.docs.log');
  const b = touch('Code', 'logs', '20261124T101010', 'window1', 'mcpServer.mcp.config.ws0.io.github.upstash', 'context7.log');
  const c = touch('Code', 'logs', '20261124T101010', 'window2', 'mcpServer.mcp.config.usrlocal.gh.log');
  touch('Code', 'logs', '20261124T101010', 'window1', 'exthost', 'exthost.log');
  touch('Code', 'logs', '20261124T101010', 'window1', 'renderer.log');
  const logUri = path.join(session, 'window1', 'exthost', 'publisher.mcp-ssl-doctor');
  const windowFolder = path.resolve(logUri, '..', '..');
  const found = await discoverLogFiles({ vscodeWindowFolder: windowFolder, appName: 'Visual Studio Code', home: root });
  assert.deepEqual(found.map((log) => log.path).sort(), [a, b, c].sort());
  const docs = found.find((log) => log.path === a);
  assert.deepEqual(docs, { path: a, host: 'vscode', server: 'docs', definitionId: 'mcp.config.ws0.docs' });
  assert.equal(found.find((log) => log.path === b)?.server, 'io.github.upstash/context7');
  const only = await discoverLogFiles({ vscodeWindowFolder: windowFolder, appName: 'Visual Studio Code', home: root, siblingWindows: false });
  assert.deepEqual(only.map((log) => log.path).sort(), [a, b].sort());
});

test('Cursor (Linux layout): only the newest session; per-server files, mcpprocess.log, the older MCP Logs channel', async () => {
  const home = path.join(root, 'home');
  touch('home', '.config', 'Cursor', 'logs', '20260701T090000', 'mcp-server-user-old.log');
  const s = ['home', '.config', 'Cursor', 'logs', '20260702T020000'];
  const user = touch(...s, 'mcp-server-user-docs.log');
  const project = touch(...s, 'mcp-server-project-0-app-fetch.log');
  const proc = touch(...s, 'mcpprocess.log');
  const old = touch(...s, 'window1', 'exthost', 'anysphere.cursor-mcp', 'MCP Logs.log');
  touch(...s, 'window1', 'renderer.log');
  const found = await discoverLogFiles({ appName: 'Cursor', home, platform: 'linux', env: {} });
  assert.deepEqual(found.map((log) => log.path).sort(), [user, project, proc, old].sort());
  assert.ok(found.every((log) => log.host === 'cursor'));
  assert.equal(found.find((log) => log.path === user)?.server, 'docs');
  assert.equal(found.find((log) => log.path === project)?.server, 'fetch');
});

test('Cursor on Windows and macOS: the log roots per OS', async () => {
  const appdata = path.join(root, 'appdata');
  const win = touch('appdata', 'Cursor', 'logs', '20260702T020000', 'mcp-server-user-w.log');
  assert.deepEqual((await discoverLogFiles({ appName: 'Cursor', home: root, platform: 'win32', env: { APPDATA: appdata } })).map((l) => l.path), [win]);
  const mac = touch('machome', 'Library', 'Application Support', 'Cursor', 'logs', '20260702T020000', 'mcp-server-user-m.log');
  assert.deepEqual((await discoverLogFiles({ appName: 'Cursor', home: path.join(root, 'machome'), platform: 'darwin', env: {} })).map((l) => l.path), [mac]);
});

test('user paths and globs (*, **, ~) are custom logs; missing ones are skipped without error', async () => {
  const x = touch('custom', 'a', 'server-one.log');
  const y = touch('custom', 'a', 'b', 'c', 'server-two.log');
  touch('custom', 'a', 'notes.txt');
  const found = await discoverLogFiles({ extraPaths: ['~/custom/**/*.log', path.join(root, 'nope', '*.log')], home: root });
  assert.deepEqual(found.map((log) => log.path).sort(), [x, y].sort());
  assert.ok(found.every((log) => log.host === 'custom'));
  assert.deepEqual(await expandGlob(path.join(root, 'custom'), 'a/*.log'), [x]);
});
