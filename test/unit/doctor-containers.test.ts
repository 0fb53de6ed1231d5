// Where a server runs (issue 22, section 2): servers inside a container the entry's env cannot reach
// (`docker exec`, `docker compose exec/run`, podman, the Docker MCP Toolkit gateway, a container in a
// shell string), as `doctor` lists them over a home — no false fix (nothing counted fixable, nothing
// written), the concrete next step; `docker run` / `podman run` keep the mount fix. The Claude Desktop
// entries are real ones from public READMEs (test/fixtures/configs/containers-mcp.json).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { doctor } from '../../src/cli/doctor';
import type { CliIO } from '../../src/cli/io';
import { fixture } from '../fixtures/configs/harness';
import { createCa } from '../fixtures/pki';

const dir = mkdtempSync(join(tmpdir(), 'doctor-containers-'));
const caFile = join(dir, 'corp.pem');
const publicFile = join(dir, 'public.pem');

before(async () => {
  writeFileSync(caFile, (await createCa('Containers Corporate Root')).pem);
  writeFileSync(publicFile, (await createCa('Containers Public Root')).pem);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

const PODMAN = {
  mcpServers: {
    'podman-exec': { command: 'podman', args: ['exec', '-i', 'mcp-node', 'node', 'index.js'] },
    'podman-compose': { command: 'podman-compose', args: ['run', '--rm', 'mcp', 'python', '-m', 'server'] },
    'container-exec': { command: 'docker', args: ['container', 'exec', '-i', 'mcp-py', 'python3', 'server.py'] },
    'compose-run': { command: 'docker', args: ['compose', '-f', 'mcp.yml', 'run', '--rm', 'mcp', 'node', 'index.js'] },
    'podman-run': { command: 'podman', args: ['run', '-i', '--rm', 'ghcr.io/example/fetch-mcp'] },
  },
};

function fakeHome(name: string): { home: string; claude: string; cursor: string } {
  const home = join(dir, name);
  const claude = join(home, '.config', 'Claude', 'claude_desktop_config.json');
  const cursor = join(home, '.cursor', 'mcp.json');
  write(claude, fixture('containers-mcp.json'));
  write(cursor, `${JSON.stringify(PODMAN, null, 2)}\n`);
  return { home, claude, cursor };
}

async function run(home: string, ...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const io: CliIO = {
    stdout: (text) => (out += text),
    stderr: (text) => (out += text),
    readStdin: async () => '',
    env: { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin' },
    cwd: dir,
    isTTY: { stdin: false, stdout: false, stderr: false },
    prompt: async () => 'n',
  };
  const code = await doctor(['--ca', caFile, '--system-ca', caFile, '--public-ca', publicFile, '--no-logs', '--no-runtime-check', ...args], io);
  return { code, out };
}

interface Json {
  servers: { server: string; state: string; reason: string; fix: { kind: string; detail: string } }[];
  changed: { server: string }[];
}

const OUT_OF_REACH = ['vibesbox', 's3', 'obsidian-rag', 'MCP_DOCKER', 'arm-mcp', 'podman-exec', 'podman-compose', 'container-exec', 'compose-run'];

describe('doctor: servers inside containers', () => {
  it('lists each out-of-reach server as will-fail with no fix and its next step; docker run and podman run get the mount', async () => {
    const { home } = fakeHome('list');
    const { out } = await run(home, '--json');
    const json = JSON.parse(out) as Json;
    const by = Object.fromEntries(json.servers.map((s) => [s.server, s]));
    for (const name of OUT_OF_REACH) {
      assert.deepEqual([by[name]?.state, by[name]?.reason, by[name]?.fix.kind], ['will-fail', 'out-of-reach', 'none'], name);
    }
    assert.deepEqual([by.fetch?.fix.kind, by['podman-run']?.fix.kind], ['env', 'env']);
    const detail = (name: string): string => by[name]?.fix.detail ?? '';
    assert.match(detail('vibesbox'), /existing container mcp-vibesbox-server \(docker exec\).*`docker cp <CA bundle> mcp-vibesbox-server:\/etc\/ssl\/certs\/mcp-ssl-doctor\.pem`.*`-e SSL_CERT_FILE=/);
    assert.match(detail('s3'), /-e NODE_EXTRA_CA_CERTS=\/etc\/ssl\/certs\/mcp-ssl-doctor\.pem/);
    assert.match(detail('obsidian-rag'), /obsidian-rag \(docker compose exec\).*docker compose cp/);
    assert.match(detail('MCP_DOCKER'), /Docker MCP Toolkit gateway.*Docker Desktop.*Proxies/);
    assert.match(detail('arm-mcp'), /shell string.*args \["run", \.\.\.\]/);
    assert.match(detail('podman-exec'), /mcp-node \(podman exec\).*`podman cp <CA bundle> mcp-node:.*`-e NODE_EXTRA_CA_CERTS=/);
    assert.match(detail('podman-compose'), /starts service mcp in a new container \(podman-compose run\).*`-v <CA bundle>:\/etc\/ssl\/certs\/mcp-ssl-doctor\.pem:ro -e SSL_CERT_FILE=.*` to the run arguments before mcp/);
    assert.match(detail('container-exec'), /mcp-py \(docker exec\).*-e SSL_CERT_FILE=/);
    assert.match(detail('compose-run'), /starts service mcp in a new container \(docker compose run\).*-e NODE_EXTRA_CA_CERTS=/);
    assert.match(detail('obsidian-rag'), /existing container obsidian-rag/, 'compose exec: the existing container');
    for (const name of OUT_OF_REACH) assert.doesNotMatch(detail(name), /\/home\/|\/tmp\//, `${name}: no host path on the container CLI`);
  });

  it('the text says it meets the root where no entry edit reaches, and the next step on the fix line', async () => {
    const { home } = fakeHome('text');
    const { out } = await run(home);
    assert.match(out, /podman-exec {2}unknown {2}pypi\.org:443 {2}will fail: it meets .*Containers Corporate Root.* where no entry edit reaches \(see the next step\)\n {4}fix: none \(runs inside the existing container mcp-node \(podman exec\)/);
    assert.match(out, /^2 server\(s\) can be fixed: mcp-ssl-doctor doctor --fix$/m, 'only docker run and podman run count as fixable');
  });

  it('--check fails naming them as not fixable; --fix --yes writes only the run entries and leaves every exec entry byte for byte', async () => {
    const { home, claude, cursor } = fakeHome('fix');
    const check = await run(home, '--check');
    assert.equal(check.code, 1);
    assert.match(check.out, /check failed: 2 server\(s\) would be changed by --fix/);
    assert.match(check.out, new RegExp(`check failed: ${OUT_OF_REACH.length} server\\(s\\) will fail and --fix cannot fix them: podman-exec`));

    const fixed = await run(home, '--fix', '--yes', '--json');
    const json = JSON.parse(fixed.out) as Json;
    assert.deepEqual(json.changed.map((c) => c.server).sort(), ['fetch', 'podman-run']);
    assert.equal(fixed.code, 1, 'servers are left failing: never "done"');
    const claudeAfter = JSON.parse(readFileSync(claude, 'utf8')) as { mcpServers: Record<string, unknown> };
    const claudeBefore = JSON.parse(fixture('containers-mcp.json')) as { mcpServers: Record<string, unknown> };
    for (const name of ['vibesbox', 's3', 'obsidian-rag', 'MCP_DOCKER', 'arm-mcp']) assert.deepEqual(claudeAfter.mcpServers[name], claudeBefore.mcpServers[name], name);
    const cursorAfter = JSON.parse(readFileSync(cursor, 'utf8')) as typeof PODMAN;
    for (const name of ['podman-exec', 'podman-compose', 'container-exec', 'compose-run'] as const) assert.deepEqual(cursorAfter.mcpServers[name], PODMAN.mcpServers[name], name);
    assert.ok(cursorAfter.mcpServers['podman-run'].args.includes('--mount'), 'podman run: the bundle mounted as for docker run');
  });
});
