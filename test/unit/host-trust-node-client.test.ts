// Real Node clients through the loopback interceptor (and mitmproxy when installed), started with a
// clean environment (no inherited CA or proxy variable, docs/testbed.md):
// - with the `env` our fix wrote into ~/.claude/settings.json, passed as Claude Code passes it to the
//   processes it starts, a Node client trusts the interception root; without it, it fails;
// - the editor-process alternative, at the Node level: VS Code's patched fetch verifies with
//   `[...tls.rootCertificates, ...tls.getCACertificates('system')]`; SSL_CERT_FILE feeds the second
//   part, NODE_EXTRA_CA_CERTS does not (measured in code-server 4.139.1, docs/testbed.md). Needs Node >= 22.15.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'jsonc-parser';
import { buildBundle, readCertificates, writeBundle } from '../../src/core/fix/bundle';
import { applyHostTrust } from '../../src/core/hostTrust/apply';
import { planHostTrust } from '../../src/core/hostTrust/plan';
import { startNetwork, TestNetwork } from '../fixtures/network';

/** CONNECT through the proxy, TLS to the origin by name, GET /; prints `ok` or the error code. */
const CLIENT = `
const http = require('node:http'); const tls = require('node:tls');
const [proxyPort, host, port, mode] = process.argv.slice(1);
const ca = mode === 'vscode-fetch' ? [...tls.rootCertificates, ...tls.getCACertificates('system')] : undefined;
const req = http.request({ host: '127.0.0.1', port: Number(proxyPort), method: 'CONNECT', path: host + ':' + port });
req.on('connect', (res, socket) => {
  const s = tls.connect({ socket, servername: host, ca }, () => s.write('GET / HTTP/1.1\\r\\nHost: ' + host + '\\r\\nConnection: close\\r\\n\\r\\n'));
  let body = ''; s.on('data', (d) => { body += d; });
  s.on('end', () => { console.log(body.endsWith('ok') ? 'ok' : 'bad response'); process.exit(0); });
  s.on('error', (e) => { console.log(e.code || e.message); process.exit(1); });
});
req.on('error', (e) => { console.log('proxy ' + (e.code || e.message)); process.exit(1); });
req.end();
`;

function node24(): string | null {
  const candidates = [
    process.env.MCP_SSL_DOCTOR_NODE24,
    path.join(os.homedir(), '.cache', 'mcp-ssl-doctor', 'testbed', 'node24', 'node_modules', 'node', 'bin', 'node'),
  ];
  return candidates.find((c): c is string => c !== undefined && existsSync(c)) ?? null;
}

function runClient(nodeBin: string, env: NodeJS.ProcessEnv, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(nodeBin, ['-e', CLIENT, ...args], { env, timeout: 20_000 }, (error, stdout) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: String(stdout).trim() });
    });
  });
}

let net: TestNetwork;
/** Per proxy (each re-signs with its own root): the bundle and the env our fix wrote for Claude Code. */
const fixed = new Map<string, { bundlePath: string; env: Record<string, string> }>();

async function fixClaudeCodeFor(name: string, rootPem: string): Promise<{ bundlePath: string; env: Record<string, string> }> {
  const home = path.join(net.dir, `home-${name}`);
  await mkdir(home);
  const cas = readCertificates(rootPem, 'root');
  const bundlePath = (await writeBundle(buildBundle(cas, 'combined'), path.join(home, '.mcp-ssl-doctor'))).path;
  const plan = planHostTrust({
    hostApp: 'claude-code',
    platform: process.platform,
    home,
    root: { pem: rootPem, subject: cas[0]?.subject ?? '', sha256: createHash('sha256').update(new X509Certificate(rootPem).raw).digest('hex') },
    rootInOsStore: false,
    bundlePath,
  });
  await applyHostTrust(plan);
  // Claude Code starts its processes with its own environment plus the settings' env (strings).
  const settings = parse(readFileSync(path.join(home, '.claude', 'settings.json'), 'utf8')) as { env: Record<string, string> };
  return { bundlePath, env: settings.env };
}

before(async () => {
  net = await startNetwork();
  for (const proxy of net.proxies) fixed.set(proxy.name, await fixClaudeCodeFor(proxy.name, readFileSync(proxy.caFile, 'utf8')));
});
after(() => net.close());

describe('host trust: real Node clients through an intercepting proxy', () => {
  it('the Claude Code settings env carries NODE_EXTRA_CA_CERTS = the combined bundle', () => {
    for (const { bundlePath, env } of fixed.values()) assert.deepEqual(env, { NODE_EXTRA_CA_CERTS: bundlePath });
  });

  it('a Node client started with that env trusts the interceptor (root sent, and leaf-only mitmproxy when installed); without it, it fails', async (t) => {
    if (net.mitmproxySkip) t.diagnostic(`mitmproxy: ${net.mitmproxySkip}`);
    for (const proxy of net.proxies) {
      const args = [String(proxy.port), net.origin.host, String(net.origin.port), 'default'];
      const withEnv = await runClient(process.execPath, net.cleanEnv(fixed.get(proxy.name)?.env), args);
      assert.deepEqual(withEnv, { code: 0, out: 'ok' }, `${proxy.name} with the settings env`);
      const plain = await runClient(process.execPath, net.cleanEnv(), args);
      assert.equal(plain.code, 1, `${proxy.name} without it`);
      assert.equal(plain.out, proxy.sendsRoot ? 'SELF_SIGNED_CERT_IN_CHAIN' : 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    }
  });

  it('editor process (VS Code fetch style, Node >= 22.15): SSL_CERT_FILE = bundle trusts the root, NODE_EXTRA_CA_CERTS does not', async (t) => {
    const bin = node24();
    if (!bin) {
      t.skip('no Node >= 22.15 (set MCP_SSL_DOCTOR_NODE24)');
      return;
    }
    const args = [String(net.interceptor.port), net.origin.host, String(net.origin.port), 'vscode-fetch'];
    const bundlePath = fixed.get('interceptor')?.bundlePath ?? '';
    assert.deepEqual(await runClient(bin, net.cleanEnv({ SSL_CERT_FILE: bundlePath }), args), { code: 0, out: 'ok' });
    const extra = await runClient(bin, net.cleanEnv({ NODE_EXTRA_CA_CERTS: bundlePath }), args);
    assert.deepEqual(extra, { code: 1, out: 'SELF_SIGNED_CERT_IN_CHAIN' });
  });
});
