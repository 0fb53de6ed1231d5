// `mcp-ssl-doctor doctor` as an IT script or a developer runs it: the built CLI over a fake home
// holding the configs of four MCP hosts, whose servers reach a real origin through two loopback
// interceptors and mitmproxy. Report → --check (1) → --fix --yes → --check (0) → --fix changes no byte.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startInterceptor, type Interceptor } from '../fixtures/interceptor';
import { createCa } from '../fixtures/pki';
import { startNetwork, type TestNetwork } from '../fixtures/network';
import { ensureBuiltCli, runBuiltCli } from '../support/builtCli';

let net: TestNetwork;
let second: Interceptor;
let systemStore: string;
let secondRootPem = '';

interface Json {
  configs: { hostApp: string; path: string }[];
  servers: { hostApp: string; server: string; transport: string; runtime: string; state: string; reason: string; target: { host: string; port: number } | null; root: { subject: string } | null; fix: { kind: string; detail: string } }[];
  changed: { config: string; server: string; env: Record<string, string>; bundle: string; kind?: string; verified: { by: string; ok: boolean; message: string } | null }[];
  skipped: { server: string; reason: string }[];
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** Every file under a folder with its bytes: what a run changed. */
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

/** A home with configs of Claude Desktop, Claude Code (user and local scope), Cursor and VS Code. */
function fakeHome(home: string): void {
  const origin = net.origin.url;
  const mitm = net.mitmproxy?.url ?? '';
  write(
    join(home, '.config', 'Claude', 'claude_desktop_config.json'),
    JSON.stringify({ mcpServers: { 'py-docs': { command: 'python3', args: ['server.py', origin], env: { HTTPS_PROXY: net.interceptor.url } } } }, null, 2),
  );
  write(
    join(home, '.claude.json'),
    `{\n  "numStartups": 12,\n  "projects": {\n    "/work/api": {\n      "allowedTools": [],\n      "mcpServers": {\n        "node-api": { "command": "npx", "args": ["-y", "api-mcp", "--base", "${origin}"], "env": { "HTTPS_PROXY": "${mitm}" } }\n      }\n    }\n  },\n  "mcpServers": {\n    "remote-docs": { "type": "http", "url": "${origin}mcp" }\n  }\n}\n`,
  );
  write(
    join(home, '.cursor', 'mcp.json'),
    JSON.stringify({ mcpServers: { dock: { command: 'docker', args: ['run', '-i', '--rm', '-e', 'HTTPS_PROXY', 'ghcr.io/example/fetch-mcp', origin], env: { HTTPS_PROXY: second.url } } } }, null, 2),
  );
  const trusted = join(home, 'corp-bundle.pem');
  write(trusted, net.corporateRoot.pem + net.publicRoot.pem);
  write(
    join(home, '.config', 'Code', 'User', 'mcp.json'),
    `{\n  // already fixed by hand\n  "servers": {\n    "ok-py": { "command": "uvx", "args": ["mcp-x", "${origin}"], "env": { "HTTPS_PROXY": "${net.interceptor.url}", "SSL_CERT_FILE": "${trusted}" } }\n  }\n}\n`,
  );
}

function doctor(home: string, args: string[]): ReturnType<typeof runBuiltCli> {
  // The remote server is reached by the host itself: through the second interceptor, the host's proxy.
  const env = net.cleanEnv({ HOME: home, MCP_SSL_DOCTOR_SYSTEM_CA: systemStore, HTTPS_PROXY: second.url });
  return runBuiltCli(['doctor', '--public-ca', net.publicRootFile, '--no-logs', ...args], env, home);
}

before(async () => {
  ensureBuiltCli();
  net = await startNetwork();
  assert.equal(net.mitmproxySkip, null, `mitmproxy is needed: ${net.mitmproxySkip ?? ''}`);
  const secondCa = await createCa('Second Inspection CA');
  secondRootPem = secondCa.pem;
  // Leaf only, as many appliances send.
  second = await startInterceptor({ issuer: secondCa, sendChain: [], upstreamCa: net.publicRoot.pem });
  systemStore = join(net.dir, 'os-store.pem');
  writeFileSync(systemStore, [net.corporateRoot.pem, secondCa.pem, readFileSync(net.mitmproxy?.caFile ?? '', 'utf8')].join(''));
});
after(async () => {
  await second?.close();
  await net?.close();
});

describe('doctor: the whole machine', () => {
  it('reports every server of four hosts, fixes what it can, and a second --fix changes no byte', async () => {
    const home = join(net.dir, 'home-a');
    fakeHome(home);

    const report = await doctor(home, ['--json']);
    assert.equal(report.code, 0, report.stderr);
    const json = JSON.parse(report.stdout) as Json;
    assert.deepEqual(json.configs.map((config) => config.hostApp).sort(), ['claude-code', 'claude-code', 'claude-desktop', 'cursor', 'vscode']);
    const state = Object.fromEntries(json.servers.map((server) => [server.server, server]));
    assert.equal(state['py-docs']?.state, 'will-fail');
    assert.match(state['py-docs']?.root?.subject ?? '', /^CN=Test Corporate Inspection Root/);
    assert.equal(state['node-api']?.state, 'will-fail');
    assert.match(state['node-api']?.root?.subject ?? '', /mitmproxy/);
    assert.equal(state.dock?.state, 'will-fail');
    assert.equal(state.dock?.runtime, 'docker');
    assert.match(state.dock?.root?.subject ?? '', /^CN=Second Inspection CA/);
    assert.equal(state['remote-docs']?.state, 'remote-host-trust');
    assert.equal(state['remote-docs']?.fix.kind, 'host-level');
    assert.match(state['remote-docs']?.fix.detail ?? '', /^set env\.NODE_EXTRA_CA_CERTS = .*ca-bundle-[0-9a-f]{12}\.pem in .*\.claude\/settings\.json/);
    assert.match(state['remote-docs']?.root?.subject ?? '', /^CN=Second Inspection CA/, "the host's own proxy");
    assert.equal(state['ok-py']?.state, 'ok');
    assert.equal(state['ok-py']?.reason, 'trusts-root');

    const human = await doctor(home, []);
    assert.match(human.stdout, /claude-desktop .*py-docs {2}python {2}localhost:\d+ {2}will fail: runtime does not trust CN=Test Corporate Inspection Root/);
    assert.match(human.stdout, /remote-docs {2}remote {2}localhost:\d+ {2}remote: trust belongs to claude-code/);

    const check = await doctor(home, ['--check']);
    assert.equal(check.code, 1, 'something would change');
    const untouched = snapshot(home);
    assert.deepEqual(snapshot(home), untouched);

    const noYes = await doctor(home, ['--fix']);
    assert.equal(noYes.code, 2, 'not a terminal: --fix needs --yes');
    assert.match(noYes.stderr, /--yes/);

    const fixed = await doctor(home, ['--fix', '--yes', '--json']);
    assert.equal(fixed.code, 0, fixed.stderr + fixed.stdout);
    const changes = (JSON.parse(fixed.stdout) as Json).changed;
    assert.deepEqual(changes.map((change) => change.server).sort(), ['dock', 'node-api', 'py-docs', 'remote-docs']);
    // The remote server's trust went into its host, Claude Code: env of ~/.claude/settings.json.
    const hostChange = changes.find((change) => change.server === 'remote-docs');
    const claudeSettings = join(home, '.claude', 'settings.json');
    assert.equal(hostChange?.kind, 'host-level');
    assert.equal(hostChange?.config, claudeSettings);
    assert.equal(hostChange?.verified?.ok, true);
    const hostEnv = (JSON.parse(readFileSync(claudeSettings, 'utf8')) as { env: Record<string, string> }).env;
    assert.equal(hostEnv.NODE_EXTRA_CA_CERTS, hostChange?.bundle);
    assert.equal(hostEnv.NODE_EXTRA_CA_CERTS, hostChange?.env.NODE_EXTRA_CA_CERTS);
    assert.ok(readFileSync(hostEnv.NODE_EXTRA_CA_CERTS ?? '', 'utf8').includes(secondRootPem.trim()), 'the bundle holds the root the host meets');
    const verified = Object.fromEntries(changes.map((change) => [change.server, change.verified]));
    assert.match(verified['py-docs']?.by ?? '', /^python \d/, 'proved by the server\'s own Python');
    assert.equal(verified['py-docs']?.ok, true);
    assert.match(verified['node-api']?.by ?? '', /^node v\d/);
    assert.equal(verified['node-api']?.ok, true);
    assert.equal(verified.dock, null, 'docker is checked in the image only with --verify-docker');
    const claude = readFileSync(join(home, '.claude.json'), 'utf8');
    assert.match(claude, /"numStartups": 12/, 'the rest of ~/.claude.json is kept');
    assert.match(claude, /"node-api": \{[^}]*"NODE_EXTRA_CA_CERTS": "[^"]+\.pem"/);
    assert.doesNotMatch(claude.slice(claude.indexOf('"remote-docs"')), /NODE_EXTRA_CA_CERTS/, 'no env for a remote server');
    assert.match(readFileSync(join(home, '.cursor', 'mcp.json'), 'utf8'), /"--mount",\s*"type=bind,source=[^"]+,target=\/etc\/ssl\/certs\/mcp-ssl-doctor\.pem,readonly"/);

    const after = await doctor(home, ['--check', '--json']);
    assert.equal(after.code, 0, after.stdout);
    const afterState = Object.fromEntries((JSON.parse(after.stdout) as Json).servers.map((server) => [server.server, server.state]));
    assert.deepEqual(afterState, { 'py-docs': 'ok', 'node-api': 'ok', 'remote-docs': 'remote-host-trust', dock: 'ok', 'ok-py': 'ok' });

    const before = snapshot(home);
    const again = await doctor(home, ['--fix', '--yes']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(snapshot(home), before, 'a second --fix changes no byte');
  });

  it('admin mode: root fixing another user\'s home keeps owner and mode of every file it writes', { skip: process.getuid?.() !== 0 && 'needs root (CI runs as root)' }, async () => {
    const home = join(net.dir, 'home-b');
    fakeHome(home);
    const user = 65534;
    const chownAll = (dir: string): void => {
      chownSync(dir, user, user);
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) chownAll(full);
        else chownSync(full, user, user);
      }
    };
    chownAll(home);
    const desktop = join(home, '.config', 'Claude', 'claude_desktop_config.json');
    const { chmodSync } = await import('node:fs');
    chmodSync(desktop, 0o640);
    const fixed = await doctor(net.home, ['--home', home, '--fix', '--yes', '--json']);
    assert.equal(fixed.code, 0, fixed.stderr + fixed.stdout);
    assert.deepEqual((JSON.parse(fixed.stdout) as Json).changed.map((change) => change.server).sort(), ['dock', 'node-api', 'py-docs', 'remote-docs'], fixed.stdout);
    assert.equal(statSync(desktop).uid, user);
    assert.equal(statSync(desktop).mode & 0o777, 0o640);
    const written = snapshot(home);
    for (const file of written.keys()) assert.equal(statSync(file).uid, user, `${file} belongs to the home's owner`);
    assert.ok([...written.keys()].some((file) => file.includes('.mcp-ssl-doctor')), 'the bundle is in that home');
  });
});

