import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readCertificates } from '../../src/core/fix/bundle';
import { cleanup, runCli, tempDir } from '../fixtures/configs/harness';
import { startInterceptor, Interceptor } from '../fixtures/interceptor';
import { startOrigin, Origin } from '../fixtures/origin';
import { createCa, createLeaf, TestCert } from '../fixtures/pki';

// Claude Code's ~/.claude/settings.json as people keep it: comments are not allowed there, but
// CRLF, an env with a token and other keys are.
const CLAUDE_SETTINGS = '{\r\n  "model": "opus",\r\n  "env": {\r\n    "GITHUB_TOKEN": "ghp_x"\r\n  },\r\n  "permissions": { "allow": ["Bash(ls:*)"] }\r\n}\r\n';

describe('fix --host-level (a remote MCP server behind a loopback intercepting proxy)', () => {
  let dir: string;
  let publicRoot: TestCert;
  let corporate: TestCert;
  let origin: Origin;
  let proxy: Interceptor;
  let publicFile: string;
  let systemFile: string;
  let caFile: string;
  let n = 0;

  before(async () => {
    dir = tempDir('mcp-host-level-');
    publicRoot = await createCa('Host Level Public Root');
    corporate = await createCa('Host Level Corporate Root');
    origin = await startOrigin(await createLeaf(['localhost', '127.0.0.1'], publicRoot));
    proxy = await startInterceptor({ issuer: corporate, sendChain: [corporate], upstreamCa: publicRoot.pem });
    publicFile = path.join(dir, 'public.pem');
    systemFile = path.join(dir, 'system.pem');
    caFile = path.join(dir, 'corp.pem');
    writeFileSync(publicFile, publicRoot.pem);
    // IT put the corporate root into the OS store.
    writeFileSync(systemFile, corporate.pem + publicRoot.pem);
    writeFileSync(caFile, corporate.pem);
  });
  after(async () => {
    await proxy.close();
    await origin.close();
    await cleanup(dir);
  });

  /** A fresh home with Claude Code's settings file. */
  function home(content: string | null = CLAUDE_SETTINGS): { env: NodeJS.ProcessEnv; home: string; settings: string } {
    n += 1;
    const h = path.join(dir, `home${n}`);
    mkdirSync(path.join(h, '.claude'), { recursive: true });
    const settings = path.join(h, '.claude', 'settings.json');
    if (content !== null) writeFileSync(settings, content);
    return { env: { HOME: h }, home: h, settings };
  }
  const probe = (): string[] => ['--host', `localhost:${origin.port}`, '--proxy', proxy.url, '--public-ca', publicFile, '--system-ca', systemFile, '--timeout', '5000'];

  it('claude-code --host: finds the root, verifies, sets env.NODE_EXTRA_CA_CERTS byte-exactly; a second run changes no byte; undo restores every byte', async () => {
    const h = home();
    const result = await runCli(['fix', '--host-level', 'claude-code', ...probe(), '--json'], { env: h.env, cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as {
      root: { subject: string; sha256: string };
      rootInOsStore: boolean;
      bundle: { path: string; written: boolean };
      verified: { port: number } | null;
      steps: { kind: string; outcome: string; file?: string; value?: string }[];
      files: { file: string; changed: boolean }[];
    };
    assert.equal(json.root.subject, corporate.subject);
    assert.equal(json.rootInOsStore, true);
    assert.equal(json.verified?.port, origin.port);
    assert.equal(json.bundle.path, path.join(h.home, '.mcp-ssl-doctor', path.basename(json.bundle.path)));
    assert.equal(json.bundle.written, true);
    const bundled = readCertificates(readFileSync(json.bundle.path, 'utf8'), 'bundle').map((cert) => cert.sha256);
    assert.ok(bundled.includes(json.root.sha256), 'the bundle holds the root');
    assert.deepEqual(json.steps.map((s) => [s.kind, s.outcome]), [['claude-code-env', 'changed'], ['explain', 'shown']]);
    const after1 = readFileSync(h.settings, 'utf8');
    // Only an insertion: every original byte is still there, in CRLF like the file.
    assert.equal(after1, CLAUDE_SETTINGS.replace('"GITHUB_TOKEN": "ghp_x"\r\n', `"GITHUB_TOKEN": "ghp_x",\r\n    "NODE_EXTRA_CA_CERTS": ${JSON.stringify(json.bundle.path)}\r\n`));

    const again = await runCli(['fix', '--host-level', 'claude-code', ...probe(), '--json'], { env: h.env, cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(readFileSync(h.settings, 'utf8'), after1, 'a second run changes no byte');
    const againJson = JSON.parse(again.stdout) as { bundle: { written: boolean }; steps: { outcome: string }[] };
    assert.equal(againJson.bundle.written, false);
    assert.equal(againJson.steps[0]?.outcome, 'unchanged');

    const undo = await runCli(['undo', '--config', h.settings, '--json'], { env: h.env, cwd: dir });
    assert.equal(undo.code, 0, undo.stderr);
    const undone = JSON.parse(undo.stdout) as { identical: boolean; removed: string[] };
    assert.deepEqual(undone.removed, ['env.NODE_EXTRA_CA_CERTS']);
    assert.equal(undone.identical, true);
    assert.equal(readFileSync(h.settings, 'utf8'), CLAUDE_SETTINGS);
  });

  it('no settings file yet: created; undo removes it again; human output names the step, restart and undo', async () => {
    const h = home(null);
    const result = await runCli(['fix', '--host-level', 'claude-code', '--ca', caFile, '--system-ca', systemFile, '--public-ca', publicFile], { env: h.env, cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Root: .*Host Level Corporate Root.*sha256 [0-9a-f]{64}/);
    assert.match(result.stdout, /\[done\] set env\.NODE_EXTRA_CA_CERTS = .*ca-bundle-[0-9a-f]{12}\.pem in .*settings\.json/);
    assert.match(result.stdout, /Restart Claude Code/);
    assert.match(result.stdout, /mcp-ssl-doctor undo --config .*\.claude\/settings\.json/);
    const written = JSON.parse(readFileSync(h.settings, 'utf8')) as { env: Record<string, string> };
    assert.match(written.env.NODE_EXTRA_CA_CERTS ?? '', /ca-bundle-/);
    const undo = await runCli(['undo', '--config', h.settings], { env: h.env, cwd: dir });
    assert.equal(undo.code, 0, undo.stderr);
    assert.match(undo.stdout, /took back env/);
    assert.equal(existsSync(h.settings), false);
  });

  it('vscode --settings: the root in the OS store → http.systemCertificates(+Node) set in that file, nothing else', async () => {
    const h = home();
    const settings = path.join(h.home, 'user-settings.json');
    const original = '{\n  // mine\n  "editor.fontSize": 14\n}\n';
    writeFileSync(settings, original);
    const result = await runCli(['fix', '--host-level', 'vscode', ...probe(), '--settings', settings, '--json'], { env: h.env, cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as { steps: { kind: string; key?: string; outcome: string }[] };
    assert.deepEqual(json.steps.map((s) => [s.kind, s.key, s.outcome]), [['editor-setting', 'http.systemCertificates', 'changed']]);
    assert.match(readFileSync(settings, 'utf8'), /\/\/ mine\n {2}"editor\.fontSize": 14,\n {2}"http\.systemCertificates": true\n\}\n$/);
    assert.equal(readFileSync(h.settings, 'utf8'), CLAUDE_SETTINGS, "Claude Code's settings untouched");
    const undo = await runCli(['undo', '--config', settings], { env: h.env, cwd: dir });
    assert.equal(undo.code, 0, undo.stderr);
    assert.equal(readFileSync(settings, 'utf8'), original);
  });

  it('vscode on Linux, root not in the OS store: the admin command is printed to copy, the store is never run', async () => {
    if (process.platform !== 'linux') return;
    const h = home();
    const settings = path.join(h.home, 'user-settings.json');
    const result = await runCli(['fix', '--host-level', 'vscode', '--ca', caFile, '--trust-unknown-ca', '--system-ca', publicFile, '--public-ca', publicFile, '--settings', settings, '--yes-os-store'], { env: h.env, cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\[for you\] an administrator adds the root/);
    assert.match(result.stdout, /Copy for an administrator:\n {6}sudo install -m 0644 .*root-[0-9a-f]{16}\.crt \/usr\/local\/share\/ca-certificates\/.* && sudo update-ca-certificates/);
    assert.match(result.stdout, /\(fedora\) sudo install/);
    assert.match(result.stdout, /SSL_CERT_FILE=/);
  });

  it('--dry-run writes nothing (no bundle, no settings)', async () => {
    const h = home();
    const result = await runCli(['fix', '--host-level', 'claude-code', ...probe(), '--dry-run'], { env: h.env, cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Dry run: nothing was written/);
    assert.match(result.stdout, /\[would\] set env\.NODE_EXTRA_CA_CERTS/);
    assert.equal(readFileSync(h.settings, 'utf8'), CLAUDE_SETTINGS);
    assert.equal(existsSync(path.join(h.home, '.mcp-ssl-doctor')), false);
  });

  it('exit codes: bad host app and missing source 2; a root no store knows refused (2); nothing intercepts refused (2); probe failure 3', async () => {
    const h = home();
    assert.equal((await runCli(['fix', '--host-level', 'notepad', '--ca', caFile], { env: h.env })).code, 2);
    assert.equal((await runCli(['fix', '--host-level', 'claude-code'], { env: h.env })).code, 2);
    assert.equal((await runCli(['fix', '--host-level', 'claude-code', '--ca', caFile, '--host', 'localhost:1'], { env: h.env })).code, 2);
    const unknown = await runCli(['fix', '--host-level', 'claude-code', '--host', `localhost:${origin.port}`, '--proxy', proxy.url, '--public-ca', publicFile, '--system-ca', publicFile], { env: h.env });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /may be an attack/);
    const plain = await runCli(['fix', '--host-level', 'claude-code', '--host', `localhost:${origin.port}`, '--public-ca', publicFile, '--system-ca', systemFile], { env: h.env });
    assert.equal(plain.code, 2);
    assert.match(plain.stderr, /already verifies to a public root/);
    const down = await runCli(['fix', '--host-level', 'claude-code', '--host', '127.0.0.1:1', '--public-ca', publicFile, '--timeout', '2000'], { env: h.env });
    assert.equal(down.code, 3, down.stderr);
    assert.equal(readFileSync(h.settings, 'utf8'), CLAUDE_SETTINGS);
  });

  it('claude-desktop: explanation only, nothing written', async () => {
    const h = home();
    const result = await runCli(['fix', '--host-level', 'claude-desktop', '--ca', caFile, '--system-ca', systemFile, '--public-ca', publicFile], { env: h.env, cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /vendor cloud/);
    assert.equal(readFileSync(h.settings, 'utf8'), CLAUDE_SETTINGS);
  });
});
