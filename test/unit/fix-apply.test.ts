import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync, lstatSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyFix } from '../../src/core/fix/apply';
import { buildBundle, readCertificates } from '../../src/core/fix/bundle';
import { parseConfig } from '../../src/core/config/config';
import { FixOptions, planFix } from '../../src/core/fix/plan';
import { undoFix } from '../../src/core/fix/undo';
import { DoctorError } from '../../src/core/types';
import { cleanup, fixture, tempDir, testCas } from '../fixtures/configs/harness';

let dir: string;
let home: string;
let ca: string;
let publicPem: string;
let strictBad: string;

before(async () => {
  dir = tempDir();
  home = path.join(dir, 'home');
  mkdirSync(home);
  const cas = await testCas();
  ca = cas.corporate.pem;
  publicPem = cas.publicRoot.pem;
  strictBad = cas.strictBad.pem;
});
after(() => cleanup(dir));

let n = 0;
function configFile(content: string, name = 'mcp.json'): string {
  n += 1;
  const folder = path.join(dir, `ws${n}`);
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, name);
  writeFileSync(file, content);
  return file;
}

function options(configPath: string, extra: Partial<FixOptions> = {}): FixOptions {
  return { configPath, caPems: [ca], home, publicPem, bundleDir: path.join(home, '.mcp-ssl-doctor'), ...extra };
}

async function fixAndCheckUndo(file: string, extra: Partial<FixOptions> = {}) {
  const before = readFileSync(file);
  const result = await applyFix(await planFix(options(file, extra)));
  const undone = await undoFix({ configPath: file, home });
  assert.ok(readFileSync(file).equals(before), 'byte-for-byte after undo');
  assert.equal(undone.identical, true);
  return result;
}

