// The CLI contract as users meet it, through the built dist/cli.js and its per-command bundles:
// exit 3 for hosts that cannot be probed, file:line:column for a malformed config, --help on every
// subcommand, a reader that goes away, and `scan` at a terminal reading the editors' logs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI, ensureBuiltCli, runBuiltCli } from '../support/builtCli';

const dir = mkdtempSync(join(tmpdir(), 'cli-contract-'));
const env = { HOME: join(dir, 'home'), PATH: process.env.PATH ?? '/usr/bin:/bin' };
before(() => {
  ensureBuiltCli();
  mkdirSync(env.HOME);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('CLI contract (built bundles)', () => {
  it('chain and fix --host exit 3 when the host cannot be probed (refused, DNS, not TLS, proxy refusing)', async () => {
    const notTls = net.createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((resolve) => notTls.listen(0, '127.0.0.1', resolve));
    const port = (notTls.address() as net.AddressInfo).port;
    try {
      const config = join(dir, 'mcp.json');
      writeFileSync(config, '{ "servers": { "a": { "command": "uvx", "args": ["x"] } } }\n');
      for (const args of [
        ['chain', '127.0.0.1:1'],
        ['chain', 'no-such-host.invalid'],
        ['chain', `127.0.0.1:${port}`],
        ['chain', 'example.test', '--proxy', `http://127.0.0.1:${port}`],
        ['fix', '--config', config, '--host', '127.0.0.1:1'],
      ]) {
        const result = await runBuiltCli(args, env, dir);
        assert.equal(result.code, 3, `${args.join(' ')}: ${result.stderr}`);
        assert.match(result.stderr, /^mcp-ssl-doctor (chain|fix): /);
      }
      assert.equal(readFileSync(config, 'utf8'), '{ "servers": { "a": { "command": "uvx", "args": ["x"] } } }\n');
    } finally {
      notTls.close();
    }
  });

  it('a malformed config is refused with exit 2 and file:line:column', async () => {
    const config = join(dir, 'bad.json');
    writeFileSync(config, '{\n  "servers": {\n    "a": { "command": "uvx" },,\n  }\n}\n');
    const result = await runBuiltCli(['fix', '--config', config, '--host', 'localhost:1'], env, dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, new RegExp(`${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: not valid JSON`));
  });

  it('--help works on every subcommand', async () => {
    for (const command of ['scan', 'chain', 'fix', 'undo', 'doctor']) {
      const result = await runBuiltCli([command, '--help'], env, dir);
      assert.equal(result.code, 0, `${command} --help: ${result.stderr}`);
      assert.match(result.stdout, new RegExp(`mcp-ssl-doctor ${command} `));
    }
  });

  it('scan | head -1 ends quietly', () => {
    const log = join(dir, 'many.log');
    writeFileSync(log, 'requests.exceptions.SSLError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain (_ssl.c:1006)\nok\n'.repeat(20000));
    const result = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" scan "${log}" | head -1`], { env, encoding: 'utf8' });
    assert.equal(result.status, 0);
    assert.equal(result.stderr, '', 'no EPIPE stack trace');
    assert.match(result.stdout, /untrusted-ca/);
  });

  it('scan with no FILE at a terminal reads the editors\' MCP logs instead of waiting for input', { skip: spawnSync('script', ['--version']).status !== 0 && 'util-linux script is needed for a terminal' }, () => {
    const home = join(dir, 'tty-home');
    const window = join(home, '.config', 'Code', 'logs', '20261201T100000', 'window1');
    mkdirSync(window, { recursive: true });
    writeFileSync(join(window, 'mcpServer.mcp.config.ws0.docs.log'), '2026-12-01 10:00:00.000 [warning] [server stderr] [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)\n');
    const result = spawnSync('script', ['-qec', `"${process.execPath}" "${CLI}" scan`, '/dev/null'], { env: { ...env, HOME: home }, encoding: 'utf8', timeout: 20_000, input: '' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /reading 1 MCP log/);
    assert.match(result.stdout, /mcpServer\.mcp\.config\.ws0\.docs\.log:1 {2}untrusted-ca {2}python .*\[docs\]/);
  });
});
