// WSL by simulation (issue 22, section 2): Linux under WSL, whose own store lacks the root IT installed
// on Windows. The Windows store is read through interop — `powershell.exe` found on the PATH WSL
// appends — here a stand-in on PATH that prints the export as PowerShell does (one base64 line per
// certificate, CRLF line ends) and records the command it was given. `doctor --ca` then knows the
// root as the OS store's, writes the bundle on the Linux side and fixes the config that starts the server.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { doctor } from '../../src/cli/doctor';
import type { CliIO } from '../../src/cli/io';
import { isWsl, loadSystemStore } from '../../src/core/trust/systemStore';
import { detectRuntime } from '../../src/core/runtime/detect';
import { planFix } from '../../src/core/fix/plan';
import { createCa, type TestCert } from '../fixtures/pki';

const dir = mkdtempSync(join(tmpdir(), 'wsl-store-'));
const interop = join(dir, 'mnt-c-windows-system32');
const calls = join(dir, 'powershell-calls.txt');
let windowsRoot: TestCert;
let other: TestCert;

/** As PowerShell prints `'-----BEGIN CERTIFICATE-----'; [Convert]::ToBase64String($_.RawData); ...`: one line each, CRLF. */
function exportOf(...certs: TestCert[]): string {
  return certs.map((cert) => `-----BEGIN CERTIFICATE-----\r\n${new X509Certificate(cert.pem).raw.toString('base64')}\r\n-----END CERTIFICATE-----\r\n`).join('');
}

