// `fix` proves the change in each server's own runtime before writing, through the built CLI and
// mitmproxy: Debian's Python and this Node verify the new environment; a runtime that drops the CA
// variable (a host that passes no env) still fails, and its server is not written.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startNetwork, type TestNetwork } from '../fixtures/network';
import { createCaDroppingWrappers, type Wrappers } from '../fixtures/runtime-wrappers';
import { ensureBuiltCli, runBuiltCli } from '../support/builtCli';

let net: TestNetwork;
let wrappers: Wrappers;

interface Json {
  changed: { server: string; verified: { by: string; ok: boolean; message: string } | null }[];
  skipped: { server: string; reason: string }[];
}

before(async () => {
  ensureBuiltCli();
  net = await startNetwork();
  assert.equal(net.mitmproxySkip, null, `mitmproxy is needed: ${net.mitmproxySkip ?? ''}`);
  wrappers = await createCaDroppingWrappers('/usr/bin/python3', process.execPath);
});
after(async () => {
  await wrappers?.close();
  await net?.close();
});

describe('fix: runtime verification', () => {
  it('Python and Node verify the new env; a runtime that ignores it is skipped with its own error and not written', async () => {
    const mitm = net.mitmproxy?.url ?? '';
    const config = join(net.dir, 'claude_desktop_config.json');
    const original = `${JSON.stringify(
      {
        mcpServers: {
          py: { command: '/usr/bin/python3', args: ['server.py', net.origin.url], env: { HTTPS_PROXY: mitm } },
          js: { command: 'npx', args: ['-y', 'api-mcp', net.origin.url], env: { HTTPS_PROXY: mitm } },
          dropper: { command: wrappers.python3, args: ['server.py'], env: { HTTPS_PROXY: mitm } },
        },
      },
      null,
      2,
    )}\n`;
    writeFileSync(config, original);
    const store = join(net.dir, 'store.pem');
    writeFileSync(store, readFileSync(net.mitmproxy?.caFile ?? '', 'utf8'));
    const env = net.cleanEnv({ MCP_SSL_DOCTOR_SYSTEM_CA: store });
    const args = ['fix', '--config', config, '--host', net.origin.hostPort, '--proxy', mitm, '--public-ca', net.publicRootFile];

    const result = await runBuiltCli([...args, '--json'], env, net.dir);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as Json;
    const verified = Object.fromEntries(json.changed.map((change) => [change.server, change.verified]));
    assert.match(verified.py?.by ?? '', /^python 3\.\d+/);
    assert.equal(verified.py?.ok, true);
    assert.match(verified.js?.by ?? '', /^node v\d+/);
    assert.equal(verified.js?.ok, true);
    assert.deepEqual(json.skipped.map((skip) => skip.server), ['dropper']);
    assert.match(json.skipped[0]?.reason ?? '', /^runtime-check: python 3\.\d+\.\d+ still fails: this runtime ignores SSL_CERT_FILE: .*CERTIFICATE_VERIFY_FAILED/);
    const written = JSON.parse(readFileSync(config, 'utf8')) as { mcpServers: Record<string, { env: Record<string, string> }> };
    assert.ok(written.mcpServers.py?.env.SSL_CERT_FILE, 'py is written');
    assert.equal(written.mcpServers.dropper?.env.SSL_CERT_FILE, undefined, 'a server whose runtime still fails is not written');

    // Before the fix the same runtime fails: undo, then check without writing (the human line names the runtime).
    assert.equal((await runBuiltCli(['undo', '--config', config], env, net.dir)).code, 0);
    assert.equal(readFileSync(config, 'utf8'), original);
    const human = await runBuiltCli(args, env, net.dir);
    assert.match(human.stdout, /py \(python\): sets SSL_CERT_FILE, REQUESTS_CA_BUNDLE = .*\n {4}verified by python 3\.\d+\.\d+: OK, a handshake with /);
    assert.match(human.stdout, /skipped dropper: runtime-check: python .* still fails/);
    assert.doesNotMatch(human.stdout, /dropper \(python\): sets/);

    const unchecked = await runBuiltCli([...args, '--no-runtime-check', '--json'], net.cleanEnv({ MCP_SSL_DOCTOR_SYSTEM_CA: store }), net.dir);
    assert.equal(unchecked.code, 0, unchecked.stderr);
    const uncheckedJson = JSON.parse(unchecked.stdout) as Json & { warnings: { code: string }[] };
    assert.ok(uncheckedJson.changed.every((change) => change.verified === null));
    assert.ok(uncheckedJson.warnings.some((warning) => warning.code === 'runtime-check'));
  });
});
