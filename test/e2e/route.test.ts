// The route (issue 22, acceptance): the session points at an explicit TLS-inspecting proxy, and the
// intranet host resolves only there (mitmproxy or the interceptor resolves intranet.example.test;
// this machine cannot). Cursor and Claude Desktop start servers with the MCP SDK's allowlist, so
// their servers go directly and fail. `doctor` says so, `doctor --fix --yes` hands them the proxy
// with the CA, and the servers, started exactly as those hosts start them (the SDK's stdio client),
// work; `--check` passes. With a proxy that needs a password, no file holds it in clear: Cursor gets
// a `${env:NAME}` reference it expands, Claude Desktop (which expands nothing) the next step.
import assert from 'node:assert/strict';
import { lookup } from 'node:dns/promises';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { startInterceptor, type Interceptor } from '../fixtures/interceptor';
import { mitmproxyMissing, startMitmproxy, type Mitmproxy } from '../fixtures/mitmproxy';
import { createPublicPki, startOrigin, type Origin } from '../fixtures/origin';
import { createCa } from '../fixtures/pki';
import { ensureBuiltCli, runBuiltCli } from '../support/builtCli';

const INTRANET = 'intranet.example.test';
const SERVERS_DIR = join(resolve(__dirname, '..', '..'), 'test', 'fixtures', 'mcp-servers');
const PYTHON = '/usr/bin/python3';
const USER = 'alice';
const PASSWORD = 's3cret-Pw';

let dir: string;
let origin: Origin;
let mitm: Mitmproxy;
let locked: Interceptor;
let publicRootFile: string;
let systemStore: string;
let url: string;

interface Json {
  servers: { hostApp: string; server: string; state: string; reason: string; fix: { kind: string; detail: string }; message: string; droppedProxy?: { url: string; credentials: boolean; directError?: string; adds: string[] } }[];
  changed: { config: string; server: string; env: Record<string, string>; verified: { by: string; ok: boolean; message: string; route?: string | null } | null }[];
  skipped: { server: string; reason: string }[];
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** Every file under a folder, its text. */
function everyFile(folder: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) files.set(join(entry.parentPath, entry.name), readFileSync(join(entry.parentPath, entry.name), 'latin1'));
  }
  return files;
}

const CURSOR = (home: string): string => join(home, '.cursor', 'mcp.json');
const CLAUDE = (home: string): string => join(home, '.config', 'Claude', 'claude_desktop_config.json');

/** A Cursor server in Python and a Claude Desktop server in Node, both reaching the intranet host, neither naming a proxy. */
function fakeHome(): string {
  const home = mkdtempSync(join(dir, 'home-'));
  write(CURSOR(home), `${JSON.stringify({ mcpServers: { 'intranet-py': { command: PYTHON, args: [join(SERVERS_DIR, 'docs_server.py'), url] } } }, null, 2)}\n`);
  write(CLAUDE(home), `${JSON.stringify({ mcpServers: { 'intranet-node': { command: 'node', args: [join(SERVERS_DIR, 'docs_server.mjs'), url] } } }, null, 2)}\n`);
  return home;
}

/** The session: the doctor's (and the hosts') environment, with the proxy. */
function session(home: string, proxy: string): Record<string, string> {
  return { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin', MCP_SSL_DOCTOR_SYSTEM_CA: systemStore, HTTPS_PROXY: proxy };
}

function doctor(home: string, proxy: string, args: string[]): ReturnType<typeof runBuiltCli> {
  return runBuiltCli(['doctor', '--public-ca', publicRootFile, '--no-logs', ...args], session(home, proxy), home);
}

/** The entry's env as the host resolves it: Cursor expands `${userHome}` and `${env:NAME}` (from its own environment); Claude Desktop nothing. */
function hostResolved(env: Record<string, string>, expands: boolean, home: string, hostEnv: Record<string, string>): Record<string, string> {
  if (!expands) return env;
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, value.replace(/\$\{userHome\}/g, home).replace(/\$\{env:([^}]+)\}/g, (_, v: string) => hostEnv[v] ?? '')]));
}

/**
 * Starts a server as Cursor and Claude Desktop do (the MCP SDK's stdio client: its allowlist of
 * this process's environment, plus the entry's env) and calls its tool: the server's own outcome.
 */
