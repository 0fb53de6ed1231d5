// The logs the MCP hosts of 2026 keep on their own (core/logs/locations.ts HOST_LOGS): where each is per OS,
// what the editor's watcher and doctor discover, and that a TLS failure appended to one is found.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { discoverLogFiles, hostLogFolder } from '../../src/core/logs/discover';
import { HOST_LOGS } from '../../src/core/logs/locations';
import type { HostLogId, HostLogRow } from '../../src/core/logs/locations';
import { FindingScanner, scanText } from '../../src/core/logs/scan';
import { FileTailer } from '../../src/core/logs/tail';
import { discoverMachineLogs } from '../../src/core/hosts/logs';

const root = mkdtempSync(path.join(tmpdir(), 'host-logs-'));
after(() => rmSync(root, { recursive: true, force: true }));

function touch(file: string, text = '', mtimeSeconds?: number): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  if (mtimeSeconds !== undefined) utimesSync(file, mtimeSeconds, mtimeSeconds);
  return file;
}

function folders(host: HostLogId, platform: NodeJS.Platform, home: string, env: NodeJS.ProcessEnv): string[] {
  return HOST_LOGS.filter((row: HostLogRow) => row.host === host)
    .map((row) => hostLogFolder(row, home, platform, env))
    .filter((folder): folder is string => folder !== null);
}

test('every row cites its source', () => {
  for (const row of HOST_LOGS) assert.ok(row.source.length > 10, `${row.host} has a source`);
});

test('Codex: $CODEX_HOME/log, else ~/.codex/log, on every OS', () => {
  assert.deepEqual(folders('codex', 'linux', '/home/u', {}), ['/home/u/.codex/log']);
  assert.deepEqual(folders('codex', 'darwin', '/Users/u', { CODEX_HOME: '/work/codex' }), ['/work/codex/log']);
  // Windows: its variables ignore case.
  assert.deepEqual(folders('codex', 'win32', '/c/Users/u', { Codex_Home: '/d/codex' }), ['/d/codex/log']);
  assert.deepEqual(folders('codex', 'win32', '/c/Users/u', {}), ['/c/Users/u/.codex/log']);
});

test('Copilot CLI: $COPILOT_HOME/logs, else ~/.copilot/logs', () => {
  assert.deepEqual(folders('copilot-cli', 'linux', '/home/u', {}), ['/home/u/.copilot/logs']);
  assert.deepEqual(folders('copilot-cli', 'win32', '/c/Users/u', { COPILOT_HOME: '/d/cp' }), ['/d/cp/logs']);
});

test("Zed: Zed.log's folder per OS (~/Library/Logs/Zed, $XDG_DATA_HOME/zed/logs, %LOCALAPPDATA%\\Zed\\logs)", () => {
  assert.deepEqual(folders('zed', 'darwin', '/Users/u', {}), ['/Users/u/Library/Logs/Zed']);
  assert.deepEqual(folders('zed', 'linux', '/home/u', {}), ['/home/u/.local/share/zed/logs']);
  assert.deepEqual(folders('zed', 'linux', '/home/u', { XDG_DATA_HOME: '/data' }), ['/data/zed/logs']);
  assert.deepEqual(folders('zed', 'win32', '/c/Users/u', { LocalAppData: '/c/Users/u/AppData/Local' }), ['/c/Users/u/AppData/Local/Zed/logs']);
  assert.deepEqual(folders('zed', 'win32', '/c/Users/u', {}), ['/c/Users/u/AppData/Local/Zed/logs']);
});

test('Goose: the XDG state folder on macOS and Linux, %APPDATA%\\Block\\goose\\data\\logs on Windows', () => {
  assert.deepEqual(folders('goose', 'darwin', '/Users/u', {}), ['/Users/u/.local/state/goose/logs']);
  assert.deepEqual(folders('goose', 'linux', '/home/u', { XDG_STATE_HOME: '/state' }), ['/state/goose/logs']);
  assert.deepEqual(folders('goose', 'win32', '/c/Users/u', { APPDATA: '/c/Users/u/AppData/Roaming' }), ['/c/Users/u/AppData/Roaming/Block/goose/data/logs']);
});

