// Windows and macOS on any machine: the OS store readers replay recorded command output
// (test/fixtures/os-stores/README.md says how each was made), and doctor lists and fixes a config
// with Windows launch shapes (`cmd /c npx`, `npx.cmd`, `uvx.exe`, backslash paths), keeping every byte
// it does not change. On a real macOS or Windows runner (.github/workflows/cross-os.yml) the readers
// also run against the machine's own store.
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { doctor } from '../../src/cli/doctor';
import type { CliIO } from '../../src/cli/io';
import { pemToDers } from '../../src/core/pem';
import { detectRuntime } from '../../src/core/runtime/detect';
import { WINDOWS_STORES } from '../../src/core/trust/locations';
import { loadSystemStore, macOsStoreCommands, windowsStoreCommand } from '../../src/core/trust/systemStore';
import { cleanup, tempDir } from '../fixtures/configs/harness';
import { createCa } from '../fixtures/pki';

const STORES = path.join(__dirname, '..', 'fixtures', 'os-stores');
const recorded = (name: string): string => readFileSync(path.join(STORES, name), 'utf8');
const sha = (der: Buffer): string => createHash('sha256').update(der).digest('hex');
const corporate = sha(pemToDers(recorded('corporate-root.pem'))[0] ?? Buffer.alloc(0));
const isrg = sha(pemToDers(recorded('macos-SystemRootCertificates.keychain.txt'))[0] ?? Buffer.alloc(0));

describe('OS store readers replaying recorded output', () => {
  it("macOS: `security find-certificate -a -p` per keychain, the login keychain under the user's home; each root once", async () => {
    const calls: string[] = [];
    const outputs: Record<string, string> = {
      '/System/Library/Keychains/SystemRootCertificates.keychain': recorded('macos-SystemRootCertificates.keychain.txt'),
      '/Library/Keychains/System.keychain': recorded('macos-System.keychain.txt'),
      // No login keychain item (or `security` failed): no output.
      '/Users/ann/Library/Keychains/login.keychain-db': '',
    };
    const store = await loadSystemStore({
      platform: 'darwin',
      home: '/Users/ann',
      nodeStore: false,
      env: {},
      runCommand: async (command, args) => {
        calls.push([command, ...args].join(' '));
        return outputs[args[args.length - 1] ?? ''] ?? '';
      },
    });
    assert.deepEqual(calls.sort(), macOsStoreCommands('/Users/ann').map(({ command, args }) => [command, ...args].join(' ')).sort());
    assert.ok(calls.includes('/usr/bin/security find-certificate -a -p /Users/ann/Library/Keychains/login.keychain-db'));
    const hashes = store.ders.map(sha);
    assert.equal(hashes.length, 4, 'three system roots and the corporate root, ISRG Root X1 (in both keychains) once');
    assert.equal(new Set(hashes).size, 4);
    assert.ok(hashes.includes(corporate), 'the root IT installed in System.keychain');
    assert.ok(hashes.includes(isrg));
    assert.deepEqual(store.sources, ['/System/Library/Keychains/SystemRootCertificates.keychain', '/Library/Keychains/System.keychain']);
    for (const der of store.ders) assert.doesNotThrow(() => new X509Certificate(der));
  });

  it('Windows: one PowerShell export of LocalMachine Root and CA and CurrentUser Root (one-line base64, CRLF); each root once', async () => {
    let ran: { command: string; args: string[] } | undefined;
    const store = await loadSystemStore({
      platform: 'win32',
      nodeStore: false,
      env: {},
      runCommand: async (command, args) => {
        ran = { command, args };
        return recorded('windows-powershell-export.txt');
      },
    });
    assert.deepEqual(ran, windowsStoreCommand());
    assert.equal(ran?.command, 'powershell.exe');
    assert.deepEqual(ran?.args.slice(0, 3), ['-NoProfile', '-NonInteractive', '-Command']);
    for (const name of WINDOWS_STORES) assert.ok(ran?.args[3]?.includes(`'${name}'`), name);
    const hashes = store.ders.map(sha);
    assert.equal(hashes.length, 4, 'ISRG Root X1 in LocalMachine and CurrentUser Root, once');
    assert.ok(hashes.includes(corporate));
    assert.deepEqual(store.sources, [...WINDOWS_STORES]);
  });

  it('Windows: PowerShell missing or failing → an empty store, no source claimed', async () => {
    const store = await loadSystemStore({ platform: 'win32', nodeStore: false, env: {}, runCommand: async () => '' });
    assert.deepEqual(store, { ders: [], sources: [] });
  });

  it('on a real macOS or Windows machine, its own store reads (skipped elsewhere)', { skip: process.platform !== 'darwin' && process.platform !== 'win32' }, async () => {
    const store = await loadSystemStore({ nodeStore: false, env: {} });
    assert.ok(store.ders.length > 20, `${store.ders.length} roots from ${store.sources.join(', ')}`);
    for (const der of store.ders.slice(0, 20)) assert.doesNotThrow(() => new X509Certificate(der));
  });
});

