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