async function startAsHost(entry: { command: string; args: string[] }, env: Record<string, string>): Promise<{ connected: boolean; stderr: string; toolText: string | null }> {
  const transport = new StdioClientTransport({ command: entry.command, args: entry.args, env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'route-host', version: '1.0.0' });
  let connected = false;
  let toolText: string | null = null;
  try {
    await client.connect(transport);
    connected = true;
    const result = await client.callTool({ name: 'fetch_docs', arguments: {} });
    toolText = (result.content as { text?: string }[]).map((part) => part.text ?? '').join('');
  } catch (error) {
    if (connected) throw error;
  } finally {
    await client.close().catch(() => undefined);
  }
  return { connected, stderr, toolText };
}

function entries(file: string): Record<string, { command: string; args: string[]; env?: Record<string, string> }> {
  return (JSON.parse(readFileSync(file, 'utf8')) as { mcpServers: Record<string, { command: string; args: string[]; env?: Record<string, string> }> }).mcpServers;
}

before(async () => {
  assert.equal(mitmproxyMissing(), null);
  ensureBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'mcp-route-'));
  const pki = await createPublicPki([INTRANET]);
  origin = await startOrigin(pki.leaf);
  url = `https://${INTRANET}:${origin.port}/`;
  const hosts = { [INTRANET]: '127.0.0.1' };
  mitm = await startMitmproxy(pki.root.pem, { hosts });
  const corp = await createCa('Locked Proxy Inspection Root');
  locked = await startInterceptor({ issuer: corp, sendChain: [corp], upstreamCa: pki.root.pem, auth: { user: USER, password: PASSWORD }, hosts });
  publicRootFile = join(dir, 'public-root.pem');
  writeFileSync(publicRootFile, pki.root.pem);
  // The OS store of a corporate machine: IT installed both inspection roots.
  systemStore = join(dir, 'os-store.pem');
  writeFileSync(systemStore, mitm.caPem + corp.pem);
});
after(async () => {
  await locked?.close();
  await mitm?.close();
  await origin?.close();
});