describe('the runtime of a shell string is that of the first command in it that names one', () => {
  it('PowerShell with options before -Command, cmd /c with one string, bash -lc with a setup command first; a batch file stays unknown', () => {
    const runtime = (command: string, args: string[]): string => detectRuntime(command, args).runtime;
    assert.equal(runtime('powershell', ['-NoProfile', '-Command', 'npx -y @upstash/context7-mcp']), 'node');
    assert.equal(runtime('pwsh.exe', ['-NoLogo', '-NoProfile', '-Command', 'uvx mcp-server-fetch']), 'python');
    assert.equal(runtime('cmd.exe', ['/c', 'uvx mcp-server-time --local-timezone=UTC']), 'python');
    assert.equal(runtime('bash', ['-lc', 'source ~/.nvm/nvm.sh && npx -y @modelcontextprotocol/server-github']), 'node');
    assert.equal(runtime('cmd', ['/c', 'C:/Users/me/mcp/start_server.bat']), 'unknown');
    // A container inside the string is out of reach, as before: not a runtime of the string.
    assert.equal(detectRuntime('sh', ['-c', 'docker exec -i mcp node index.js']).outOfReach?.code !== undefined, true);
  });
});

describe("doctor's listing and fix of Windows launch shapes", () => {
  let dir: string;
  let ca: string;
  let publicFile: string;
  before(async () => {
    dir = tempDir('mcp-windows-shapes-');
    const root = await createCa('Windows Shapes Corporate Root');
    const publicRoot = await createCa('Windows Shapes Public Root');
    ca = path.join(dir, 'corp.pem');
    publicFile = path.join(dir, 'public.pem');
    writeFileSync(ca, root.pem);
    writeFileSync(publicFile, publicRoot.pem);
  });
  after(() => cleanup(dir));

  const io = (home: string, out: string[]): CliIO => ({
    stdout: (text) => out.push(text),
    stderr: () => undefined,
    readStdin: async () => '',
    env: { HOME: home },
    cwd: home,
    isTTY: { stdin: false, stdout: false, stderr: false },
  });

  it('every server with its runtime and target; --fix writes each env, backslash arguments untouched; again: nothing', async () => {
    const home = path.join(dir, 'home');
    const folder = path.join(home, '.config', 'Claude');
    mkdirSync(folder, { recursive: true });
    const file = path.join(folder, 'claude_desktop_config.json');
    const original = readFileSync(path.join(__dirname, '..', 'fixtures', 'configs', 'windows-shapes-claude_desktop_config.json'), 'utf8');
    writeFileSync(file, original);
    const args = ['--ca', ca, '--system-ca', ca, '--public-ca', publicFile, '--no-logs', '--no-runtime-check'];
    const out: string[] = [];
    assert.equal(await doctor([...args, '--json'], io(home, out)), 0);
    const report = JSON.parse(out.join('')) as { servers: { server: string; runtime: string; target: { host: string } | null; fix: { kind: string } }[] };
    const rows = report.servers.map((s) => [s.server, s.runtime, s.target?.host ?? null, s.fix.kind]);
    assert.deepEqual(rows, [
      ['filesystem', 'node', 'registry.npmjs.org', 'env'],
      ['github', 'node', 'registry.npmjs.org', 'env'],
      ['fetch', 'python', 'pypi.org', 'env'],
      ['time', 'python', 'pypi.org', 'env'],
      ['git', 'python', 'pypi.org', 'env'],
      // A PowerShell command string: the runtime of the command inside it.
      ['context7', 'node', 'registry.npmjs.org', 'env'],
      // A batch file: no runtime to tell; both variables go in (doctor's rule for an unknown runtime).
      ['system-monitor', 'unknown', 'pypi.org', 'env'],
    ]);

    const fixed: string[] = [];
    assert.equal(await doctor([...args, '--fix', '--yes'], io(home, fixed)), 0);
    const after = readFileSync(file, 'utf8');
    const parsed = JSON.parse(after) as { mcpServers: Record<string, { args: string[]; env?: Record<string, string> }> };
    assert.ok(parsed.mcpServers.filesystem.env?.NODE_EXTRA_CA_CERTS);
    assert.ok(parsed.mcpServers.fetch.env?.SSL_CERT_FILE);
    assert.equal(parsed.mcpServers.github.env?.GITHUB_PERSONAL_ACCESS_TOKEN, '<token>');
    // Every line of the original that holds a Windows path is still there, byte for byte.
    for (const line of original.split('\n').filter((l) => l.includes('\\\\') || l.includes('C:/'))) assert.ok(after.includes(line.trim()), line);
    const again: string[] = [];
    assert.equal(await doctor([...args, '--fix', '--yes'], io(home, again)), 0);
    assert.equal(readFileSync(file, 'utf8'), after, 'a second --fix changes no byte');
  });
});
