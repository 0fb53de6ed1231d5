// Undo what doctor did, through the built dist/cli.js: `doctor --home H --fix --yes` over a fake home
// (three hosts' configs, a remote server whose trust goes into Claude Code's settings, created with
// its folder), run by another user; then `undo --config` finds the record under H, and
// `undo --home H` takes back the rest: every file byte for byte, the folders the fix made gone.
import assert from 'node:assert/strict';
import { chownSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startNetwork, type TestNetwork } from '../fixtures/network';
import { ensureBuiltCli, runBuiltCli } from '../support/builtCli';

let net: TestNetwork;
let systemStore: string;

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** Every file and folder under a folder with its bytes (folders as ''). */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) {
        files.set(`${full}/`, '');
        walk(full);
      } else files.set(full, readFileSync(full, 'latin1'));
    }
  };
  walk(dir);
  return files;
}

before(async () => {
  ensureBuiltCli();
  net = await startNetwork({ mitmproxy: false });
  systemStore = join(net.dir, 'os-store.pem');
  writeFileSync(systemStore, net.corporateRoot.pem);
});
after(async () => {
  await net?.close();
});

describe('undo --home after doctor --home --fix (built CLI)', () => {
  /** A home of three hosts' configs; the Claude Code settings file and folder do not exist yet. */
  function fleetHome(home: string): void {
    const origin = net.origin.url;
    const proxy = { HTTPS_PROXY: net.interceptor.url };
    write(join(home, '.config', 'Claude', 'claude_desktop_config.json'), JSON.stringify({ mcpServers: { 'py-docs': { command: 'python3', args: ['server.py', origin], env: proxy } } }, null, 2));
    write(join(home, '.cursor', 'mcp.json'), `{\r\n  // the team's\r\n  "mcpServers": {\r\n    "node-api": { "command": "npx", "args": ["-y", "api-mcp", "${origin}"], "env": { "HTTPS_PROXY": "${net.interceptor.url}" } }\r\n  }\r\n}\r\n`);
    write(
      join(home, '.claude.json'),
      `{\n  "numStartups": 3,\n  "mcpServers": {\n    "node-docs": { "command": "npx", "args": ["-y", "docs-mcp", "${origin}"], "env": { "HTTPS_PROXY": "${net.interceptor.url}" } },\n    "remote-docs": { "type": "http", "url": "${origin}mcp" }\n  }\n}\n`,
    );
  }

  it('takes back every file doctor wrote for that home, byte for byte, and removes the folders it created', async () => {
    const home = join(net.dir, 'fleet-home');
    fleetHome(home);
    const original = snapshot(home);

    // Someone else runs it (an IT script, root for this home): their own HOME is elsewhere.
    const admin = join(net.dir, 'admin-home');
    mkdirSync(admin, { recursive: true });
    const env = net.cleanEnv({ HOME: admin, MCP_SSL_DOCTOR_SYSTEM_CA: systemStore, HTTPS_PROXY: net.interceptor.url });
    const fixed = await runBuiltCli(['doctor', '--home', home, '--public-ca', net.publicRootFile, '--no-logs', '--no-runtime-check', '--fix', '--yes', '--json'], env, net.dir);
    assert.equal(fixed.code, 0, fixed.stderr + fixed.stdout);
    const changed = (JSON.parse(fixed.stdout) as { changed: { server: string; config: string }[] }).changed;
    assert.deepEqual(changed.map((change) => change.server).sort(), ['node-api', 'node-docs', 'py-docs', 'remote-docs']);
    const after = snapshot(home);
    assert.ok(after.has(`${join(home, '.claude')}/`), 'Claude Code\'s settings folder was made by the fix');
    assert.ok(after.has(`${join(home, '.mcp-ssl-doctor')}/`));
    assert.deepEqual(readdirSync(admin), [], 'nothing recorded in the invoking user\'s home');

    // One file: found by the home it was written for, not the invoking user's.
    const one = await runBuiltCli(['undo', '--config', join(home, '.claude.json')], env, net.dir);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /byte-for-byte/);
    assert.equal(readFileSync(join(home, '.claude.json'), 'utf8'), original.get(join(home, '.claude.json')));

    // The rest in one call.
    const all = await runBuiltCli(['undo', '--home', home], env, net.dir);
    assert.equal(all.code, 0, all.stderr + all.stdout);
    assert.match(all.stdout, /Restart Claude Code/);
    assert.match(all.stdout, /Everything the tool recorded for this home is taken back/);
    assert.deepEqual(snapshot(home), original, 'every file as it was, and no folder or bundle left behind');

    const again = await runBuiltCli(['undo', '--home', home], env, net.dir);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /nothing to undo/);
  });

  it('as root for another user\'s home: undo --home gives back every file with its owner, and nothing root-owned stays behind', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
    const home = join(net.dir, 'user-home');
    fleetHome(home);
    const user = 65534;
    const chownAll = (path: string): void => {
      chownSync(path, user, user);
      if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) chownAll(join(path, entry));
    };
    chownAll(home);
    const original = snapshot(home);
    const env = net.cleanEnv({ HOME: net.dir, MCP_SSL_DOCTOR_SYSTEM_CA: systemStore, HTTPS_PROXY: net.interceptor.url });
    const fixed = await runBuiltCli(['doctor', '--home', home, '--public-ca', net.publicRootFile, '--no-logs', '--no-runtime-check', '--fix', '--yes'], env, net.dir);
    assert.equal(fixed.code, 0, fixed.stderr + fixed.stdout);
    for (const file of snapshot(home).keys()) assert.equal(statSync(file).uid, user, `${file} is the user's`);
    const undone = await runBuiltCli(['undo', '--home', home], env, net.dir);
    assert.equal(undone.code, 0, undone.stderr + undone.stdout);
    assert.deepEqual(snapshot(home), original);
    for (const file of snapshot(home).keys()) assert.equal(statSync(file).uid, user, `${file} is still the user's`);
  });

  it('undo --help lists undo\'s options only', async () => {
    const help = await runBuiltCli(['undo', '--help'], net.cleanEnv(), net.dir);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--home DIR/);
    assert.match(help.stdout, /--bundle-dir DIR/);
    assert.doesNotMatch(help.stdout, /--trust-unknown-ca|--yes-os-store/);
  });
});
