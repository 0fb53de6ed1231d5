// `doctor` over a home that holds configs of the hosts of 2026 (Codex TOML, Goose YAML, Gemini, Zed,
// opencode, Copilot CLI), whose servers reach an origin through a local intercepting proxy: every
// server is listed and judged, `--fix --yes` writes the CA where each host passes env, a second run
// changes no byte, and `undo` gives each file back byte for byte.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cleanup, runCli, tempDir } from '../fixtures/configs/harness';
import { startInterceptor, type Interceptor } from '../fixtures/interceptor';
import { createCa, createLeaf } from '../fixtures/pki';
import { startOrigin, type Origin } from '../fixtures/origin';

let dir: string;
let origin: Origin;
let proxy: Interceptor;
let publicFile: string;
let systemFile: string;

before(async () => {
  dir = tempDir('mcp-hosts2026-doctor-');
  const publicRoot = await createCa('Hosts2026 Public Root');
  const corporate = await createCa('Hosts2026 Corporate Root');
  origin = await startOrigin(await createLeaf(['localhost', '127.0.0.1'], publicRoot));
  proxy = await startInterceptor({ issuer: corporate, sendChain: [corporate], upstreamCa: publicRoot.pem });
  publicFile = path.join(dir, 'public.pem');
  systemFile = path.join(dir, 'system.pem');
  writeFileSync(publicFile, publicRoot.pem);
  // The OS store (IT's) holds the corporate root.
  writeFileSync(systemFile, corporate.pem + publicRoot.pem);
});
after(async () => {
  await proxy?.close();
  await origin?.close();
  await cleanup(dir);
});

function write(file: string, text: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

function snapshot(folder: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(full, readFileSync(full, 'latin1'));
    }
  };
  walk(folder);
  return files;
}

interface Json {
  configs: { hostApp: string; path: string }[];
  servers: { hostApp: string; server: string; transport: string; runtime: string; state: string }[];
  changed: { config: string; server: string; env: Record<string, string> }[];
}

