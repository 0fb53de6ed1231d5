// A CLI smoke test for any OS (the cross-OS workflow runs it on Windows and macOS): the built CLI
// (`dist/cli.js`, `node esbuild.config.mjs` first) against a local TLS-intercepting proxy —
// `chain` sees the interception root, `fix --config` writes the CA bundle into a Claude Desktop config
// with Windows-style content, a second `fix` changes no byte, `undo` restores every byte, and `scan`
// finds a real failure text. Exits 1 on the first failed check. Run: node --import tsx test/smoke/cli-interceptor.ts
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startInterceptor } from '../fixtures/interceptor';
import { startOrigin } from '../fixtures/origin';
import { createCa, createLeaf } from '../fixtures/pki';

const REPO = path.resolve(__dirname, '..', '..');
const CLI = path.join(REPO, 'dist', 'cli.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** This process's environment without anything that would change what the CLI trusts or where it connects. */
function cleanEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(?:https?_proxy|all_proxy|no_proxy|node_extra_ca_certs|ssl_cert_file|ssl_cert_dir|requests_ca_bundle|node_options)$/i.test(name)) continue;
    env[name] = value;
  }
  return { ...env, HOME: home, USERPROFILE: home };
}

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env, cwd: REPO, timeout: 120_000, windowsHide: true }, (error, stdout, stderr) => {
      const code = error && typeof (error as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? ((error as unknown as { code: number }).code) : error ? 1 : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function json<T>(run: Run, what: string): T {
  assert.equal(run.code, 0, `${what} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mcp-smoke-'));
  const publicRoot = await createCa('Smoke Public Root');
  const corporate = await createCa('Smoke Corporate Inspection Root');
  const origin = await startOrigin(await createLeaf(['localhost', '127.0.0.1'], publicRoot));
  const proxy = await startInterceptor({ issuer: corporate, sendChain: [corporate], upstreamCa: publicRoot.pem });
  try {
    const home = path.join(dir, 'home');
    const env = cleanEnv(home);
    const systemCa = path.join(dir, 'system.pem');
    const publicCa = path.join(dir, 'public.pem');
    writeFileSync(systemCa, corporate.pem + publicRoot.pem);
    writeFileSync(publicCa, publicRoot.pem);
    const target = `127.0.0.1:${origin.port}`;

    const chain = json<{ verdict: string; trust: { public: boolean; system: boolean }; root?: { subject: string } }>(
      await cli(['chain', target, '--proxy', proxy.url, '--system-ca', systemCa, '--public-ca', publicCa, '--json'], env),
      'chain',
    );
    assert.equal(chain.verdict, 'intercepted');
    assert.deepEqual(chain.trust, { public: false, system: true });
    console.log(`chain: ${chain.verdict}, root ${chain.root?.subject ?? '?'}`);

    const config = path.join(dir, 'claude_desktop_config.json');
    const original =
      '{\n  "mcpServers": {\n    "docs": {\n      "command": "node",\n      "args": ["C:\\\\Users\\\\me\\\\mcp\\\\docs-server.js", "--root", "C:\\\\src\\\\app"],\n' +
      '      "env": { "DOCS_LANG": "en" }\n    }\n  },\n  "globalShortcut": ""\n}\n';
    writeFileSync(config, original);
    const fixArgs = ['fix', '--config', config, '--host', target, '--proxy', proxy.url, '--system-ca', systemCa, '--public-ca', publicCa, '--bundle-dir', path.join(dir, 'bundles'), '--json'];
    const fixed = json<{ changed: { server: string; env: Record<string, string> }[]; bundle: string }>(await cli(fixArgs, env), 'fix');
    assert.equal(fixed.changed.length, 1, JSON.stringify(fixed));
    assert.equal(fixed.changed[0]?.env.NODE_EXTRA_CA_CERTS, fixed.bundle);
    const after = readFileSync(config, 'utf8');
    assert.ok(after.includes('"C:\\\\Users\\\\me\\\\mcp\\\\docs-server.js"'), 'backslash paths kept');
    console.log(`fix: NODE_EXTRA_CA_CERTS=${fixed.bundle}`);

    const again = json<{ changed: unknown[] }>(await cli(fixArgs, env), 'fix again');
    assert.equal(again.changed.length, 0);
    assert.equal(readFileSync(config, 'utf8'), after, 'a second fix changes no byte');

    const undone = json<{ identical?: boolean }>(await cli(['undo', '--config', config, '--json'], env), 'undo');
    assert.equal(undone.identical, true);
    assert.equal(readFileSync(config, 'utf8'), original, 'undo restores every byte');
    console.log('undo: identical');

    const log = path.join(REPO, 'test', 'fixtures', 'realworld', '143-codex-rustls-unknown-issuer.log');
    const findings = json<{ kind: string }[]>(await cli(['scan', log, '--json'], env), 'scan');
    assert.deepEqual(findings.map((finding) => finding.kind), ['untrusted-ca']);
    console.log('scan: untrusted-ca');
  } finally {
    await proxy.close();
    await origin.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => console.log('smoke: ok'),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