test('discovery (the watcher and doctor): each host log that exists, the newest files of per-session hosts, none unless asked', async () => {
  const home = path.join(root, 'linux-home');
  const codex = touch(path.join(home, '.codex', 'log', 'codex-tui.log'));
  const zed = touch(path.join(home, '.local', 'share', 'zed', 'logs', 'Zed.log'));
  touch(path.join(home, '.local', 'share', 'zed', 'logs', 'Zed.log.old'));
  const copilot: string[] = [];
  for (let i = 1; i <= 5; i += 1) copilot.push(touch(path.join(home, '.copilot', 'logs', `process-17000000${i}-100${i}.log`), '', 1_700_000_000 + i));
  const goose = touch(path.join(home, '.local', 'state', 'goose', 'logs', 'cli', '2026-12-05', '20261205_101010.log'), '', 1_800_000_000);
  touch(path.join(home, '.local', 'state', 'goose', 'logs', 'cli', '2026-11-01', '20261101_101010.log'), '', 1_700_000_000);
  touch(path.join(home, '.local', 'state', 'goose', 'logs', 'cli', '2026-11-02', '20261102_101010.log'), '', 1_700_000_001);
  const server = touch(path.join(home, '.local', 'state', 'goose', 'logs', 'server', '2026-12-05', '20261205_101011-goosed.log'), '', 1_800_000_001);

  assert.deepEqual(await discoverLogFiles({ home, platform: 'linux', env: {} }), []);
  const found = await discoverLogFiles({ hostLogs: true, home, platform: 'linux', env: {} });
  const byHost = (host: string): string[] => found.filter((log) => log.host === host).map((log) => log.path).sort();
  assert.deepEqual(byHost('codex'), [codex]);
  assert.deepEqual(byHost('zed'), [zed]);
  assert.deepEqual(byHost('copilot-cli'), copilot.slice(2).sort());
  assert.deepEqual(byHost('goose'), [goose, server, path.join(home, '.local', 'state', 'goose', 'logs', 'cli', '2026-11-02', '20261102_101010.log')].sort());
  assert.ok(found.every((log) => log.server === null));

  // doctor's and `scan`'s reading of the machine's logs includes them.
  const machine = await discoverMachineLogs({ home, platform: 'linux', env: {} });
  assert.ok(machine.some((log) => log.path === codex) && machine.some((log) => log.path === zed));
});

test('Windows, simulated: Zed.log under %LOCALAPPDATA%, Goose under %APPDATA%', async () => {
  const home = path.join(root, 'win-home');
  const local = path.join(home, 'AppData', 'Local');
  const roaming = path.join(home, 'AppData', 'Roaming');
  const zed = touch(path.join(local, 'Zed', 'logs', 'Zed.log'));
  const goose = touch(path.join(roaming, 'Block', 'goose', 'data', 'logs', 'server', '2026-12-05', '20261205_090000-goosed.log'));
  const found = await discoverLogFiles({ hostLogs: true, home, platform: 'win32', env: { LOCALAPPDATA: local, AppData: roaming } });
  assert.deepEqual(found.map((log) => [log.host, log.path]).sort(), [['goose', goose], ['zed', zed]].sort());
});

test('a failure appended to a host log after the watcher found it is reported, with the server its line names', async () => {
  const home = path.join(root, 'append-home');
  // A Copilot CLI log as it stands when the editor starts: history that must not be reported again.
  const file = touch(path.join(home, '.copilot', 'logs', 'process-1764900000-4242.log'), '2026-12-05T09:00:00.000Z [LOG] [mcp server docs stderr] Error: self-signed certificate in certificate chain\n');
  const [log] = await discoverLogFiles({ hostLogs: true, home, platform: 'linux', env: {} });
  assert.equal(log.path, file);
  // What the watcher does with a host log on its first discovery: from the end.
  const tailer = new FileTailer(log.path, { startAtEnd: true });
  const scanner = new FindingScanner(log.path);
  assert.deepEqual(scanner.push(await tailer.read()), []);
  // Copilot CLI's line format (github/copilot-cli#26, #753) around Node's error object as npx prints it
  // (test/fixtures/realworld: cap-js/mcp-server#62).
  appendFileSync(
    file,
    [
      '2026-12-05T09:01:00.000Z [LOG] Starting MCP client for github with command: npx -y @modelcontextprotocol/server-github',
      '2026-12-05T09:01:02.000Z [LOG] [mcp server github stderr] TypeError: fetch failed',
      '2026-12-05T09:01:02.000Z [LOG] [mcp server github stderr]     at node:internal/deps/undici/undici:12502:13 {',
      "2026-12-05T09:01:02.000Z [LOG] [mcp server github stderr]   [cause]: Error: unable to get local issuer certificate",
      "2026-12-05T09:01:02.000Z [LOG] [mcp server github stderr]     code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'",
      '2026-12-05T09:01:02.000Z [LOG] [mcp server github stderr] }',
      '2026-12-05T09:01:03.000Z [LOG] MCP client for github closed',
      '',
    ].join('\n'),
  );
  const findings = [...scanner.push(await tailer.read()), ...scanner.flush()];
  assert.equal(findings.length, 1);
  assert.equal(findings[0].kind, 'untrusted-ca');
  assert.equal(findings[0].runtime, 'node');
  assert.equal(findings[0].server, 'github');
});

test("Codex's shared log names the server in `MCP client for `NAME` failed to start`", () => {
  // The shape of Codex's line (GuDaStudio/codexmcp#10, openai/codex#6020) with a TLS reason.
  const text = '2026-12-05T11:07:56.764544Z ERROR codex_core::codex: MCP client for `docs` failed to start: handshaking with MCP server failed: error sending request for url (https://mcp.corp.example/mcp): invalid peer certificate: UnknownIssuer\n';
  const [finding] = scanText(text, 'codex-tui.log');
  assert.equal(finding.kind, 'untrusted-ca');
  assert.equal(finding.server, 'docs');
  assert.equal(finding.host, 'mcp.corp.example');
});