describe('doctor over the hosts of 2026', () => {
  it('lists, fixes where each host passes env, changes nothing the second time, undo restores every byte', async () => {
    const home = path.join(dir, 'home');
    const ws = path.join(dir, 'ws');
    const url = `https://localhost:${origin.port}/`;
    const files = [
      write(path.join(home, '.codex', 'config.toml'), `# my codex config\nmodel = "o3"\n\n[mcp_servers.docs]\ncommand = "uvx"\nargs = ["mcp-docs", "${url}"] # the docs server\nenv = { HTTPS_PROXY = "${proxy.url}" }\n`),
      write(path.join(home, '.config', 'goose', 'config.yaml'), `extensions:\n  fetch:\n    args:\n    - mcp-server-fetch\n    - ${url}\n    cmd: uvx\n    enabled: true\n    envs:\n      HTTPS_PROXY: ${proxy.url}\n    type: stdio\n  developer:\n    bundled: true\n    type: builtin\n`),
      write(path.join(ws, '.gemini', 'settings.json'), `{\n  "theme": "GitHub",\n  "mcpServers": {\n    "api": { "command": "npx", "args": ["-y", "api-mcp", "${url}"], "env": { "HTTPS_PROXY": "${proxy.url}" } }\n  }\n}`),
      write(path.join(home, '.config', 'zed', 'settings.json'), `// Zed settings\n{\n  "vim_mode": true,\n  "context_servers": {\n    "old": { "command": { "path": "npx", "args": ["-y", "old-mcp", "${url}"], "env": { "HTTPS_PROXY": "${proxy.url}" } }, "settings": {} },\n  },\n}\n`),
      write(path.join(ws, 'opencode.jsonc'), `{\n  "$schema": "https://opencode.ai/config.json",\n  "mcp": {\n    "pw": { "type": "local", "command": ["npx", "-y", "pw-mcp", "${url}"], "environment": { "HTTPS_PROXY": "${proxy.url}" } }\n  }\n}\n`),
      write(path.join(home, '.copilot', 'mcp-config.json'), `{"mcpServers":{"cp":{"type":"local","command":"uvx","args":["cp-mcp","${url}"],"env":{"HTTPS_PROXY":"${proxy.url}"},"tools":["*"]}}}`),
    ];
    const originals = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));
    const env = { HOME: home, MCP_SSL_DOCTOR_SYSTEM_CA: systemFile };
    const args = ['doctor', '--workspace', ws, '--public-ca', publicFile, '--no-logs', '--no-runtime-check', '--bundle-dir', path.join(dir, 'bundles'), '--timeout', '5000'];

    const report = await runCli([...args, '--json'], { env, cwd: ws });
    assert.equal(report.code, 0, report.stderr);
    const json = JSON.parse(report.stdout) as Json;
    assert.deepEqual(json.configs.map((c) => c.hostApp).sort(), ['codex', 'copilot-cli', 'gemini-cli', 'goose', 'opencode', 'zed']);
    const rows = json.servers.map((s) => `${s.hostApp}:${s.server}:${s.transport}:${s.runtime}:${s.state}`).sort();
    assert.deepEqual(rows, [
      'codex:docs:stdio:python:will-fail',
      'copilot-cli:cp:stdio:python:will-fail',
      'gemini-cli:api:stdio:node:will-fail',
      'goose:developer:invalid:unknown:' + (json.servers.find((s) => s.server === 'developer')?.state ?? ''),
      'goose:fetch:stdio:python:will-fail',
      'opencode:pw:stdio:node:will-fail',
      'zed:old:stdio:node:will-fail',
    ]);

    const fixed = await runCli([...args, '--fix', '--yes', '--json'], { env, cwd: ws });
    assert.equal(fixed.code, 0, fixed.stderr + fixed.stdout);
    assert.deepEqual((JSON.parse(fixed.stdout) as Json).changed.map((c) => c.server).sort(), ['api', 'cp', 'docs', 'fetch', 'old', 'pw']);
    const [codex, goose, gemini, zed, opencode, copilot] = files.map((file) => readFileSync(file, 'utf8'));
    assert.match(codex ?? '', /env = \{ HTTPS_PROXY = "[^"]+", SSL_CERT_FILE = "[^"]+\.pem", REQUESTS_CA_BUNDLE = "[^"]+\.pem" \}\n$/);
    assert.match(codex ?? '', /^# my codex config\nmodel = "o3"\n/);
    assert.match(goose ?? '', /envs:\n {6}HTTPS_PROXY: \S+\n {6}SSL_CERT_FILE: "[^"]+\.pem"\n {6}REQUESTS_CA_BUNDLE: "[^"]+\.pem"\n {4}type: stdio/);
    assert.match(gemini ?? '', /"env": \{ "HTTPS_PROXY": "[^"]+", "NODE_EXTRA_CA_CERTS": "[^"]+\.pem" \}/);
    assert.match(zed ?? '', /"command": \{ "path": "npx", "args": \[[^\]]+\], "env": \{ "HTTPS_PROXY": "[^"]+", "NODE_EXTRA_CA_CERTS": "[^"]+\.pem" \} \}/);
    assert.match(opencode ?? '', /"environment": \{ "HTTPS_PROXY": "[^"]+", "NODE_EXTRA_CA_CERTS": "[^"]+\.pem" \}/);
    assert.match(copilot ?? '', /"env":\{"HTTPS_PROXY":"[^"]+", "SSL_CERT_FILE": "[^"]+\.pem", "REQUESTS_CA_BUNDLE": "[^"]+\.pem"\}/);

    const check = await runCli([...args, '--check', '--json'], { env, cwd: ws });
    assert.equal(check.code, 0, check.stdout);
    assert.ok((JSON.parse(check.stdout) as Json).servers.filter((s) => s.transport === 'stdio').every((s) => s.state === 'ok'));
    const settled = snapshot(dir);
    const again = await runCli([...args, '--fix', '--yes', '--json'], { env, cwd: ws });
    assert.equal(again.code, 0);
    assert.deepEqual((JSON.parse(again.stdout) as Json).changed, []);
    assert.deepEqual(snapshot(dir), settled, 'a second --fix changes no byte');

    for (const file of files) {
      const undone = await runCli(['undo', '--config', file], { env, cwd: ws });
      assert.equal(undone.code, 0, undone.stderr);
      assert.equal(readFileSync(file, 'utf8'), originals.get(file), `${file} is byte for byte what it was`);
    }
  });

  it('an inherited NODE_EXTRA_CA_CERTS holding the root: ok under VS Code (inherits), not under Gemini CLI (redacts CERT names)', async () => {
    const home = path.join(dir, 'home-redaction');
    const ws = path.join(dir, 'ws-redaction');
    mkdirSync(home, { recursive: true });
    const url = `https://localhost:${origin.port}/`;
    const server = `{ "command": "npx", "args": ["-y", "api-mcp", "${url}"], "env": { "HTTPS_PROXY": "${proxy.url}" } }`;
    write(path.join(ws, '.vscode', 'mcp.json'), `{ "servers": { "api": ${server} } }`);
    write(path.join(ws, '.gemini', 'settings.json'), `{ "mcpServers": { "api": ${server} } }`);
    const env = { HOME: home, MCP_SSL_DOCTOR_SYSTEM_CA: systemFile, NODE_EXTRA_CA_CERTS: systemFile };
    const report = await runCli(['doctor', '--workspace', ws, '--public-ca', publicFile, '--no-logs', '--no-runtime-check', '--timeout', '5000', '--json'], { env, cwd: ws });
    assert.equal(report.code, 0, report.stderr);
    const states = Object.fromEntries((JSON.parse(report.stdout) as Json).servers.map((s) => [s.hostApp, s.state]));
    assert.deepEqual(states, { vscode: 'ok', 'gemini-cli': 'will-fail' });
  });
});
