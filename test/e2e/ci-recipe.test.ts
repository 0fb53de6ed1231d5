// docs/fleet.md's GitHub Actions recipe, run as written: its `run:` steps are read from the document
// and run with the built CLI in a runner's workspace behind the interceptor (the runner's proxy in
// its environment, IT's root in its OS store and in CORP_CA_FILE). The check fails, the fix with
// IT's file passes, the check passes, and the server, started as Claude Code starts it, works.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startNetwork, type TestNetwork } from '../fixtures/network';
import { CLI, ensureBuiltCli } from '../support/builtCli';

const REPO = resolve(__dirname, '..', '..');
let net: TestNetwork;

/** A command as a runner step runs it, asynchronously (the proxy lives in this process). */
function sh(command: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv }): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/** The `run:` lines of the recipe's YAML block, in order. */
function recipeSteps(): string[] {
  const doc = readFileSync(join(REPO, 'docs', 'fleet.md'), 'utf8');
  const section = doc.slice(doc.indexOf('### GitHub Actions on a self-hosted runner'));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return [...yaml.matchAll(/^\s*run: (.+)$/gm)].map((match) => (match[1] ?? '').trim());
}

before(async () => {
  ensureBuiltCli();
  net = await startNetwork({ mitmproxy: false });
});
after(async () => net?.close());

describe('docs/fleet.md: the GitHub Actions recipe', () => {
  it('check (fails) → fix with IT\'s CA → check (passes); the server then works as Claude Code starts it', async () => {
    const steps = recipeSteps();
    assert.deepEqual(steps, [
      'mcp-ssl-doctor doctor --workspace . --check',
      'mcp-ssl-doctor doctor --workspace . --fix --yes --ca "$CORP_CA_FILE"',
      'mcp-ssl-doctor doctor --workspace . --check',
    ]);
    const workspace = join(net.dir, 'runner', 'work', 'repo');
    const script = join(REPO, 'test', 'fixtures', 'mcp-servers', 'docs_server.py');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, '.mcp.json'), `${JSON.stringify({ mcpServers: { docs: { command: '/usr/bin/python3', args: [script, net.origin.url] } } }, null, 2)}\n`);
    const home = join(net.dir, 'runner', 'home');
    mkdirSync(home, { recursive: true });
    // The `mcp-ssl-doctor` the runner image holds: the built CLI on PATH.
    const bin = join(net.dir, 'runner', 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'mcp-ssl-doctor'), `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`, { mode: 0o755 });
    const env = net.cleanEnv({
      HOME: home,
      PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      CORP_CA_FILE: net.interceptor.caFile,
      HTTPS_PROXY: net.interceptor.url,
      // IT installed its root in the runner's OS store.
      MCP_SSL_DOCTOR_SYSTEM_CA: net.interceptor.caFile,
    });
    const results = [];
    for (const line of steps) results.push(await sh('/bin/sh', ['-c', line], { cwd: workspace, env }));
    const [check, fix, again] = results;
    assert.equal(check?.status, 1, `${check?.stdout ?? ''}${check?.stderr ?? ''}`);
    assert.match(check?.stdout ?? '', /check failed: 1 server\(s\) would be changed by --fix/);
    assert.equal(fix?.status, 0, `${fix?.stdout ?? ''}${fix?.stderr ?? ''}`);
    assert.match(fix?.stdout ?? '', /changed \.mcp\.json|changed .*\.mcp\.json docs: SSL_CERT_FILE, REQUESTS_CA_BUNDLE → /);
    assert.equal(again?.status, 0, `${again?.stdout ?? ''}${again?.stderr ?? ''}`);

    // Claude Code on Linux passes its environment on (hosts/env.ts), then the entry's env.
    const entry = (JSON.parse(readFileSync(join(workspace, '.mcp.json'), 'utf8')) as { mcpServers: { docs: { command: string; args: string[]; env: Record<string, string> } } }).mcpServers.docs;
    const server = await sh(entry.command, entry.args, { env: { ...net.cleanEnv({ HOME: home, HTTPS_PROXY: net.interceptor.url }), ...entry.env } });
    assert.match(server.stderr, /docs-server: OK 200/, server.stderr);
  });
});