describe('docs/fleet.md: the documented scripts, as written, against fake homes', () => {
  /** The fenced `sh` blocks of docs/fleet.md, in order. */
  const blocks = (): string[] => [...readFileSync(join(__dirname, '..', '..', 'docs', 'fleet.md'), 'utf8').matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');

  /** A home whose servers all reach the origin through the corporate interceptor: IT's CA is the right one. */
  function corporateHome(home: string): void {
    const proxy = { HTTPS_PROXY: net.interceptor.url };
    const origin = net.origin.url;
    write(join(home, 'Library', '.keep'), '');
    write(join(home, '.config', 'Claude', 'claude_desktop_config.json'), JSON.stringify({ mcpServers: { 'py-docs': { command: 'python3', args: ['server.py', origin], env: proxy } } }, null, 2));
    write(join(home, '.claude.json'), JSON.stringify({ projects: { '/work/api': { mcpServers: { 'node-api': { command: 'npx', args: ['-y', 'api-mcp', origin], env: proxy } } } } }, null, 2));
    write(join(home, '.cursor', 'mcp.json'), JSON.stringify({ mcpServers: { dock: { command: 'docker', args: ['run', '-i', '--rm', 'ghcr.io/example/fetch-mcp', origin], env: proxy } } }, null, 2));
    write(join(home, '.config', 'Code', 'User', 'mcp.json'), JSON.stringify({ servers: { 'uv-docs': { command: 'uvx', args: ['mcp-x', origin], env: proxy } } }, null, 2));
  }

  it('Intune detection → remediation → detection, the Jamf loop over homes, and the CI line', async () => {
    const root = join(net.dir, 'fleet');
    const bin = join(root, 'bin');
    write(join(bin, 'mcp-ssl-doctor'), `#!/bin/sh\nexec "${process.execPath}" "${join(__dirname, '..', '..', 'dist', 'cli.js')}" "$@"\n`);
    chmodSync(join(bin, 'mcp-ssl-doctor'), 0o755);
    const caFile = join(root, 'corp-root.pem');
    write(caFile, net.corporateRoot.pem);
    const script = (text: string): string => text.replaceAll('/Library/Company/corp-root.pem', caFile).replaceAll('/Users/*', `${join(root, 'Users')}/*`);
    const run = (text: string, home: string, cwd = home) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        // IT installed the CA in the OS store (MCP_SSL_DOCTOR_SYSTEM_CA stands in for it).
        const env = { ...net.cleanEnv({ HOME: home, MCP_SSL_DOCTOR_SYSTEM_CA: caFile, CORP_CA_FILE: caFile }), PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` };
        const child = spawn('sh', ['-c', script(text)], { cwd, env });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    const [detection, remediation, jamf, ci] = blocks() as [string, string, string, string];
    assert.match(detection, /doctor --check --ca/);

    const intune = join(root, 'intune-home');
    corporateHome(intune);
    const before = await run(detection, intune);
    assert.equal(before.code, 1, `detection: remediation needed\n${before.stdout}${before.stderr}`);
    const fixed = await run(remediation, intune);
    assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
    assert.match(fixed.stdout, /changed .*py-docs/);
    const afterFix = await run(detection, intune);
    assert.equal(afterFix.code, 0, `detection after remediation: compliant\n${afterFix.stdout}${afterFix.stderr}`);

    for (const user of ['alice', 'bob']) corporateHome(join(root, 'Users', user));
    const loop = await run(jamf, root, root);
    assert.equal(loop.code, 0, loop.stdout + loop.stderr);
    for (const user of ['alice', 'bob']) {
      const desktop = readFileSync(join(root, 'Users', user, '.config', 'Claude', 'claude_desktop_config.json'), 'utf8');
      assert.match(desktop, new RegExp(`"SSL_CERT_FILE": "${join(root, 'Users', user, '.mcp-ssl-doctor')}/ca-bundle-[0-9a-f]+\\.pem"`), `${user}'s bundle is in ${user}'s home`);
    }

    const workspace = join(root, 'repo');
    write(join(workspace, '.vscode', 'mcp.json'), JSON.stringify({ servers: { docs: { command: 'uvx', args: ['mcp-x', net.origin.url], env: { HTTPS_PROXY: net.interceptor.url } } } }, null, 2));
    mkdirSync(join(root, 'ci-home'));
    const ciRun = await run(ci, join(root, 'ci-home'), workspace);
    assert.equal(ciRun.code, 1, `the job fails while a config would still fail\n${ciRun.stderr}`);
    const report = JSON.parse(readFileSync(join(workspace, 'mcp-doctor.json'), 'utf8')) as Json;
    assert.equal(report.servers.find((server) => server.server === 'docs')?.state, 'will-fail');
  });
});
