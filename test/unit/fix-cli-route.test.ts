// `fix --host`: the runtime check follows the rules of the host that reads the config (`--host-app`,
// else the file's place, said when assumed), reports the route it took, and sends the same
// servername as the analysis.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cleanup, runCli, tempDir } from '../fixtures/configs/harness';
import { startInterceptor, Interceptor } from '../fixtures/interceptor';
import { createCa, createLeaf, TestCert } from '../fixtures/pki';
import { startOrigin, Origin } from '../fixtures/origin';

interface FixJson {
  changed: { server: string; verified: { by: string; ok: boolean; message: string; route?: string | null } | null }[];
  skipped: { server: string; reason: string }[];
  warnings: { code: string; message: string }[];
}

let dir: string;
let home: string;
let publicRoot: TestCert;
let corporate: TestCert;
let origin: Origin;
let proxy: Interceptor;
let publicFile: string;
let systemFile: string;
const NODE_SERVER = JSON.stringify({ mcpServers: { notes: { command: 'node', args: ['server.js'] } } }, null, 2);
// Node for the runtime check, nothing else of this machine's.
const PATH = `${path.dirname(process.execPath)}:/usr/bin:/bin`;

before(async () => {
  dir = tempDir('mcp-fix-route-');
  home = path.join(dir, 'home');
  mkdirSync(home);
  publicRoot = await createCa('Route Test Public Root');
  corporate = await createCa('Route Test Corporate Root');
  // Directly, the origin presents a chain the bundle does not hold (as a second interception on the
  // direct path would): only the proxy's route is the one the CA was found on.
  const otherRoot = await createCa('Route Test Root Off The Proxy');
  origin = await startOrigin(await createLeaf(['localhost', '127.0.0.1'], otherRoot));
  proxy = await startInterceptor({ issuer: corporate, sendChain: [corporate], upstreamCa: otherRoot.pem });
  publicFile = path.join(dir, 'public.pem');
  systemFile = path.join(dir, 'system.pem');
  writeFileSync(publicFile, publicRoot.pem);
  writeFileSync(systemFile, corporate.pem + publicRoot.pem);
});
after(async () => {
  await proxy.close();
  await origin.close();
  await cleanup(dir);
});

let n = 0;
function config(): string {
  n += 1;
  const file = path.join(dir, `servers${n}.json`);
  writeFileSync(file, NODE_SERVER);
  return file;
}

const args = (file: string, port = origin.port): string[] => [
  'fix', '--config', file, '--host', `localhost:${port}`, '--public-ca', publicFile, '--system-ca', systemFile,
  '--bundle-dir', path.join(dir, 'bundles'), '--timeout', '5000', '--json',
];

describe('fix --host: the runtime check\'s host rules and route', () => {
  it('a config at no known place: analysed the way the assumed host sends its server (directly: Cline passes no proxy on), and said so', async () => {
    // The session's HTTPS_PROXY would find the corporate CA, but Cline's rules (the assumption) pass no proxy variable on:
    // the server goes directly, meets a root no store holds, and nothing is written.
    const file = config();
    const before = readFileSync(file, 'utf8');
    const result = await runCli(args(file), { env: { HOME: home, PATH, HTTPS_PROXY: proxy.url } });
    assert.equal(result.code, 2, result.stdout);
    assert.match(result.stderr, /no certificate path could be built/);
    assert.match(result.stderr, new RegExp(`Analysed as the server reaches it: directly, because cline \\(assumed: .* --host-app ID names the host\\) does not pass the session's proxy \\(${proxy.url.replace(/[.]/g, '\\.')}\\)`));
    assert.equal(readFileSync(file, 'utf8'), before, 'nothing written');
  });

  it('a config at no known place with --proxy: analysed and proved through it; says whose rules it assumed', async () => {
    const result = await runCli([...args(config()), '--proxy', proxy.url], { env: { HOME: home, PATH } });
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as FixJson;
    const assumed = json.warnings.find((w) => w.code === 'host-assumed');
    assert.match(assumed?.message ?? '', /the environment cline gives them .*name the host that reads it with --host-app ID/);
  });

  it('--host-app vscode (its servers inherit the environment): the same route as the analysis, verified; nothing assumed', async () => {
    const result = await runCli([...args(config()), '--host-app', 'vscode'], { env: { HOME: home, PATH, HTTPS_PROXY: proxy.url } });
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as FixJson;
    assert.equal(json.warnings.some((w) => w.code === 'host-assumed'), false);
    assert.equal(json.changed[0]?.verified?.ok, true, result.stdout);
    assert.equal(json.changed[0]?.verified?.route, proxy.url, 'the route the runtime check took');
  });

  it('--host-app must name a host', async () => {
    const result = await runCli([...args(config()), '--host-app', 'notepad'], { env: { HOME: home, PATH } });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--host-app notepad: expected one of vscode, .*claude-desktop.*cline/);
  });
});

describe('fix --host IP --servername NAME: the runtime check sends and verifies NAME too', () => {
  let named: Origin;
  before(async () => {
    // A transparent interception: the origin itself presents a leaf the corporate root issued, for the name only.
    named = await startOrigin(await createLeaf(['localhost'], corporate), [corporate]);
  });
  after(async () => named.close());

  it('verified by the server\'s runtime, not failed on the IP', async () => {
    const file = config();
    const result = await runCli([
      'fix', '--config', file, '--host', `127.0.0.1:${named.port}`, '--servername', 'localhost',
      '--public-ca', publicFile, '--system-ca', systemFile, '--bundle-dir', path.join(dir, 'bundles'), '--timeout', '5000', '--json',
    ], { env: { HOME: home, PATH } });
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as FixJson;
    assert.deepEqual(json.skipped, []);
    assert.equal(json.changed[0]?.verified?.ok, true, result.stdout);
    assert.equal(json.changed[0]?.verified?.route, null, 'directly');
  });
});