describe('the route: hosts that drop the session\'s proxy', () => {
  it('this machine cannot resolve the intranet host (only the proxies can)', async () => {
    await assert.rejects(lookup(INTRANET), /ENOTFOUND|EAI_AGAIN/);
  });

  it('doctor says the servers go directly and why; --fix --yes hands them the proxy and the CA, proven through it; started as their hosts start them, they work; --check passes', async () => {
    const home = fakeHome();
    const before = await startAsHost(entries(CURSOR(home))['intranet-py'] as { command: string; args: string[] }, {});
    assert.equal(before.connected, false, 'before: the Python server cannot reach the intranet host');

    const report = await doctor(home, mitm.url, ['--json']);
    const json = JSON.parse(report.stdout) as Json;
    for (const [hostApp, name] of [['cursor', 'intranet-py'], ['claude-desktop', 'intranet-node']]) {
      const server = json.servers.find((s) => s.server === name);
      assert.deepEqual([server?.hostApp, server?.state, server?.reason, server?.fix.kind], [hostApp, 'will-fail', 'proxy-dropped', 'env'], report.stdout);
      assert.equal(server?.droppedProxy?.url, mitm.url);
      assert.match(server?.droppedProxy?.directError ?? '', /ENOTFOUND|EAI_AGAIN/);
      assert.deepEqual(server?.droppedProxy?.adds, ['HTTPS_PROXY']);
    }
    const text = await doctor(home, mitm.url, []);
    assert.match(text.stdout, /intranet-py .*will fail: cursor does not pass on the session's proxy \(http:\/\/127\.0\.0\.1:\d+\) — it goes directly, which fails \(.*ENOTFOUND.*\); through http:\/\/127\.0\.0\.1:\d+ it meets CN=mitmproxy/);
    assert.match(text.stdout, /fix \(env\): set HTTPS_PROXY \(the session's proxy, which claude-desktop does not pass on; NODE_USE_ENV_PROXY=1 where its node reads it\) and NODE_EXTRA_CA_CERTS to the bundle/);

    const fixed = await doctor(home, mitm.url, ['--fix', '--yes', '--json']);
    assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
    const fixJson = JSON.parse(fixed.stdout) as Json;
    for (const name of ['intranet-py', 'intranet-node']) {
      const change = fixJson.changed.find((c) => c.server === name);
      assert.equal(change?.env.HTTPS_PROXY, mitm.url, name);
      assert.equal(change?.verified?.ok, true, `${name}: ${change?.verified?.message ?? 'not verified'}`);
      assert.equal(change?.verified?.route, mitm.url, 'proven through the route the fix gives it');
    }
    // This machine's node (v20) does not read NODE_USE_ENV_PROXY: it is not written.
    assert.equal(entries(CLAUDE(home))['intranet-node']?.env?.NODE_USE_ENV_PROXY, undefined);

    for (const [file, name, expands] of [[CURSOR(home), 'intranet-py', true], [CLAUDE(home), 'intranet-node', false]] as const) {
      const entry = entries(file)[name] as { command: string; args: string[]; env: Record<string, string> };
      const run = await startAsHost(entry, hostResolved(entry.env, expands, home, session(home, mitm.url)));
      assert.equal(run.connected, true, `${name} after the fix: ${run.stderr}`);
      assert.match(run.toolText ?? '', /ok/, run.stderr);
    }
    const check = await doctor(home, mitm.url, ['--check']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
  });

  it('NODE_USE_ENV_PROXY=1 is written for a Node server whose own node reads it (a node on its PATH that says 24.5.0), not for this machine\'s v20', async () => {
    const home = fakeHome();
    // A stand-in for Node 24.5 on the servers' PATH: it answers the version question as 24.5.0 and runs everything else with this node.
    const bin = join(dir, 'node24-bin');
    mkdirSync(bin, { recursive: true });
    write(join(bin, 'node'), `#!/bin/sh\nif [ "$1" = "-p" ] && [ "$2" = "process.versions.node" ]; then echo 24.5.0; exit 0; fi\nexec '${process.execPath}' "$@"\n`);
    chmodSync(join(bin, 'node'), 0o755);
    const env = { ...session(home, mitm.url), PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` };
    const fixed = await runBuiltCli(['doctor', '--public-ca', publicRootFile, '--no-logs', '--fix', '--yes', '--json'], env, home);
    assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
    const json = JSON.parse(fixed.stdout) as Json;
    assert.equal(json.changed.find((c) => c.server === 'intranet-node')?.env.NODE_USE_ENV_PROXY, '1');
    assert.equal(json.changed.find((c) => c.server === 'intranet-py')?.env.NODE_USE_ENV_PROXY, undefined, 'Python: no such switch');
    assert.equal(entries(CLAUDE(home))['intranet-node']?.env?.NODE_USE_ENV_PROXY, '1');
  });

  it('a proxy with a password: no file holds it in clear; Cursor gets ${env:HTTPS_PROXY} and works, Claude Desktop is told the next step and left as it was', async () => {
    const home = fakeHome();
    const claudeBefore = readFileSync(CLAUDE(home), 'utf8');
    const proxy = `http://${USER}:${PASSWORD}@127.0.0.1:${locked.port}`;
    const fixed = await doctor(home, proxy, ['--fix', '--yes', '--json']);
    const json = JSON.parse(fixed.stdout) as Json;
    assert.doesNotMatch(fixed.stdout + fixed.stderr, new RegExp(PASSWORD), 'nothing printed holds the password');
    const change = json.changed.find((c) => c.server === 'intranet-py');
    assert.equal(change?.env.HTTPS_PROXY, '${env:HTTPS_PROXY}');
    assert.equal(change?.verified?.ok, true, change?.verified?.message);
    const claude = json.servers.find((s) => s.server === 'intranet-node');
    assert.deepEqual([claude?.reason, claude?.fix.kind, claude?.droppedProxy?.credentials], ['proxy-dropped', 'none', true]);
    assert.match(claude?.fix.detail ?? '', /needs a password and claude-desktop expands no \$\{env:NAME\}.*local relay .*\(px, cntlm\)/);
    assert.equal(fixed.code, 1, 'a server is left failing');
    assert.equal(readFileSync(CLAUDE(home), 'utf8'), claudeBefore);

    for (const [file, text] of everyFile(home)) assert.doesNotMatch(text, new RegExp(PASSWORD), `${file} holds the password`);

    const entry = entries(CURSOR(home))['intranet-py'] as { command: string; args: string[]; env: Record<string, string> };
    const run = await startAsHost(entry, hostResolved(entry.env, true, home, session(home, proxy)));
    assert.equal(run.connected, true, run.stderr);
    assert.equal(locked.connects.length > 0, true);

    const check = await doctor(home, proxy, ['--check']);
    assert.equal(check.code, 1);
    assert.match(check.stdout, /check failed: 1 server\(s\) will fail and --fix cannot fix them: intranet-node/);
    assert.doesNotMatch(check.stdout, /intranet-py .*will fail/);
  });
});
