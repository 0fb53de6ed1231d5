// The runtime's own OS store (`doctor --trust-mode`): a Node server on the test bed's Node 24 gets
// NODE_USE_SYSTEM_CA=1 (no bundle), proved by its own runtime; one on this machine's Node 20 gets the
// bundle. The OS store is stood in twice: MCP_SSL_DOCTOR_SYSTEM_CA for the tool, and SSL_CERT_FILE in
// the editor's environment (VS Code passes its own to a server) for Node's system store, which on
// Linux is OpenSSL's default file and that variable moves.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startNetwork, type TestNetwork } from '../fixtures/network';
import { ensureBuiltCli, runBuiltCli } from '../support/builtCli';

const NODE24 = join(homedir(), '.cache', 'mcp-ssl-doctor', 'testbed', 'node24', 'node_modules', '.bin', 'node');
const skip = !existsSync(NODE24) && 'the test bed\'s Node 24 is not installed (scripts/testbed.sh)';

let net: TestNetwork;
let store: string;

interface Json {
  servers: { server: string; state: string; reason: string }[];
  changed: { server: string; env: Record<string, string>; mechanism?: string; verified: { by: string; ok: boolean } | null }[];
  skipped: { server: string; reason: string }[];
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(full, readFileSync(full, 'latin1'));
    }
  };
  walk(dir);
  return files;
}

/** A VS Code user config: one server on Node 24, one on this machine's Node. */
function home(name: string): string {
  const folder = join(net.dir, name);
  const env = { HTTPS_PROXY: net.interceptor.url };
  write(
    join(folder, '.config', 'Code', 'User', 'mcp.json'),
    JSON.stringify({ servers: { 'api-24': { command: NODE24, args: ['server.js', net.origin.url], env }, 'api-20': { command: 'node', args: ['server.js', net.origin.url], env } } }, null, 2),
  );
  return folder;
}

function doctor(folder: string, args: string[]): ReturnType<typeof runBuiltCli> {
  return runBuiltCli(['doctor', '--public-ca', net.publicRootFile, '--no-logs', ...args], net.cleanEnv({ HOME: folder, MCP_SSL_DOCTOR_SYSTEM_CA: store, SSL_CERT_FILE: store }), folder);
}

const parse = (run: { stdout: string }): Json => JSON.parse(run.stdout) as Json;

before(async () => {
  ensureBuiltCli();
  net = await startNetwork({ mitmproxy: false });
  store = join(net.dir, 'os-store.pem');
  writeFileSync(store, net.corporateRoot.pem + net.publicRoot.pem);
});
after(async () => {
  await net?.close();
});

