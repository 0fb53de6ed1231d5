// Trust that lasts: IT renews the interception root (a new CA, the SAME subject name, pushed to the
// OS store) under a home that `doctor --fix --yes` fixed before. The built CLI, fake homes, a loopback
// interceptor that sends only its leaf (as mitmproxy and many appliances do), the servers' own
// runtimes (python3, node): --check 1 → --fix --yes 0 (no --replace) → every server works through
// the new root → --check 0 → a third run changes no byte; a user's own CA variable stays untouched.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startInterceptor, type Interceptor } from '../fixtures/interceptor';
import { startNetwork, type TestNetwork } from '../fixtures/network';
import { createCa, type TestCert } from '../fixtures/pki';
import { CLI, ensureBuiltCli, REPO, runBuiltCli } from '../support/builtCli';

let net: TestNetwork;
let renewable: Interceptor;
let oldRoot: TestCert;
let systemStore: string;

const SUBJECT = 'Renewed Inspection Root';

interface Json {
  servers: { hostApp: string; server: string; state: string; reason: string; root: { subject: string; sha256: string } | null; bundle?: { path: string; via: string; stale: string }; fix: { kind: string } }[];
  changed: { config: string; server: string; env: Record<string, string>; bundle: string; renewed?: string; verified: { by: string; ok: boolean; message: string } | null }[];
  skipped: { config: string; server: string; reason: string }[];
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

function doctor(home: string, args: string[]): ReturnType<typeof runBuiltCli> {
  // A remote server is reached by its host itself: through the renewable interceptor, the host's proxy.
  return runBuiltCli(['doctor', '--public-ca', net.publicRootFile, '--no-logs', ...args], net.cleanEnv({ HOME: home, MCP_SSL_DOCTOR_SYSTEM_CA: systemStore, HTTPS_PROXY: renewable.url }), home);
}

function json(run: { stdout: string }): Json {
  return JSON.parse(run.stdout) as Json;
}

/** A request as the server's runtime makes it, with the server's env: through its proxy, trusting what its CA variable names. */
function probe(runtime: 'python' | 'node', env: Record<string, string>): Promise<string> {
  const url = net.origin.url;
  const [command, args] =
    runtime === 'python'
      ? ['python3', ['-c', 'import sys, urllib.request\ntry:\n  urllib.request.urlopen(sys.argv[1], timeout=10).read(); print("ok")\nexcept Exception as e: print(e)', url]]
      : [
          process.execPath,
          [
            '-e',
            `const u=new URL(process.env.HTTPS_PROXY);const r=require('http').request({host:u.hostname,port:u.port,method:'CONNECT',path:'localhost:${net.origin.port}'});` +
              `r.on('connect',(_res,s)=>{const t=require('tls').connect({socket:s,servername:'localhost'},()=>{console.log('ok');process.exit(0)});t.on('error',(e)=>{console.log(e.code);process.exit(0)})});r.end()`,
          ],
        ];
  return new Promise((resolve) => execFile(command as string, args as string[], { env: net.cleanEnv(env), timeout: 20_000 }, (_error, stdout, stderr) => resolve(`${stdout}${stderr}`.trim())));
}

/** The IT side: the renewed root goes into the OS store in place of the old one, and the proxy re-signs with it. */
async function renewRoot(): Promise<TestCert> {
  const renewed = await createCa(SUBJECT);
  renewable.renew(renewed, []);
  writeFileSync(systemStore, [renewed.pem, net.corporateRoot.pem].join(''));
  return renewed;
}

before(async () => {
  ensureBuiltCli();
  net = await startNetwork({ mitmproxy: false });
  oldRoot = await createCa(SUBJECT);
  // Leaf only: the bundle is all the runtime has to build the path with.
  renewable = await startInterceptor({ issuer: oldRoot, sendChain: [], upstreamCa: net.publicRoot.pem });
  systemStore = join(net.dir, 'os-store.pem');
  writeFileSync(systemStore, [oldRoot.pem, net.corporateRoot.pem].join(''));
});
after(async () => {
  await renewable?.close();
  await net?.close();
});

describe('renewal: the tool keeps its own bundles current', () => {
  it('a renewed root of the same name: --check 1 → --fix --yes 0 → works through the new root → --check 0 → no byte changed; the user\'s own variable untouched', async () => {
    const home = join(net.dir, 'home-renewal');
    const origin = net.origin.url;
    const proxy = { HTTPS_PROXY: renewable.url };
    const desktop = join(home, '.config', 'Claude', 'claude_desktop_config.json');
    const cursor = join(home, '.cursor', 'mcp.json');
    const vscode = join(home, '.config', 'Code', 'User', 'mcp.json');
    const ownFile = join(home, 'my-corp-bundle.pem');
    const claudeSettings = join(home, '.claude', 'settings.json');
    write(join(home, '.claude.json'), JSON.stringify({ mcpServers: { 'remote-docs': { type: 'http', url: `${origin}mcp` } } }, null, 2));
    write(desktop, JSON.stringify({ mcpServers: { 'py-docs': { command: 'python3', args: ['server.py', origin], env: proxy } } }, null, 2));
    write(cursor, JSON.stringify({ mcpServers: { 'node-api': { command: 'npx', args: ['-y', 'api-mcp', origin], env: proxy }, dock: { command: 'docker', args: ['run', '-i', '--rm', '-e', 'HTTPS_PROXY', 'ghcr.io/example/fetch-mcp', origin], env: proxy } } }, null, 2));
    // The user's own CA variable, through the (not renewed) corporate interceptor: it must stay as it is.
    write(ownFile, net.corporateRoot.pem + net.publicRoot.pem);
    write(vscode, `{\n  // fixed by hand\n  "servers": {\n    "own-py": { "command": "python3", "args": ["s.py", "${origin}"], "env": { "HTTPS_PROXY": "${net.interceptor.url}", "SSL_CERT_FILE": "${ownFile}" } }\n  }\n}\n`);
    const ownBefore = { config: readFileSync(vscode, 'utf8'), file: readFileSync(ownFile, 'utf8') };

    const first = await doctor(home, ['--fix', '--yes', '--json']);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    assert.deepEqual(json(first).changed.map((change) => change.server).sort(), ['dock', 'node-api', 'py-docs', 'remote-docs']);
    const hostBundle = (JSON.parse(readFileSync(claudeSettings, 'utf8')) as { env: Record<string, string> }).env.NODE_EXTRA_CA_CERTS ?? '';
    const oldBundle = json(first).changed.find((change) => change.server === 'py-docs')?.bundle ?? '';
    assert.ok(readFileSync(oldBundle, 'utf8').includes(oldRoot.pem.trim()));
    assert.equal((await doctor(home, ['--check'])).code, 0, 'fixed before the renewal');

    const renewed = await renewRoot();
    assert.match(await probe('python', { ...proxy, SSL_CERT_FILE: oldBundle }), /CERTIFICATE_VERIFY_FAILED/, 'the old bundle no longer works');

    const check = await doctor(home, ['--check', '--json']);
    assert.equal(check.code, 1, 'detection exits 1 the day the new root arrives');
    const stale = Object.fromEntries(json(check).servers.map((server) => [server.server, server]));
    for (const name of ['py-docs', 'node-api', 'dock']) {
      assert.equal(stale[name]?.state, 'will-fail', name);
      assert.equal(stale[name]?.reason, 'bundle-stale', name);
      assert.equal(stale[name]?.bundle?.stale, 'missing-root', name);
      assert.equal(stale[name]?.bundle?.path, oldBundle, name);
      assert.equal(stale[name]?.fix.kind, 'env', name);
    }
    assert.equal(stale['remote-docs']?.state, 'remote-host-trust');
    assert.equal(stale['own-py']?.state, 'ok');
    assert.equal(stale['own-py']?.reason, 'trusts-root');
    const human = await doctor(home, ['--check']);
    assert.match(human.stdout, /py-docs {2}python {2}localhost:\d+ {2}will fail: its bundle ~\/\.mcp-ssl-doctor\/ca-bundle-[0-9a-f]{12}\.pem \(written by mcp-ssl-doctor, SSL_CERT_FILE\) lacks the root its target presents now: CN=Renewed Inspection Root/);
    assert.match(human.stdout, /fix \(env\): renew that bundle/);

    const fixed = await doctor(home, ['--fix', '--yes', '--json']);
    assert.equal(fixed.code, 0, fixed.stderr + fixed.stdout);
    const changes = Object.fromEntries(json(fixed).changed.map((change) => [change.server, change]));
    assert.deepEqual(Object.keys(changes).sort(), ['dock', 'node-api', 'py-docs', 'remote-docs'], fixed.stdout);
    // The host's own CA variable (Claude Code's settings env) names a bundle of ours: renewed too.
    const hostBundleNow = (JSON.parse(readFileSync(claudeSettings, 'utf8')) as { env: Record<string, string> }).env.NODE_EXTRA_CA_CERTS ?? '';
    assert.notEqual(hostBundleNow, hostBundle);
    assert.ok(readFileSync(hostBundleNow, 'utf8').includes(renewed.pem.trim()));
    assert.equal(changes['remote-docs']?.verified?.ok, true);
    assert.deepEqual(json(fixed).skipped, []);
    const newBundle = changes['py-docs']?.bundle ?? '';
    assert.notEqual(newBundle, oldBundle);
    for (const name of ['py-docs', 'node-api', 'dock']) assert.equal(changes[name]?.bundle, newBundle, name);
    assert.equal(await probe('node', { HTTPS_PROXY: renewable.url, NODE_EXTRA_CA_CERTS: hostBundleNow }), 'ok', 'the host (Node) through the new root');
    assert.equal(changes['py-docs']?.renewed, oldBundle, 'Claude Desktop: absolute path');
    assert.match(changes['py-docs']?.verified?.by ?? '', /^python \d/);
    assert.equal(changes['py-docs']?.verified?.ok, true);
    assert.match(changes['node-api']?.verified?.by ?? '', /^node v\d/);
    assert.equal(changes['node-api']?.verified?.ok, true);
    const pem = readFileSync(newBundle, 'utf8');
    assert.ok(pem.includes(renewed.pem.trim()), 'the new root is in');
    assert.ok(!pem.includes(oldRoot.pem.trim()), 'the superseded root of the same name is out');
    assert.ok(existsSync(oldBundle), 'the previous bundle stays while an undo record names it');
    assert.match(readFileSync(desktop, 'utf8'), new RegExp(`"SSL_CERT_FILE": "${newBundle}"`));
    assert.ok(readFileSync(cursor, 'utf8').includes(`source=\${userHome}/.mcp-ssl-doctor/${basename(newBundle)},`), 'the docker mount names the new bundle');
    assert.equal((readFileSync(cursor, 'utf8').match(/--mount/g) ?? []).length, 1, 'the mount is renewed in place, not added');

    // Every server works through the new root, started as its host starts it (its env, its runtime).
    const desktopEnv = (JSON.parse(readFileSync(desktop, 'utf8')) as { mcpServers: Record<string, { env: Record<string, string> }> }).mcpServers['py-docs']?.env ?? {};
    assert.equal(await probe('python', desktopEnv), 'ok');
    const nodeEnv = (JSON.parse(readFileSync(cursor, 'utf8')) as { mcpServers: Record<string, { env: Record<string, string> }> }).mcpServers['node-api']?.env ?? {};
    assert.equal(await probe('node', { ...nodeEnv, NODE_EXTRA_CA_CERTS: (nodeEnv.NODE_EXTRA_CA_CERTS ?? '').replace('${userHome}', home) }), 'ok');

    assert.equal(readFileSync(vscode, 'utf8'), ownBefore.config, "the user's own variable: config untouched");
    assert.equal(readFileSync(ownFile, 'utf8'), ownBefore.file, "the user's own file untouched");

    const after = await doctor(home, ['--check', '--json']);
    assert.equal(after.code, 0, after.stdout);
    assert.ok(json(after).servers.every((server) => (server.state === 'ok' && server.reason === 'trusts-root') || server.state === 'remote-host-trust'), after.stdout);

    const before = snapshot(home);
    const third = await doctor(home, ['--fix', '--yes']);
    assert.equal(third.code, 0, third.stderr + third.stdout);
    assert.deepEqual(snapshot(home), before, 'a third run changes no byte');

    // Undo of the renewal gives back the previous bundle: the config names it again, and it is as it was.
    const undo = await runBuiltCli(['undo', '--config', desktop], net.cleanEnv({ HOME: home }), home);
    assert.equal(undo.code, 0, undo.stderr);
    assert.match(readFileSync(desktop, 'utf8'), new RegExp(`"SSL_CERT_FILE": "${oldBundle}"`));
    assert.ok(readFileSync(oldBundle, 'utf8').includes(oldRoot.pem.trim()));
  });

  it("a user's own file under the renewed proxy is reported, left alone (--replace takes it over)", async () => {
    const home = join(net.dir, 'home-own');
    const ownFile = join(home, 'corp.pem');
    write(ownFile, renewedFreeBundle());
    const desktop = join(home, '.config', 'Claude', 'claude_desktop_config.json');
    write(desktop, JSON.stringify({ mcpServers: { mine: { command: 'python3', args: ['s.py', net.origin.url], env: { HTTPS_PROXY: renewable.url, SSL_CERT_FILE: ownFile } } } }, null, 2));
    const before = snapshot(home);
    const check = await doctor(home, ['--check', '--json']);
    assert.equal(check.code, 1);
    assert.equal(json(check).servers[0]?.reason, 'root-not-trusted', 'not ours: no bundle-stale');
    const fixed = await doctor(home, ['--fix', '--yes', '--json']);
    assert.equal(fixed.code, 1, 'not fixed: the user decides');
    assert.match(json(fixed).skipped[0]?.reason ?? '', new RegExp(`already sets SSL_CERT_FILE=${ownFile}; left alone \\(pass --replace`));
    const after = snapshot(home);
    for (const [file, bytes] of before) assert.equal(after.get(file), bytes, `${file} untouched`);
  });
});

describe('renewal: public roots move on', () => {
  it('a bundle whose public roots are older is ok but stale (--check 1); --fix rewrites that same file, no config edit; --check 0', async () => {
    const home = join(net.dir, 'home-public');
    const desktop = join(home, '.config', 'Claude', 'claude_desktop_config.json');
    write(desktop, JSON.stringify({ mcpServers: { 'py-docs': { command: 'python3', args: ['server.py', net.origin.url], env: { HTTPS_PROXY: renewable.url } } } }, null, 2));
    const fixed = await doctor(home, ['--fix', '--yes', '--json']);
    assert.equal(fixed.code, 0, fixed.stdout);
    const bundle = json(fixed).changed[0]?.bundle ?? '';
    const config = readFileSync(desktop, 'utf8');
    // The public roots of the day (a new public root joins the runtime's set).
    const newer = join(net.dir, 'public-roots-newer.pem');
    writeFileSync(newer, net.publicRoot.pem + (await createCa('A Newer Public Root')).pem);
    const withNewer = (args: string[]) =>
      runBuiltCli(['doctor', '--public-ca', newer, '--no-logs', ...args], net.cleanEnv({ HOME: home, MCP_SSL_DOCTOR_SYSTEM_CA: systemStore, HTTPS_PROXY: renewable.url }), home);
    const check = await withNewer(['--check', '--json']);
    assert.equal(check.code, 1, check.stdout);
    const server = json(check).servers[0];
    assert.equal(server?.state, 'ok');
    assert.equal(server?.reason, 'bundle-stale');
    assert.equal(server?.bundle?.stale, 'public-roots');
    assert.match((await withNewer(['--check'])).stdout, /ok, but its bundle ~\/\.mcp-ssl-doctor\/ca-bundle-[0-9a-f]{12}\.pem \(written by mcp-ssl-doctor, SSL_CERT_FILE\) has public roots older than this runtime's/);
    const renewedRun = await withNewer(['--fix', '--yes', '--json']);
    assert.equal(renewedRun.code, 0, renewedRun.stdout + renewedRun.stderr);
    assert.deepEqual(json(renewedRun).changed.map((change) => [change.server, change.bundle, change.renewed, change.verified?.ok]), [['py-docs', bundle, bundle, true]]);
    assert.equal(readFileSync(desktop, 'utf8'), config, 'no config edit');
    assert.match(readFileSync(bundle, 'utf8'), /A Newer Public Root/);
    assert.equal((await withNewer(['--check'])).code, 0);
  });
});

describe('docs/fleet.md: a renewal seen from the MDM, with the documented scripts as written', () => {
  it('detection exits 1 the day the new root arrives, remediation fixes it (no --replace), detection 0, remediation again changes no byte', async () => {
    const blocks = [...readFileSync(join(REPO, 'docs', 'fleet.md'), 'utf8').matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
    const [detection, remediation] = blocks as [string, string];
    const root = join(net.dir, 'fleet-renewal');
    const bin = join(root, 'bin');
    write(join(bin, 'mcp-ssl-doctor'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(join(bin, 'mcp-ssl-doctor'), 0o755);
    const caFile = join(root, 'corp-root.pem');
    const first = await createCa('Fleet Inspection Root');
    write(caFile, first.pem);
    const proxy = await startInterceptor({ issuer: first, sendChain: [], upstreamCa: net.publicRoot.pem });
    try {
      const home = join(root, 'home');
      const env = { HTTPS_PROXY: proxy.url };
      write(join(home, '.config', 'Claude', 'claude_desktop_config.json'), JSON.stringify({ mcpServers: { 'py-docs': { command: 'python3', args: ['server.py', net.origin.url], env } } }, null, 2));
      write(join(home, '.claude.json'), JSON.stringify({ projects: { '/work/api': { mcpServers: { 'node-api': { command: 'npx', args: ['-y', 'api-mcp', net.origin.url], env } } } } }, null, 2));
      const run = (text: string) =>
        new Promise<{ code: number | null; out: string }>((resolve, reject) => {
          // IT keeps the root in the OS store (MCP_SSL_DOCTOR_SYSTEM_CA stands in for it) and in the file --ca names.
          const child = spawn('sh', ['-c', text.replaceAll('/Library/Company/corp-root.pem', caFile)], {
            cwd: home,
            env: { ...net.cleanEnv({ HOME: home, MCP_SSL_DOCTOR_SYSTEM_CA: caFile }), PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` },
          });
          let out = '';
          child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
          child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
          child.on('error', reject);
          child.on('close', (code) => resolve({ code, out }));
        });
      assert.equal((await run(remediation)).code, 0, 'the first rollout');
      assert.equal((await run(detection)).code, 0, 'compliant before the renewal');

      const renewedRoot = await createCa('Fleet Inspection Root');
      proxy.renew(renewedRoot, []);
      writeFileSync(caFile, renewedRoot.pem);
      const detected = await run(detection);
      assert.equal(detected.code, 1, `detection exits 1 the day the new root arrives\n${detected.out}`);
      assert.match(detected.out, /py-docs .*will fail: its bundle .* lacks the root its target presents now: CN=Fleet Inspection Root/);
      const remediated = await run(remediation);
      assert.equal(remediated.code, 0, remediated.out);
      assert.match(remediated.out, /renewed ~\/\.config\/Claude\/claude_desktop_config\.json py-docs: SSL_CERT_FILE, REQUESTS_CA_BUNDLE → .*\(was /);
      assert.match(remediated.out, /renewed ~\/\.claude\.json node-api: NODE_EXTRA_CA_CERTS → /);
      const after = await run(detection);
      assert.equal(after.code, 0, `compliant again\n${after.out}`);
      const before = snapshot(home);
      assert.equal((await run(remediation)).code, 0);
      assert.deepEqual(snapshot(home), before, 'remediation again changes no byte');
    } finally {
      await proxy.close();
    }
  });
});

/** A CA file of the user's own that holds only the public root (not the renewed interception root). */
function renewedFreeBundle(): string {
  return net.publicRoot.pem;
}
