// What the tool says is what happened (issue: the exact core): each claim of the built CLI checked
// against the real outcome, through a loopback interceptor.
//  - "verified" names the server's own host: two servers of one config, one whose host cannot be
//    reached, fixed with a CA given by hand — the second is never "verified" by the first one's handshake.
//  - `fix --host` analyses a server through the route its host gives it (the proxy its environment
//    names), not through the session's proxy that its host drops.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startNetwork, type TestNetwork } from '../fixtures/network';
import { ensureBuiltCli, runBuiltCli } from '../support/builtCli';

let net: TestNetwork;
let systemStore: string;
let closedPort = 0;

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

interface Change {
  server: string;
  verified: { by: string; ok: boolean; message: string } | null;
}

before(async () => {
  ensureBuiltCli();
  net = await startNetwork({ mitmproxy: false });
  systemStore = join(net.dir, 'os-store.pem');
  writeFileSync(systemStore, net.corporateRoot.pem);
  // A port nothing listens on: a host the second server names but cannot reach.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
after(async () => {
  await net?.close();
});

const env = (home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => net.cleanEnv({ HOME: home, MCP_SSL_DOCTOR_SYSTEM_CA: systemStore, ...extra });

describe('claims: each "verified" is the server\'s own', () => {
  it('doctor --ca: a server whose own host cannot be reached is not "verified" by another server\'s handshake', async () => {
    const home = join(net.dir, 'home-verified');
    const config = join(home, '.config', 'Claude', 'claude_desktop_config.json');
    write(
      config,
      JSON.stringify(
        {
          mcpServers: {
            reaches: { command: 'python3', args: ['server.py', net.origin.url], env: { HTTPS_PROXY: net.interceptor.url } },
            lost: { command: 'python3', args: ['server.py', `https://127.0.0.1:${closedPort}/`], env: { HTTPS_PROXY: '' } },
          },
        },
        null,
        2,
      ),
    );
    const caFile = join(net.dir, 'corporate-root.pem');
    writeFileSync(caFile, net.corporateRoot.pem);
    const run = await runBuiltCli(['doctor', '--ca', caFile, '--public-ca', net.publicRootFile, '--no-logs', '--fix', '--yes', '--json'], env(home), home);
    const json = JSON.parse(run.stdout) as { changed: Change[]; skipped: { server: string; reason: string }[] };
    const lost = json.changed.find((change) => change.server === 'lost');
    const lostSkipped = json.skipped.find((skip) => skip.server === 'lost');
    assert.ok(lost || lostSkipped, `lost is reported: ${run.stdout}`);
    if (lost) {
      assert.notEqual(lost.verified?.ok, true, `never "verified" when its own host was not reached: ${JSON.stringify(lost.verified)}`);
      if (lost.verified) assert.match(lost.verified.message, new RegExp(`127\\.0\\.0\\.1:${closedPort}`), 'a verification names its own host');
    } else {
      assert.match(lostSkipped?.reason ?? '', new RegExp(`127\\.0\\.0\\.1:${closedPort}|runtime-check`), 'says which host and why');
    }

    const reaches = json.changed.find((change) => change.server === 'reaches');
    assert.match(reaches?.verified?.by ?? '', /^python \d/, run.stdout);
    assert.equal(reaches?.verified?.ok, true);
    assert.match(reaches?.verified?.message ?? '', new RegExp(`localhost:${net.origin.port}`), 'the message names the host it proved');
    const human = await runBuiltCli(['doctor', '--ca', caFile, '--public-ca', net.publicRootFile, '--no-logs', '--check'], env(home), home);
    assert.doesNotMatch(human.stdout, /lost.*verified by python/i);
  });
});

describe('claims: one route per server', () => {
  it('fix --host analyses, verifies and proves a server through the proxy its host gives it, not the session\'s', async () => {
    const home = join(net.dir, 'home-route');
    // A config at no known place: the host rules assumed pass on only an allowlist (no HTTPS_PROXY).
    const dropped = join(home, 'project', 'mcp-dropped.json');
    write(dropped, JSON.stringify({ mcpServers: { node: { command: 'node', args: ['server.mjs', net.origin.url] } } }, null, 2));
    const session = env(home, { HTTPS_PROXY: net.interceptor.url });
    const direct = await runBuiltCli(['fix', '--config', dropped, '--host', net.origin.hostPort, '--public-ca', net.publicRootFile, '--json'], session, home);
    assert.notEqual(direct.code, 0, 'the server goes direct: its target verifies to a public root, nothing to fix');
    assert.match(direct.stderr + direct.stdout, /public root/, direct.stderr + direct.stdout);
    assert.equal(readFileSync(dropped, 'utf8').includes('NODE_EXTRA_CA_CERTS'), false, 'nothing written');

    // The same server naming the proxy itself: analysed through it, fixed, proved by its own Node through it.
    const named = join(home, 'project', 'mcp-named.json');
    write(named, JSON.stringify({ mcpServers: { node: { command: 'node', args: ['server.mjs', net.origin.url], env: { HTTPS_PROXY: net.interceptor.url } } } }, null, 2));
    const fixed = await runBuiltCli(['fix', '--config', named, '--host', net.origin.hostPort, '--public-ca', net.publicRootFile, '--json'], env(home), home);
    assert.equal(fixed.code, 0, fixed.stderr);
    const result = JSON.parse(fixed.stdout) as { changed: Change[]; cas: { subject: string }[] };
    assert.match(result.cas[0]?.subject ?? '', /Test Corporate Inspection Root/);
    assert.match(result.changed[0]?.verified?.by ?? '', /^node v\d/);
    assert.equal(result.changed[0]?.verified?.ok, true, JSON.stringify(result.changed[0]));
  });
});