describe('doctor --trust-mode: the runtime\'s own OS store', { skip }, () => {
  it('auto: Node 24 gets NODE_USE_SYSTEM_CA=1, proved by its runtime; Node 20 the bundle; --check 0; a second run changes no byte', async () => {
    const folder = home('auto');
    const fixed = await doctor(folder, ['--fix', '--yes', '--json']);
    assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
    const changes = Object.fromEntries(parse(fixed).changed.map((change) => [change.server, change]));
    assert.deepEqual(changes['api-24']?.env, { NODE_USE_SYSTEM_CA: '1' });
    assert.equal(changes['api-24']?.mechanism, 'os-store');
    assert.match(changes['api-24']?.verified?.by ?? '', /^node v24\./);
    assert.equal(changes['api-24']?.verified?.ok, true);
    assert.deepEqual(Object.keys(changes['api-20']?.env ?? {}), ['NODE_EXTRA_CA_CERTS']);
    assert.equal(changes['api-20']?.mechanism, undefined);
    assert.match(changes['api-20']?.verified?.by ?? '', /^node v20\./);
    const human = await doctor(home('auto-text'), ['--fix', '--yes']);
    assert.match(human.stdout, /changed ~\/\.config\/Code\/User\/mcp\.json api-24: NODE_USE_SYSTEM_CA=1 \(its runtime reads the OS store: no bundle\)/);

    // The server, started as VS Code starts it (its env over the editor's), works through the OS store.
    const probe = await new Promise<string>((resolve) =>
      execFile(
        NODE24,
        ['-e', `const u=new URL(process.env.HTTPS_PROXY);require('http').request({host:u.hostname,port:u.port,method:'CONNECT',path:'localhost:${net.origin.port}'}).on('connect',(_r,s)=>{const t=require('tls').connect({socket:s,servername:'localhost'},()=>{console.log('ok');process.exit(0)});t.on('error',(e)=>{console.log(e.code);process.exit(0)})}).end()`],
        { env: net.cleanEnv({ SSL_CERT_FILE: store, HTTPS_PROXY: net.interceptor.url, NODE_USE_SYSTEM_CA: '1' }), timeout: 20_000 },
        (_error, stdout) => resolve(stdout.trim()),
      ),
    );
    assert.equal(probe, 'ok');

    const check = await doctor(folder, ['--check', '--json']);
    assert.equal(check.code, 0, check.stdout);
    assert.ok(parse(check).servers.every((server) => server.state === 'ok' && server.reason === 'trusts-root'));
    const before = snapshot(folder);
    assert.equal((await doctor(folder, ['--fix', '--yes'])).code, 0);
    assert.deepEqual(snapshot(folder), before, 'no byte changed');
  });

  it('os-store: a runtime that cannot read the store is skipped (said why); bundle: the bundle for both; a bad mode is bad input', async () => {
    const strict = await doctor(home('os-store'), ['--fix', '--yes', '--json', '--trust-mode', 'os-store']);
    assert.equal(strict.code, 1);
    assert.deepEqual(parse(strict).changed.map((change) => change.server), ['api-24']);
    assert.match(parse(strict).skipped.find((skip) => skip.server === 'api-20')?.reason ?? '', /^os-store: its runtime does not read the OS store \(Node 22\.19 \/ 24\.6 and later do\)/);
    const bundle = await doctor(home('bundle'), ['--fix', '--yes', '--json', '--trust-mode', 'bundle']);
    assert.equal(bundle.code, 0, bundle.stdout);
    assert.deepEqual(parse(bundle).changed.map((change) => Object.keys(change.env)), [['NODE_EXTRA_CA_CERTS'], ['NODE_EXTRA_CA_CERTS']]);
    const bad = await doctor(home('bad'), ['--check', '--trust-mode', 'system']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--trust-mode system: expected auto, bundle, os-store/);
  });

  it('fix --trust-mode: the bundle by default (the contract), auto as doctor\'s; a bad mode is bad input and writes nothing', async () => {
    const fix = (folder: string, args: string[]): ReturnType<typeof runBuiltCli> =>
      runBuiltCli(
        ['fix', '--config', join(folder, '.config', 'Code', 'User', 'mcp.json'), '--host', net.origin.hostPort, '--public-ca', net.publicRootFile, '--json', ...args],
        net.cleanEnv({ HOME: folder, MCP_SSL_DOCTOR_SYSTEM_CA: store, SSL_CERT_FILE: store }),
        folder,
      );
    const byDefault = await fix(home('fix-default'), []);
    assert.equal(byDefault.code, 0, byDefault.stderr);
    assert.deepEqual(parse(byDefault).changed.map((change) => Object.keys(change.env)), [['NODE_EXTRA_CA_CERTS'], ['NODE_EXTRA_CA_CERTS']]);
    const auto = await fix(home('fix-auto'), ['--trust-mode', 'auto']);
    assert.equal(auto.code, 0, auto.stderr);
    const changes = Object.fromEntries(parse(auto).changed.map((change) => [change.server, change]));
    assert.deepEqual(changes['api-24']?.env, { NODE_USE_SYSTEM_CA: '1' });
    assert.match(changes['api-24']?.verified?.by ?? '', /^node v24\./);
    assert.equal(changes['api-24']?.verified?.ok, true);
    assert.deepEqual(Object.keys(changes['api-20']?.env ?? {}), ['NODE_EXTRA_CA_CERTS']);
    const folder = home('fix-bad');
    const before = snapshot(folder);
    const bad = await fix(folder, ['--trust-mode', 'system']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--trust-mode system: expected auto, bundle, os-store/);
    assert.deepEqual(snapshot(folder), before, 'nothing written');
  });
});