before(async () => {
  windowsRoot = await createCa('Contoso Inspection Root (Windows store)');
  other = await createCa('Another Windows Root');
  mkdirSync(interop);
  const output = join(dir, 'export.txt');
  writeFileSync(output, exportOf(other, windowsRoot));
  const stand = join(interop, 'powershell.exe');
  writeFileSync(stand, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${calls}'\ncat '${output}'\n`);
  chmodSync(stand, 0o755);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const wslEnv = (path: string): NodeJS.ProcessEnv => ({ WSL_DISTRO_NAME: 'Ubuntu-24.04', WSL_INTEROP: '/run/WSL/1_interop', PATH: path });
const sha = (cert: TestCert): string => new X509Certificate(cert.pem).fingerprint256;
const hasRoot = (ders: Buffer[], cert: TestCert): boolean => ders.some((der) => new X509Certificate(der).fingerprint256 === sha(cert));

describe('the OS store under WSL', () => {
  it('WSL is told by the variables WSL sets, on linux only', () => {
    assert.equal(isWsl('linux', { WSL_DISTRO_NAME: 'Ubuntu' }), true);
    assert.equal(isWsl('linux', { WSL_INTEROP: '/run/WSL/8_interop' }), true);
    assert.equal(isWsl('linux', {}), false);
    assert.equal(isWsl('win32', { WSL_DISTRO_NAME: 'Ubuntu' }), false);
  });

  it('under WSL the Windows store is added through interop (powershell.exe on PATH), after the Linux store', async () => {
    const store = await loadSystemStore({ platform: 'linux', env: wslEnv(`${interop}:/usr/bin:/bin`) });
    assert.ok(hasRoot(store.ders, windowsRoot), 'the root IT installed on Windows');
    assert.ok(hasRoot(store.ders, other));
    assert.ok(store.sources.some((source) => source === 'Cert:\\LocalMachine\\Root (Windows, through WSL interop)'), store.sources.join(', '));
    assert.match(readFileSync(calls, 'utf8'), /-NoProfile -NonInteractive -Command .*Cert:\\LocalMachine\\Root/);
  });

  it('not under WSL, or with interop off (no powershell.exe): the Linux store alone, no error', async () => {
    const plain = await loadSystemStore({ platform: 'linux', env: { PATH: `${interop}:/usr/bin:/bin` } });
    assert.equal(hasRoot(plain.ders, windowsRoot), false);
    const off = await loadSystemStore({ platform: 'linux', env: wslEnv('/usr/bin:/bin') });
    assert.equal(hasRoot(off.ders, windowsRoot), false);
    assert.ok(!off.sources.some((source) => source.includes('WSL')));
  });

  it('doctor --ca inside WSL: the root is the OS store\'s (no --trust-unknown-ca), the bundle is written on the Linux side, the config that starts the server is fixed', async () => {
    const home = join(dir, 'home');
    const config = join(home, '.claude.json');
    mkdirSync(dirname(config), { recursive: true });
    writeFileSync(config, `${JSON.stringify({ mcpServers: { docs: { command: 'uvx', args: ['mcp-docs'] } } }, null, 2)}\n`);
    const caFile = join(dir, 'it-root.pem');
    writeFileSync(caFile, windowsRoot.pem);
    let out = '';
    const io: CliIO = {
      stdout: (text) => (out += text),
      stderr: (text) => (out += text),
      readStdin: async () => '',
      env: { HOME: home, ...wslEnv(`${interop}:/usr/bin:/bin`) },
      cwd: dir,
      isTTY: { stdin: false, stdout: false, stderr: false },
      prompt: async () => 'n',
    };
    const code = await doctor(['--ca', caFile, '--fix', '--yes', '--no-logs', '--no-runtime-check', '--json'], io);
    assert.equal(code, 0, out);
    const json = JSON.parse(out) as { changed: { server: string; env: Record<string, string>; bundle: string }[] };
    assert.equal(json.changed[0]?.server, 'docs');
    assert.ok(json.changed[0]?.bundle.startsWith(`${home}/`), `the bundle on the Linux side: ${json.changed[0]?.bundle}`);
    assert.ok(existsSync(json.changed[0]?.bundle ?? ''));
    const written = JSON.parse(readFileSync(config, 'utf8')) as { mcpServers: { docs: { env: Record<string, string> } } };
    assert.ok(written.mcpServers.docs.env.SSL_CERT_FILE?.endsWith('.pem'));
  });
});

describe('a server Windows starts through wsl', () => {
  it('the runtime is that of the command wsl runs (-d, -u, --cd, -e, -- understood), marked as running in WSL', () => {
    const of = (command: string, args: string[]) => {
      const guess = detectRuntime(command, args);
      return [guess.runtime, guess.launcher, guess.viaWsl === true];
    };
    assert.deepEqual(of('wsl', ['-d', 'Ubuntu', '--', 'npx', '-y', '@modelcontextprotocol/server-filesystem', '/home/u']), ['node', 'npx', true]);
    assert.deepEqual(of('wsl.exe', ['-u', 'dev', '--cd', '~', 'uvx', 'mcp-server-fetch']), ['python', 'uvx', true]);
    assert.deepEqual(of('C:\\Windows\\System32\\wsl.exe', ['-e', 'python3', '-m', 'docs']), ['python', 'python3', true]);
    assert.deepEqual(of('cmd', ['/c', 'wsl', 'node', '/home/u/srv/index.js']), ['node', 'node', true]);
    assert.deepEqual(of('npx', ['-y', 'pkg']), ['node', 'npx', false]);
  });

  it('the fix names its variables in WSLENV (a CA path /p-translated when the fix runs on Windows), keeping the entry\'s own list', async () => {
    const ca = (await createCa('WSL Corp Root')).pem;
    const config = join(dir, 'claude_desktop_config.json');
    writeFileSync(config, JSON.stringify({
      mcpServers: {
        fs: { command: 'wsl', args: ['-d', 'Ubuntu', '--', 'npx', '-y', '@modelcontextprotocol/server-filesystem', '/home/u'] },
        fetch: { command: 'wsl.exe', args: ['uvx', 'mcp-server-fetch'], env: { WSLENV: 'GITHUB_TOKEN/u' } },
        plain: { command: 'npx', args: ['-y', 'pkg'] },
      },
    }, null, 2));
    const plan = async (platform: NodeJS.Platform) => planFix({ configPath: config, caPems: [ca], home: platform === 'win32' ? 'C:\\Users\\u' : '/home/u', bundleDir: platform === 'win32' ? 'C:\\Users\\u\\.mcp-ssl-doctor' : '/home/u/.mcp-ssl-doctor', platform, mode: 'ca-only' });
    const onWindows = Object.fromEntries((await plan('win32')).changed.map((change) => [change.server, change.env]));
    assert.equal(onWindows.fs?.WSLENV, 'NODE_EXTRA_CA_CERTS/p');
    assert.equal(onWindows.fetch?.WSLENV, 'GITHUB_TOKEN/u:SSL_CERT_FILE/p:REQUESTS_CA_BUNDLE/p');
    assert.equal(onWindows.plain?.WSLENV, undefined, 'a server Windows runs itself needs no WSLENV');
    const insideWsl = await plan('linux');
    const fromLinux = Object.fromEntries(insideWsl.changed.map((change) => [change.server, change.env]));
    assert.equal(fromLinux.fs?.WSLENV, 'NODE_EXTRA_CA_CERTS', 'a Linux path already: passed as it is');
    assert.match(fromLinux.fs?.NODE_EXTRA_CA_CERTS ?? '', /^\/home\/u\/\.mcp-ssl-doctor\//, 'the bundle on the Linux side');
    assert.match(insideWsl.newContent, /"WSLENV": "GITHUB_TOKEN\/u:SSL_CERT_FILE:REQUESTS_CA_BUNDLE"/);
  });
});