describe('fix: plan and apply on files', () => {
  it('VS Code mcp.json: python and node servers fixed with ${userHome}, remote skipped, ${input} kept', async () => {
    const file = configFile(fixture('vscode-mcp.json'));
    const result = await applyFix(await planFix(options(file)));
    const bundleName = buildBundle(readCertificates(ca, 'ca'), 'combined').fileName;
    const inConfig = `\${userHome}/.mcp-ssl-doctor/${bundleName}`;
    assert.equal(result.bundleInConfig, inConfig);
    assert.equal(result.bundle, path.join(home, '.mcp-ssl-doctor', bundleName));
    assert.deepEqual(result.changed.map((c) => [c.server, c.runtime, Object.keys(c.env)]), [
      ['docs', 'python', ['SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE']],
      ['github', 'node', ['NODE_EXTRA_CA_CERTS']],
    ]);
    assert.equal(result.skipped[0]?.server, 'remote');
    assert.match(result.skipped[0]?.reason ?? '', /editor connects to it itself/);
    const servers = parseConfig(file, readFileSync(file, 'utf8')).servers;
    assert.deepEqual(servers[0]?.env, { API_KEY: '${input:api-key}', SSL_CERT_FILE: inConfig, REQUESTS_CA_BUNDLE: inConfig });
    assert.deepEqual(servers[1]?.env, { NODE_EXTRA_CA_CERTS: inConfig });
    assert.equal((statSync(result.bundle).mode & 0o777).toString(8), '644');
    // The bundle: our CA first, then the public root, each with a subject / sha256 comment.
    const pem = readFileSync(result.bundle, 'utf8');
    assert.equal(readCertificates(pem, 'b').length, 2);
    assert.match(pem, /# CN=Corporate Inspection Root, O=mcp-ssl-doctor tests\n# sha256 [0-9a-f]{64}\n-----BEGIN CERTIFICATE-----/);
    await undoFix({ configPath: file, home });
    assert.equal(readFileSync(file, 'utf8'), fixture('vscode-mcp.json'));
  });

  it('a second run writes nothing new; a rotated CA gets a new bundle file', async () => {
    const file = configFile(fixture('dot-mcp.json'));
    const bundleDir = path.join(dir, 'fresh-bundles');
    const first = await applyFix(await planFix(options(file, { bundleDir })));
    assert.equal(first.bundleWritten, true);
    const content = readFileSync(file, 'utf8');
    const second = await applyFix(await planFix(options(file, { bundleDir })));
    assert.equal(second.bundleWritten, false);
    assert.equal(second.changed.length, 0);
    assert.match(second.skipped[0]?.reason ?? '', /already points at/);
    assert.equal(readFileSync(file, 'utf8'), content);
    const rotated = await planFix(options(file, { bundleDir, caPems: [strictBad] }));
    assert.notEqual(rotated.bundlePath, first.bundle);
    // The variable names a bundle this tool wrote (its journal says so): renewed without --replace.
    assert.deepEqual(rotated.skipped, []);
    assert.equal(rotated.changed[0]?.renewed, first.bundleInConfig);
    const userOwn = await planFix(options(file, { bundleDir, caPems: [strictBad], ownBundles: new Set() }));
    assert.match(userOwn.skipped[0]?.reason ?? '', /already sets NODE_EXTRA_CA_CERTS=.*--replace/, 'a file the journal does not name is the user\'s');
  });

  it('mcpServers files get absolute paths; Claude Desktop cmd /c and .cmd shims; Windsurf serverUrl skipped; deno', async () => {
    const claude = configFile(fixture('claude_desktop_config.json'), 'claude_desktop_config.json');
    const result = await fixAndCheckUndo(claude);
    assert.equal(result.bundleInConfig, result.bundle);
    assert.deepEqual(result.changed.map((c) => [c.server, c.runtime]), [['filesystem', 'node'], ['time', 'python']]);
    assert.ok(result.warnings.some((w) => w.code === 'machine-specific-path'));
    const windsurf = configFile(fixture('windsurf-mcp_config.json'));
    const w = await fixAndCheckUndo(windsurf);
    assert.deepEqual(w.skipped.map((s) => s.server), ['remote-docs']);
    assert.deepEqual(w.changed[0]?.env, { DENO_CERT: w.bundle });
  });

  it('settings.json mcp.servers and a .code-workspace with envFile', async () => {
    const settings = configFile(fixture('settings.json'), 'settings.json');
    const s = await fixAndCheckUndo(settings);
    assert.deepEqual(Object.keys(s.changed[0]?.env ?? {}), ['SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE']);
    const workspace = configFile(fixture('code.code-workspace'), 'x.code-workspace');
    const c = await fixAndCheckUndo(workspace);
    assert.ok(c.warnings.some((wn) => wn.code === 'env-file'));
  });

  it('docker run: read-only mount and -e variables inserted before the image', async () => {
    const file = configFile(fixture('cline_mcp_settings.json'));
    const result = await fixAndCheckUndo(file);
    assert.equal(result.changed[0]?.runtime, 'docker');
    const before = readFileSync(file, 'utf8');
    await applyFix(await planFix(options(file)));
    const args = parseConfig(file, readFileSync(file, 'utf8')).servers[0]?.args ?? [];
    const image = args.indexOf('ghcr.io/example/search-mcp:latest');
    assert.deepEqual(args.slice(0, 5), ['run', '-i', '--rm', '-e', 'API_KEY']);
    assert.deepEqual(args.slice(5, image), [
      '--mount',
      `type=bind,source=${result.bundle},target=/etc/ssl/certs/mcp-ssl-doctor.pem,readonly`,
      '-e', 'SSL_CERT_FILE=/etc/ssl/certs/mcp-ssl-doctor.pem',
      '-e', 'REQUESTS_CA_BUNDLE=/etc/ssl/certs/mcp-ssl-doctor.pem',
      '-e', 'NODE_EXTRA_CA_CERTS=/etc/ssl/certs/mcp-ssl-doctor.pem',
    ]);
    assert.deepEqual(args.slice(image + 1), ['--verbose']);
    await undoFix({ configPath: file, home });
    assert.equal(readFileSync(file, 'utf8'), before);
  });

  it('an existing different CA variable is left alone unless replace', async () => {
    const text = '{ "mcpServers": { "a": { "command": "uvx", "args": ["x"], "env": { "SSL_CERT_FILE": "/etc/other.pem" } } } }\n';
    const file = configFile(text);
    const kept = await applyFix(await planFix(options(file)));
    assert.equal(kept.changed.length, 0);
    assert.match(kept.skipped[0]?.reason ?? '', /already sets SSL_CERT_FILE=\/etc\/other\.pem/);
    assert.equal(readFileSync(file, 'utf8'), text);
    const replaced = await fixAndCheckUndo(file, { replace: true });
    assert.deepEqual(replaced.changed[0]?.env, { REQUESTS_CA_BUNDLE: replaced.bundle, SSL_CERT_FILE: replaced.bundle });
  });

  it('insecure settings are reported, and removed only with a verified fix', async () => {
    const file = configFile(fixture('kiro-mcp.json'));
    const reported = await planFix(options(file, { removeInsecure: true }));
    assert.deepEqual(reported.insecure.map((s) => [s.server, s.where, s.setting]), [['aws-docs', 'env.NODE_TLS_REJECT_UNAUTHORIZED', 'NODE_TLS_REJECT_UNAUTHORIZED=0']]);
    assert.ok(reported.warnings.some((w) => w.code === 'insecure-kept'));
    assert.match(reported.newContent, /NODE_TLS_REJECT_UNAUTHORIZED/);
    const verifyTrust = async (): Promise<{ ok: boolean }> => ({ ok: true });
    const result = await fixAndCheckUndo(file, { removeInsecure: true, verify: { host: 'h', port: 443, verifyTrust } });
    assert.equal(result.removedInsecure.length, 1);
    assert.deepEqual(result.verified, { host: 'h', port: 443 });
    await applyFix(await planFix(options(file, { removeInsecure: true, verify: { host: 'h', port: 443, verifyTrust } })));
    const env = parseConfig(file, readFileSync(file, 'utf8')).servers[0]?.env;
    assert.deepEqual(Object.keys(env ?? {}), ['FASTMCP_LOG_LEVEL', 'SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE']);
  });

  it('insecure args are found: --insecure, -k, --trusted-host VALUE, verify=False in code', async () => {
    const file = configFile('{ "mcpServers": { "a": { "command": "python", "args": ["-m", "x", "--trusted-host", "pypi.org", "-k", "-c", "requests.get(u, verify=False)"] } } }');
    const plan = await planFix(options(file));
    assert.deepEqual(plan.insecure.map((s) => s.setting), ['--trusted-host pypi.org', '-k', 'requests.get(u, verify=False)']);
  });

  it('a failed verification writes nothing', async () => {
    const text = fixture('dot-mcp.json');
    const file = configFile(text);
    const bundleDir = path.join(dir, `bundles-${n}`);
    const plan = await planFix(options(file, { bundleDir, verify: { host: 'h', port: 443, verifyTrust: async () => ({ ok: false, error: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' }) } }));
    await assert.rejects(applyFix(plan), (error: DoctorError) => error.kind === 'refused' && /UNABLE_TO_GET_ISSUER_CERT_LOCALLY.*nothing was written/.test(error.message));
    assert.equal(readFileSync(file, 'utf8'), text);
    assert.throws(() => readdirSync(bundleDir));
  });

  it('Python 3.13 strict: a lax CA, Python version unknown: fixed, with a warning saying what works on 3.13+', async () => {
    const file = configFile(fixture('vscode-mcp.json'));
    const plan = await planFix(options(file, { caPems: [strictBad] }));
    assert.deepEqual(plan.changed.map((c) => c.server), ['docs', 'github']);
    const docs = plan.warnings.find((w) => w.code === 'strict-ca' && w.server === 'docs');
    assert.match(docs?.message ?? '', /fixed for Python 3\.12 and older.*Basic Constraints of CA cert not marked critical.*uvx --python 3\.12/);
  });

  it('the undo manifest lives per user, whatever --bundle-dir: undo needs only the config', async () => {
    const file = configFile(fixture('vscode-mcp.json'));
    const bundleDir = path.join(dir, `elsewhere-${n}`);
    const result = await applyFix(await planFix(options(file, { bundleDir })));
    assert.ok(result.bundle.startsWith(bundleDir));
    assert.equal(path.dirname(result.undoManifest ?? ''), path.join(home, '.mcp-ssl-doctor', 'undo'));
    assert.throws(() => readdirSync(path.join(bundleDir, 'undo')));
    const undone = await undoFix({ configPath: file, home });
    assert.equal(undone.identical, true);
    assert.equal(readFileSync(file, 'utf8'), fixture('vscode-mcp.json'));
    await assert.rejects(undoFix({ configPath: file, home }), (e: DoctorError) => e.kind === 'usage' && /nothing to undo/.test(e.message));
  });

  it('a manifest an older release left in <bundle dir>/undo is still found with bundleDir', async () => {
    const file = configFile(fixture('dot-mcp.json'));
    const bundleDir = path.join(dir, `legacy-${n}`);
    const result = await applyFix(await planFix(options(file, { bundleDir })));
    const legacy = path.join(bundleDir, 'undo', path.basename(result.undoManifest ?? ''));
    mkdirSync(path.dirname(legacy), { recursive: true });
    renameSync(result.undoManifest ?? '', legacy);
    await assert.rejects(undoFix({ configPath: file, home }), /nothing to undo/);
    assert.equal((await undoFix({ configPath: file, home, bundleDir })).identical, true);
    assert.equal(readFileSync(file, 'utf8'), fixture('dot-mcp.json'));
    assert.throws(() => readFileSync(legacy), 'the legacy manifest is emptied (removed)');
  });

  it('refuses a leaf given as CA, and an expired CA', async () => {
    const { createLeaf, createCa } = await import('../fixtures/pki');
    const cas = await testCas();
    const leaf = await createLeaf(['x.test'], cas.corporate);
    const file = configFile(fixture('dot-mcp.json'));
    await assert.rejects(planFix(options(file, { caPems: [leaf.pem] })), /not a CA certificate/);
    const old = await createCa('Old Root', { notBefore: new Date(Date.now() - 10 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
    await assert.rejects(planFix(options(file, { caPems: [old.pem] })), /expired/);
  });

  it('keeps BOM and CRLF through fix and undo', async () => {
    const text = '\uFEFF{\r\n  "mcpServers": {\r\n    "a": { "command": "npx" }\r\n  }\r\n}';
    const file = configFile(text);
    await applyFix(await planFix(options(file)));
    const fixed = readFileSync(file, 'utf8');
    assert.ok(fixed.startsWith('\uFEFF{\r\n'));
    assert.ok(!/[^\r]\n/.test(fixed));
    await undoFix({ configPath: file, home });
    assert.equal(readFileSync(file, 'utf8'), text);
  });

  it('malformed and unknown files: error with line:column, file unchanged', async () => {
    const bad = '{\n  "servers": {\n    "a": { "command": "x" },,\n  }\n}\n';
    const file = configFile(bad);
    await assert.rejects(planFix(options(file)), (e: DoctorError) => e.kind === 'malformed-config' && e.detail?.line === 3);
    assert.equal(readFileSync(file, 'utf8'), bad);
    await assert.rejects(planFix(options(configFile(''))), (e: DoctorError) => e.kind === 'malformed-config');
    await assert.rejects(planFix(options(configFile('{"x": 1}'))), (e: DoctorError) => e.kind === 'unknown-config');
  });

  it('a directory where the config should be is a clear io error', async () => {
    const folder = path.join(dir, 'is-a-dir.json');
    mkdirSync(folder);
    await assert.rejects(planFix(options(folder)), (e: DoctorError) => e.kind === 'io' && /directory/.test(e.message));
  });

  it('a read-only config is refused with io, untouched', async () => {
    const text = fixture('dot-mcp.json');
    const file = configFile(text);
    chmodSync(file, 0o444);
    await assert.rejects(applyFix(await planFix(options(file))), (e: DoctorError) => e.kind === 'io' && /read-only/.test(e.message));
    assert.equal(readFileSync(file, 'utf8'), text);
    chmodSync(file, 0o644);
  });

  it('a symlinked config: the target is edited, the link stays', async () => {
    const target = configFile(fixture('dot-mcp.json'), 'real.json');
    const link = path.join(path.dirname(target), 'link.json');
    symlinkSync(target, link);
    await applyFix(await planFix(options(link)));
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.match(readFileSync(target, 'utf8'), /NODE_EXTRA_CA_CERTS/);
    await undoFix({ configPath: link, home });
    assert.equal(readFileSync(target, 'utf8'), fixture('dot-mcp.json'));
  });

  it('a file changed between plan and write is re-read: the other edit survives', async () => {
    const file = configFile(fixture('dot-mcp.json'));
    const plan = await planFix(options(file));
    writeFileSync(file, fixture('dot-mcp.json').replace('"-y",', '"-y", "--quiet",'));
    const result = await applyFix(plan);
    const server = parseConfig(file, readFileSync(file, 'utf8')).servers[0];
    assert.deepEqual(server?.args, ['-y', '--quiet', '@upstash/context7-mcp']);
    assert.deepEqual(server?.env, { NODE_EXTRA_CA_CERTS: result.bundle });
  });

  it('a 10 MB config: one server fixed, undo byte-identical', async () => {
    const servers: string[] = [];
    const filler = 'x'.repeat(400);
    let size = 0;
    for (let i = 0; size < 10 * 1024 * 1024; i += 1) {
      const entry = `\n    "s${i}": { "command": "npx", "args": ["-y", "pkg-${i}"], "env": { "NOTE": "${filler}" } }`;
      servers.push(entry);
      size += entry.length + 1;
    }
    const file = configFile(`{\n  "mcpServers": {${servers.join(',')}\n  }\n}\n`);
    const result = await fixAndCheckUndo(file, { servers: ['s100'] });
    assert.deepEqual(result.changed.map((c) => c.server), ['s100']);
  });

  it('an unknown --server name lists the servers', async () => {
    await assert.rejects(planFix(options(configFile(fixture('dot-mcp.json')), { servers: ['nope'] })), /no server named "nope".*context7/);
  });

  it('duplicate keys on the edited path are refused; elsewhere reported', async () => {
    const dup = configFile('{ "mcpServers": { "a": { "command": "npx", "env": {}, "env": {} } } }');
    await assert.rejects(planFix(options(dup)), (e: DoctorError) => e.kind === 'malformed-config' && /"env" appears twice/.test(e.message));
    const elsewhere = await planFix(options(configFile('{ "x": 1, "x": 2, "mcpServers": { "a": { "command": "npx" } } }')));
    assert.ok(elsewhere.warnings.some((w) => w.code === 'duplicate-key'));
  });

  it('tells whether git tracks the config', async () => {
    const repo = path.join(dir, 'repo');
    mkdirSync(path.join(repo, '.vscode'), { recursive: true });
    const file = path.join(repo, '.vscode', 'mcp.json');
    writeFileSync(file, fixture('vscode-mcp.json'));
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { stdio: 'ignore' });
    try {
      git('init', '-q');
    } catch {
      return; // no git here: nothing to check
    }
    assert.equal((await planFix(options(file))).tracked, false);
    git('add', '.vscode/mcp.json');
    assert.equal((await planFix(options(file))).tracked, true);
    assert.equal((await planFix(options(configFile(fixture('dot-mcp.json'))))).tracked, null);
  });
});
