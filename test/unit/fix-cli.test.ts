import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../src/core/config/config';
import { cleanup, fixture, runCli, tempDir, testCas } from '../fixtures/configs/harness';
import { startInterceptor, Interceptor } from '../fixtures/interceptor';
import { createLeaf, createCa, TestCert } from '../fixtures/pki';
import { startOrigin, Origin } from '../fixtures/origin';

let dir: string;
let env: NodeJS.ProcessEnv;
let caFile: string;
let publicFile: string;

before(async () => {
  dir = tempDir('mcp-fix-cli-');
  mkdirSync(path.join(dir, 'home'));
  // A clean environment: no proxy or CA variable of this machine leaks into the commands.
  env = { HOME: path.join(dir, 'home') };
  const cas = await testCas();
  caFile = path.join(dir, 'corp.pem');
  publicFile = path.join(dir, 'public.pem');
  writeFileSync(caFile, cas.corporate.pem);
  writeFileSync(publicFile, cas.publicRoot.pem);
});
after(() => cleanup(dir));

let n = 0;
function config(content: string): string {
  n += 1;
  const file = path.join(dir, `c${n}.json`);
  writeFileSync(file, content);
  return file;
}

// The OS store (IT's) holds the corporate CA: `--ca` trusts only a CA some store knows.
const common = (): string[] => ['--bundle-dir', path.join(dir, 'bundles'), '--public-ca', publicFile, '--system-ca', caFile];

