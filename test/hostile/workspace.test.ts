// Hostile workspaces and logs (#12 items 1, 2, 6): a cloned repository's MCP config names no host
// to probe and no file to read before the folder is trusted; CA files are read only when regular,
// small and quick; a root no store knows is never trusted by `fix --ca` without the user's word;
// hosts from a log are probed only when they are host names.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { serverOf } from '../../src/core/config/inventory';
import { effectiveEnvOf } from '../../src/core/assess/serverEnv';
import { DEFAULT_PROBE, probeTargetOf, probeableFromLog } from '../../src/core/assess/targets';
import { readCaFile, serverTrustsRoot } from '../../src/core/assess/trust';
import type { ConfigRef } from '../../src/core/model/server';
import type { ServerEntry } from '../../src/core/config/config';
import { runCli, testCas } from '../fixtures/configs/harness';

const dir = mkdtempSync(join(tmpdir(), 'hostile-workspace-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const workspaceRef: ConfigRef = { hostApp: 'vscode', path: join(dir, '.vscode', 'mcp.json'), scope: 'workspace', resolvesVariables: true };
const entry = (fields: Partial<ServerEntry>): ServerEntry => ({ name: 'x', args: [], env: {}, node: { type: 'object', offset: 0, length: 0 }, ...fields }) as ServerEntry;

describe('hostile: a cloned workspace, a crafted log', () => {
  it('1. an untrusted workspace names no host to probe: not in args, not as a remote url', () => {
    const server = serverOf(workspaceRef, entry({ command: 'uvx', args: ['x', 'https://internal-host:8080/api'] }));
    assert.deepEqual(probeTargetOf(server, { fromConfig: false }), { ...DEFAULT_PROBE.python, source: 'runtime-default' });
    assert.equal(probeTargetOf(serverOf(workspaceRef, entry({ url: 'https://internal-host:8080/mcp' })), { fromConfig: false }), null);
  });

  it('1. a CA file that is a FIFO, /dev/zero or huge is refused quickly, never read whole', async () => {
    const fifo = join(dir, 'fifo.pem');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    await assert.rejects(readCaFile(fifo), /not a regular file/);
    await assert.rejects(readCaFile('/dev/zero'), /not a regular file/);
    const huge = join(dir, 'huge.pem');
    writeFileSync(huge, '');
    execFileSync('truncate', ['-s', '20M', huge]);
    await assert.rejects(readCaFile(huge), /too large/);
    assert.ok(Date.now() - started < 2000);
    const py = serverOf(workspaceRef, entry({ command: 'python3', args: [], env: { SSL_CERT_FILE: fifo } }));
    const check = await serverTrustsRoot(py, 'ff', effectiveEnvOf(py, {}), { home: dir, env: {} });
    assert.equal(check.trusted, false);
    assert.equal(check.unreadable[0]?.variable, 'SSL_CERT_FILE');
  });

  it('6. hosts from a log are offered for a probe only when they parse and are no metadata or link-local address', () => {
    assert.equal(probeableFromLog('pypi.org', 443), true);
    assert.equal(probeableFromLog('169.254.169.254', 80), false);
    assert.equal(probeableFromLog('fe80::1', 443), false);
    assert.equal(probeableFromLog('evil\u001b]0;x', 443), false);
    assert.equal(probeableFromLog('[host]', 443), false);
  });

  it('2. fix --ca with a root no store knows is refused (exit 2, nothing written) unless --trust-unknown-ca', async () => {
    const cas = await testCas();
    const ca = join(dir, 'corp.pem');
    const publicFile = join(dir, 'public.pem');
    writeFileSync(ca, cas.corporate.pem);
    writeFileSync(publicFile, cas.publicRoot.pem);
    const config = join(dir, 'mcp.json');
    const original = '{ "mcpServers": { "a": { "command": "uvx", "args": ["x"] } } }\n';
    writeFileSync(config, original);
    const env = { HOME: dir };
    const store = ['--bundle-dir', join(dir, 'bundles'), '--public-ca', publicFile, '--system-ca', publicFile, '--no-runtime-check'];
    const refused = await runCli(['fix', '--config', config, '--ca', ca, ...store], { env });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /neither the OS store nor the public roots hold this CA.*--trust-unknown-ca/);
    assert.equal(readFileSync(config, 'utf8'), original);
    const allowed = await runCli(['fix', '--config', config, '--ca', ca, '--trust-unknown-ca', ...store], { env });
    assert.equal(allowed.code, 0, allowed.stderr);
  });
});
