import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inProcessAnalyzer } from '../../src/core/usecases/analyzer';
import { runDoctor } from '../../src/core/usecases/doctor';
import { cleanup, tempDir } from '../fixtures/configs/harness';
import { startInterceptor, Interceptor } from '../fixtures/interceptor';
import { startOrigin, Origin } from '../fixtures/origin';
import { createCa, createLeaf, TestCert } from '../fixtures/pki';

describe('doctor: remote servers get a host-level fix, applied once per host app', () => {
  let dir: string;
  let corporate: TestCert;
  let origin: Origin;
  let proxy: Interceptor;
  let publicFile: string;
  let systemFile: string;

  before(async () => {
    dir = tempDir('mcp-doctor-host-');
    const publicRoot = await createCa('Doctor Host Public Root');
    corporate = await createCa('Doctor Host Corporate Root');
    origin = await startOrigin(await createLeaf(['localhost', '127.0.0.1'], publicRoot));
    proxy = await startInterceptor({ issuer: corporate, sendChain: [corporate], upstreamCa: publicRoot.pem });
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

  it('VS Code: two remote servers → one edit of the user settings.json (http.systemCertificates: the CLI cannot feature-detect the Node loader), a changed entry each; the second run has nothing pending and changes no byte', async () => {
    const home = path.join(dir, 'home-vscode');
    const user = path.join(home, '.config', 'Code', 'User');
    mkdirSync(user, { recursive: true });
    const url = `https://localhost:${origin.port}/mcp`;
    writeFileSync(path.join(user, 'mcp.json'), `${JSON.stringify({ servers: { a: { type: 'http', url }, b: { type: 'sse', url } } }, null, 2)}\n`);
    const settings = path.join(user, 'settings.json');
    const original = '{\n  // mine\n  "editor.fontSize": 14\n}\n';
    writeFileSync(settings, original);
    const options = {
      scopes: [{ home, workspaceFolders: [], platform: 'linux' as const, env: {} }],
      hostEnv: {},
      analyzer: inProcessAnalyzer({ proxy: proxy.url, systemCaFile: systemFile, publicCaFile: publicFile, timeoutMs: 5000, env: {} }),
      publicPem: readFileSync(publicFile, 'utf8'),
      readLogs: false,
      noRuntimeCheck: true,
    };
    const run = await runDoctor(options);
    const remote = run.result.servers.filter((server) => server.transport === 'remote');
    assert.deepEqual(remote.map((server) => [server.server, server.state, server.fix.kind]), [['a', 'remote-host-trust', 'host-level'], ['b', 'remote-host-trust', 'host-level']]);
    assert.match(remote[0]?.fix.detail ?? '', new RegExp(`set "http.systemCertificates": true in ${settings.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    assert.doesNotMatch(remote[0]?.fix.detail ?? '', /administrator|OS store/, 'the root is in the OS store: no store step');
    assert.equal(run.pending, 2);
    await run.applyFixes();
    assert.deepEqual(run.result.skipped, []);
    assert.deepEqual(run.result.changed.map((change) => [change.config, change.server, change.kind, change.settings]), [
      [settings, 'a', 'host-level', { 'http.systemCertificates': true }],
      [settings, 'b', 'host-level', { 'http.systemCertificates': true }],
    ]);
    assert.equal(run.result.changed[0]?.verified?.ok, true);
    const fixed = readFileSync(settings, 'utf8');
    assert.equal(fixed, '{\n  // mine\n  "editor.fontSize": 14,\n  "http.systemCertificates": true\n}\n');

    const again = await runDoctor(options);
    assert.equal(again.pending, 0);
    assert.equal(again.result.servers.find((server) => server.server === 'a')?.fix.inPlace, true);
    await again.applyFixes();
    assert.deepEqual(again.result.changed, []);
    assert.equal(readFileSync(settings, 'utf8'), fixed, 'a second --fix changes no byte');
  });

  it('a root no store knows: no host-level fix unless trustUnknown', async () => {
    const home = path.join(dir, 'home-unknown');
    mkdirSync(home, { recursive: true });
    writeFileSync(path.join(home, '.claude.json'), `${JSON.stringify({ mcpServers: { r: { type: 'http', url: `https://localhost:${origin.port}/` } } })}\n`);
    const run = await runDoctor({
      scopes: [{ home, workspaceFolders: [], platform: 'linux', env: {} }],
      hostEnv: {},
      analyzer: inProcessAnalyzer({ proxy: proxy.url, systemCaFile: publicFile, publicCaFile: publicFile, timeoutMs: 5000, env: {} }),
      readLogs: false,
    });
    const r = run.result.servers.find((server) => server.server === 'r');
    assert.equal(r?.state, 'remote-host-trust');
    assert.equal(r?.reason, 'unknown-root');
    assert.equal(r?.fix.kind, 'none');
    assert.equal(run.pending, 0);
  });
});