describe('fix CLI', () => {
  it('fix --ca --json, then undo restores the file byte for byte', async () => {
    const file = config(fixture('vscode-mcp.json'));
    const result = await runCli(['fix', '--config', file, '--ca', caFile, '--json', ...common()], { env, cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as { config: string; bundle: string; changed: { server: string; env: Record<string, string> }[]; skipped: { server: string; reason: string }[] };
    assert.equal(json.config, file);
    assert.equal(json.bundle.startsWith(path.join(dir, 'bundles')), true);
    assert.deepEqual(json.changed.map((c) => c.server), ['docs', 'github']);
    // The bundle dir is outside home: the path in the file is absolute.
    assert.equal(json.changed[0]?.env.SSL_CERT_FILE, json.bundle);
    assert.deepEqual(json.skipped.map((s) => s.server), ['remote']);
    // As the contract says: undo takes the config alone, whatever --bundle-dir the fix used.
    const undo = await runCli(['undo', '--config', file, '--json'], { env, cwd: dir });
    assert.equal(undo.code, 0, undo.stderr);
    assert.equal(JSON.parse(undo.stdout).identical, true);
    assert.equal(readFileSync(file, 'utf8'), fixture('vscode-mcp.json'));
  });

  it('human output says what was written where and to restart; --server limits the change', async () => {
    const file = config(fixture('vscode-mcp.json'));
    const result = await runCli(['fix', '--config', path.basename(file), '--server', 'github', '--ca', 'corp.pem', ...common()], { env, cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Bundle: .*ca-bundle-[0-9a-f]{12}\.pem/);
    assert.match(result.stdout, /github \(node\): sets NODE_EXTRA_CA_CERTS = /);
    assert.match(result.stdout, /Restart the changed servers/);
    assert.doesNotMatch(result.stdout, /docs/);
    const servers = parseConfig(file, readFileSync(file, 'utf8')).servers;
    assert.deepEqual(Object.keys(servers[0]?.env ?? {}), ['API_KEY']);
  });

  it('--dry-run writes nothing', async () => {
    const file = config(fixture('dot-mcp.json'));
    const bundleDir = path.join(dir, 'dry-bundles');
    const result = await runCli(['fix', '--config', file, '--ca', caFile, '--dry-run', '--json', '--bundle-dir', bundleDir, '--public-ca', publicFile, '--system-ca', caFile], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).dryRun, true);
    assert.equal(readFileSync(file, 'utf8'), fixture('dot-mcp.json'));
    assert.throws(() => readFileSync(path.join(bundleDir, 'x')));
  });

  it('malformed config: exit 2, file:line:column on stderr, file unchanged', async () => {
    const bad = '{\n  "mcpServers": {\n    "a": { "command": "npx" \n    "b": {}\n  }\n}\n';
    const file = config(bad);
    const result = await runCli(['fix', '--config', file, '--ca', caFile, ...common()], { env });
    assert.equal(result.code, 2);
    assert.match(result.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:5: not valid JSON`));
    assert.equal(readFileSync(file, 'utf8'), bad);
  });

  it('usage errors exit 2', async () => {
    assert.equal((await runCli(['fix', '--ca', caFile], { env })).code, 2);
    assert.equal((await runCli(['fix', '--config', 'x.json'], { env })).code, 2);
    assert.equal((await runCli(['fix', '--config', 'x.json', '--ca', caFile, '--mode', 'all'], { env })).code, 2);
    assert.equal((await runCli(['fix', '--config', 'x.json', '--ca', caFile, '--bogus'], { env })).code, 2);
    assert.equal((await runCli(['fix', '--config', path.join(dir, 'missing.json'), '--ca', caFile], { env })).code, 2);
    assert.equal((await runCli(['undo', '--config', config(fixture('dot-mcp.json')), '--bundle-dir', path.join(dir, 'none')], { env })).code, 2);
    assert.equal((await runCli(['undo', '--config', config(fixture('dot-mcp.json'))], { env })).code, 2);
  });

  it('--mode ca-only: a bundle with the CA alone, and a warning', async () => {
    const file = config(fixture('dot-mcp.json'));
    const result = await runCli(['fix', '--config', file, '--ca', caFile, '--mode', 'ca-only', '--json', ...common()], { env });
    const json = JSON.parse(result.stdout) as { bundle: string; warnings: { code: string }[] };
    assert.match(path.basename(json.bundle), /^ca-only-/);
    assert.equal((readFileSync(json.bundle, 'utf8').match(/BEGIN CERTIFICATE/g) ?? []).length, 1);
    assert.ok(json.warnings.some((w) => w.code === 'ca-only'));
  });
});

describe('fix CLI --host (real chain analysis through a local intercepting proxy)', () => {
  let publicRoot: TestCert;
  let corporate: TestCert;
  let origin: Origin;
  let proxy: Interceptor;
  let systemFile: string;

  before(async () => {
    publicRoot = await createCa('Host Test Public Root');
    corporate = await createCa('Host Test Corporate Root');
    origin = await startOrigin(await createLeaf(['localhost', '127.0.0.1'], publicRoot));
    proxy = await startInterceptor({ issuer: corporate, sendChain: [corporate], upstreamCa: publicRoot.pem });
    publicFile = path.join(dir, 'host-public.pem');
    systemFile = path.join(dir, 'host-system.pem');
    writeFileSync(publicFile, publicRoot.pem);
    writeFileSync(systemFile, corporate.pem + publicRoot.pem);
  });
  after(async () => {
    await proxy.close();
    await origin.close();
  });

  const hostArgs = (): string[] => ['--host', `localhost:${origin.port}`, '--public-ca', publicFile, '--bundle-dir', path.join(dir, 'host-bundles'), '--timeout', '5000'];

  it('intercepted: finds the corporate root, verifies, writes', async () => {
    const file = config(fixture('dot-mcp.json'));
    const result = await runCli(['fix', '--config', file, ...hostArgs(), '--proxy', proxy.url, '--system-ca', systemFile, '--json'], { env });
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as { verified: { port: number }; cas: { subject: string }[]; changed: unknown[] };
    assert.equal(json.verified.port, origin.port);
    assert.deepEqual(json.cas.map((c) => c.subject), [corporate.subject]);
    assert.equal(json.changed.length, 1);
  });

  it('untrusted root: refused (exit 2, nothing written) unless --trust-unknown-ca', async () => {
    const file = config(fixture('dot-mcp.json'));
    const refused = await runCli(['fix', '--config', file, ...hostArgs(), '--proxy', proxy.url, '--system-ca', publicFile], { env });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /may be an attack.*--trust-unknown-ca/);
    assert.equal(readFileSync(file, 'utf8'), fixture('dot-mcp.json'));
    const allowed = await runCli(['fix', '--config', file, ...hostArgs(), '--proxy', proxy.url, '--system-ca', publicFile, '--trust-unknown-ca'], { env });
    assert.equal(allowed.code, 0, allowed.stderr);
  });

  it('trusted (no interception): refused with exit 2', async () => {
    const file = config(fixture('dot-mcp.json'));
    const result = await runCli(['fix', '--config', file, ...hostArgs(), '--system-ca', systemFile], { env });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /already verifies to a public root/);
    assert.equal(readFileSync(file, 'utf8'), fixture('dot-mcp.json'));
  });

  it('--ca that does not match the intercepted chain fails verification: nothing written', async () => {
    const file = config(fixture('dot-mcp.json'));
    const result = await runCli(['fix', '--config', file, ...hostArgs(), '--proxy', proxy.url, '--ca', caFile, '--system-ca', caFile], { env });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /verification failed/);
    assert.equal(readFileSync(file, 'utf8'), fixture('dot-mcp.json'));
  });

  it('strict X.509 (a lax CA): --host and --ca apply one rule: Python 3.13+ skipped, unknown version fixed with a warning', async () => {
    const lax = await createCa('Host Test Lax Root', { criticalBasicConstraints: false });
    const laxProxy = await startInterceptor({ issuer: lax, sendChain: [lax], upstreamCa: publicRoot.pem });
    try {
      const laxFile = path.join(dir, 'lax.pem');
      const laxSystem = path.join(dir, 'lax-system.pem');
      writeFileSync(laxFile, lax.pem);
      writeFileSync(laxSystem, lax.pem + publicRoot.pem);
      const text = '{ "mcpServers": { "py": { "command": "uvx", "args": ["mcpdoc"] }, "py13": { "command": "python3.13", "args": ["s.py"] }, "js": { "command": "npx", "args": ["x"] } } }\n';
      type Json = { changed: { server: string }[]; skipped: { server: string; reason: string }[]; warnings: { code: string; server?: string; message: string }[] };
      const byHost = await runCli(['fix', '--config', config(text), ...hostArgs(), '--proxy', laxProxy.url, '--system-ca', laxSystem, '--json'], { env });
      assert.equal(byHost.code, 0, byHost.stderr);
      const byCa = await runCli(['fix', '--config', config(text), '--ca', laxFile, '--public-ca', publicFile, '--system-ca', laxSystem, '--bundle-dir', path.join(dir, 'host-bundles'), '--json'], { env });
      assert.equal(byCa.code, 0, byCa.stderr);
      for (const result of [byHost, byCa]) {
        const json = JSON.parse(result.stdout) as Json;
        assert.deepEqual(json.changed.map((c) => c.server), ['py', 'js']);
        assert.deepEqual(json.skipped.map((s) => s.server), ['py13']);
        assert.match(json.skipped[0]?.reason ?? '', /^python3\.13 is Python 3\.13\+: its strict X\.509 check rejects the CA \(CN=Host Test Lax Root/);
        const warning = json.warnings.find((w) => w.code === 'strict-ca' && w.server === 'py')?.message ?? '';
        assert.match(warning, /fixed for Python 3\.12 and older.*the CA \(CN=Host Test Lax Root.*Basic Constraints of CA cert not marked critical.*IT reissues the CA.*uvx --python 3\.12/);
      }
      // The same strict-mode rule either way (runtime verification needs --host, so its notes differ).
      const ruleWarnings = (result: { stdout: string }) => (JSON.parse(result.stdout) as Json).warnings.filter((w) => w.code !== 'runtime-check' && w.code !== 'host-assumed');
      assert.deepEqual(ruleWarnings(byHost), ruleWarnings(byCa));
      const human = await runCli(['fix', '--config', config(text), ...hostArgs(), '--proxy', laxProxy.url, '--system-ca', laxSystem], { env });
      assert.match(human.stdout, /py \(python\): sets SSL_CERT_FILE/);
      assert.match(human.stdout, /skipped py13: python3\.13 is Python 3\.13\+/);
      assert.match(human.stdout, /Note: py: fixed for Python 3\.12 and older/);
    } finally {
      await laxProxy.close();
    }
  });

  it('a host that cannot be reached: exit 3', async () => {
    const file = config(fixture('dot-mcp.json'));
    const result = await runCli(['fix', '--config', file, '--host', '127.0.0.1:1', '--public-ca', publicFile, '--timeout', '2000'], { env });
    assert.equal(result.code, 3, result.stderr);
  });
});
