// `mcp-ssl-doctor doctor` answers a fleet script and a person truthfully, through the built CLI over
// fake homes: a config that cannot be read or a server left failing is not "done" (exit 1), an empty
// --home is bad input, the question at a terminal names each root (subject, SHA-256, which store trusts
// it, its servers) once, and the lines say what to do next.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startInterceptor, type Interceptor } from '../fixtures/interceptor';
import { startOrigin, type Origin } from '../fixtures/origin';
import { createCa, createLeaf, type TestCert } from '../fixtures/pki';
import { CLI, ensureBuiltCli, runBuiltCli, type CliRun } from '../support/builtCli';

const dir = mkdtempSync(join(tmpdir(), 'doctor-answers-'));
let origin: Origin;
let originUrl = '';
let publicRoot: TestCert;
let corporate: TestCert;
let stranger: TestCert;
/** Re-signs with a root the OS store holds, and sends it. */
let corpProxy: Interceptor;
/** Re-signs with a root no store holds, and sends it: verdict untrusted. */
let unknownProxy: Interceptor;
/** Re-signs with a root no store holds, sends only the leaf: verdict incomplete. */
let leafOnlyProxy: Interceptor;
const publicFile = join(dir, 'public.pem');
const storeFile = join(dir, 'os-store.pem');
const corpFile = join(dir, 'corp-root.pem');

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** Every file under a folder with its bytes (and every folder): what a run changed. */
function snapshot(folder: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      if (entry.isDirectory()) {
        files.set(`${full}/`, '');
        walk(full);
      } else files.set(full, readFileSync(full, 'latin1'));
    }
  };
  walk(folder);
  return files;
}

const envOf = (home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin', MCP_SSL_DOCTOR_SYSTEM_CA: storeFile, ...extra });

function doctor(home: string, args: string[], extra: Record<string, string> = {}, cwd = home): Promise<CliRun> {
  return runBuiltCli(['doctor', '--public-ca', publicFile, '--no-logs', ...args], envOf(home, extra), cwd);
}

/** `doctor ARGS` at a terminal (util-linux script), answering the one question with `answer`. */
function doctorAtTerminal(home: string, args: string[], answer: string): Promise<CliRun> {
  const command = [process.execPath, CLI, 'doctor', '--public-ca', publicFile, '--no-logs', ...args].map((part) => `'${part}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: home, env: envOf(home) });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (/\[y\/N\] /.test(stdout) && child.stdin.writable) child.stdin.end(`${answer}\n`);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: stdout.replace(/\r\n/g, '\n'), stderr: '' }));
  });
}

const fingerprint = (cert: TestCert): string => new X509Certificate(cert.pem).fingerprint256;

before(async () => {
  ensureBuiltCli();
  publicRoot = await createCa('Answers Public Root');
  corporate = await createCa('Answers Corporate Root');
  stranger = await createCa('Answers Stranger Root');
  origin = await startOrigin(await createLeaf(['localhost', '127.0.0.1'], publicRoot));
  originUrl = `https://localhost:${origin.port}/`;
  corpProxy = await startInterceptor({ issuer: corporate, sendChain: [corporate], upstreamCa: publicRoot.pem });
  unknownProxy = await startInterceptor({ issuer: stranger, sendChain: [stranger], upstreamCa: publicRoot.pem });
  leafOnlyProxy = await startInterceptor({ issuer: stranger, sendChain: [], upstreamCa: publicRoot.pem });
  writeFileSync(publicFile, publicRoot.pem);
  writeFileSync(storeFile, corporate.pem);
  writeFileSync(corpFile, corporate.pem);
});
after(async () => {
  await Promise.all([corpProxy?.close(), unknownProxy?.close(), leafOnlyProxy?.close(), origin?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** A home whose Claude Desktop server can be fixed with IT's CA, beside two configs that cannot be read. */
function brokenConfigsHome(home: string): void {
  write(join(home, '.config', 'Claude', 'claude_desktop_config.json'), JSON.stringify({ mcpServers: { 'py-docs': { command: 'python3', args: ['server.py'] } } }, null, 2));
  write(join(home, '.cursor', 'mcp.json'), '{ "mcpServers": { "a": { "command": "uvx", "args": ["x"] }, }\n');
  mkdirSync(join(home, '.config', 'Code', 'User', 'mcp.json'), { recursive: true });
}

describe('doctor: fleet answers', () => {
  it('a config that cannot be read (malformed JSON, a folder in its place) fails --check and --fix --yes with exit 1, naming each and why', async () => {
    const home = join(dir, 'home-broken');
    brokenConfigsHome(home);

    const check = await doctor(home, ['--check', '--ca', corpFile]);
    assert.equal(check.code, 1, `a detection script must not call this machine compliant\n${check.stdout}${check.stderr}`);
    assert.match(check.stdout, /cannot read ~\/\.cursor\/mcp\.json:2:1: not valid JSON/);
    assert.match(check.stdout, /cannot read ~\/\.config\/Code\/User\/mcp\.json: expected a file, found a directory/);

    const fixed = await doctor(home, ['--fix', '--yes', '--ca', corpFile, '--no-runtime-check']);
    assert.equal(fixed.code, 1, `--fix could not look at every config: not done\n${fixed.stdout}${fixed.stderr}`);
    assert.match(fixed.stdout, /changed ~\/\.config\/Claude\/claude_desktop_config\.json py-docs: SSL_CERT_FILE/);
    assert.match(fixed.stdout, /cannot read ~\/\.cursor\/mcp\.json:2:1: .*left as it is/);
    assert.doesNotMatch(fixed.stdout, /nothing was changed/, 'another config was changed in this run');
    assert.match(fixed.stdout, /not done: 2 config\(s\) could not be read/);

    const again = await doctor(home, ['--check', '--ca', corpFile, '--json']);
    assert.equal(again.code, 1, 'still unreadable: still not compliant');
    assert.equal((JSON.parse(again.stdout) as { unreadable: unknown[] }).unreadable.length, 2);

    rmSync(join(home, '.cursor'), { recursive: true });
    rmSync(join(home, '.config', 'Code'), { recursive: true });
    const compliant = await doctor(home, ['--check', '--ca', corpFile]);
    assert.equal(compliant.code, 0, compliant.stdout + compliant.stderr);
  });

  it('a server that stays will-fail after --fix (a root no store knows, not confirmed) is not done: exit 1, and said; --check agrees', async () => {
    const home = join(dir, 'home-unknown');
    write(join(home, '.cursor', 'mcp.json'), JSON.stringify({ mcpServers: { docs: { command: 'uvx', args: ['mcp-x', originUrl], env: { HTTPS_PROXY: unknownProxy.url } } } }, null, 2));
    const before = snapshot(home);

    const check = await doctor(home, ['--check']);
    assert.equal(check.code, 1, `this server will fail: not compliant\n${check.stdout}${check.stderr}`);

    const fixed = await doctor(home, ['--fix', '--yes', '--no-runtime-check']);
    assert.equal(fixed.code, 1, fixed.stdout + fixed.stderr);
    assert.match(fixed.stdout, /not done: 1 server\(s\) will still fail: docs \(~\/\.cursor\/mcp\.json\)/);
    assert.deepEqual(snapshot(home), before, 'a root no store knows is not trusted without --trust-unknown-ca');
  });

  it('--home "" (and --workspace "", --bundle-dir "") is bad input: exit 2, nothing written in the current folder', async () => {
    const cwd = join(dir, 'cwd');
    write(join(cwd, '.cursor', 'mcp.json'), JSON.stringify({ mcpServers: { 'py-docs': { command: 'python3', args: ['server.py'] } } }, null, 2));
    const home = join(dir, 'home-empty');
    mkdirSync(home);
    const before = snapshot(cwd);
    for (const args of [['--home', ''], ['--workspace', ''], ['--bundle-dir', '']]) {
      const result = await doctor(home, ['--fix', '--yes', '--ca', corpFile, '--no-runtime-check', ...args], {}, cwd);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, new RegExp(`${args[0]}: .*empty`));
      assert.deepEqual(snapshot(cwd), before, `${args[0]} "": nothing written`);
    }
  });
});

describe('doctor: the question at a terminal', { skip: spawnSync('script', ['--version']).status !== 0 && 'util-linux script is needed for a terminal' }, () => {
  function twoRootsHome(home: string): void {
    write(
      join(home, '.config', 'Claude', 'claude_desktop_config.json'),
      JSON.stringify({ mcpServers: { 'py-docs': { command: 'python3', args: ['server.py', originUrl], env: { HTTPS_PROXY: corpProxy.url } } } }, null, 2),
    );
    write(join(home, '.cursor', 'mcp.json'), JSON.stringify({ mcpServers: { strange: { command: 'uvx', args: ['mcp-x', originUrl], env: { HTTPS_PROXY: unknownProxy.url } } } }, null, 2));
  }

  it('names each root, its SHA-256, which store trusts it and its servers before asking; prints the report once; "no" changes nothing and says so', async () => {
    const home = join(dir, 'home-tty');
    twoRootsHome(home);
    const before = snapshot(home);
    const run = await doctorAtTerminal(home, ['--fix', '--no-runtime-check'], 'n');
    const [head = '', tail = ''] = run.stdout.split(/Apply the fixes to \d+ server\(s\)\? \[y\/N\] /);
    assert.ok(tail !== '' || run.stdout.includes('[y/N]'), run.stdout);
    assert.match(head, /CN=Answers Corporate Root/);
    assert.ok(head.includes(fingerprint(corporate)), `the SHA-256 as colon-separated hex before the question\n${head}`);
    assert.match(head, /trusted by the OS store/);
    assert.match(head, /py-docs \(~\/\.config\/Claude\/claude_desktop_config\.json\)/);
    assert.equal(head.match(/py-docs {2}python/g)?.length, 1, `the report once\n${run.stdout}`);
    assert.doesNotMatch(tail, /py-docs {2}python/, 'not printed again after the answer');
    assert.match(tail, /nothing changed/i);
    assert.equal(run.code, 0, run.stdout);
    assert.deepEqual(snapshot(home), before);
  });

  it('with --trust-unknown-ca, a root no store trusts is named with a warning that this may be an attack before the question', async () => {
    const home = join(dir, 'home-tty-unknown');
    twoRootsHome(home);
    const before = snapshot(home);
    const run = await doctorAtTerminal(home, ['--fix', '--trust-unknown-ca', '--no-runtime-check'], 'n');
    const head = run.stdout.split('[y/N]')[0] ?? '';
    assert.match(head, /CN=Answers Stranger Root/);
    assert.ok(head.includes(fingerprint(stranger)), head);
    assert.match(head, /no trust store holds it: this may be an attack/);
    assert.match(head, /strange \(~\/\.cursor\/mcp\.json\)/);
    assert.match(run.stdout, /nothing changed/i);
    assert.deepEqual(snapshot(home), before);
  });

  it('--fix --yes names the roots it trusts too (subject, SHA-256, store) before the changes', async () => {
    const home = join(dir, 'home-yes');
    twoRootsHome(home);
    const run = await doctor(home, ['--fix', '--yes', '--no-runtime-check']);
    const rootAt = run.stdout.indexOf(fingerprint(corporate));
    assert.ok(rootAt >= 0, run.stdout);
    assert.ok(rootAt < run.stdout.indexOf('changed ~/.config/Claude'), run.stdout);
  });
});

describe('doctor: words that say what to do', () => {
  it('unknown: verdict incomplete names the missing issuer and --ca / --system-ca; unreachable at a default probe host names --probe-host', async () => {
    const home = join(dir, 'home-words');
    write(
      join(home, '.cursor', 'mcp.json'),
      JSON.stringify(
        {
          mcpServers: {
            leafonly: { command: 'uvx', args: ['mcp-x', originUrl], env: { HTTPS_PROXY: leafOnlyProxy.url } },
            offline: { command: 'uvx', args: ['mcp-y'], env: { HTTPS_PROXY: 'http://127.0.0.1:1' } },
          },
        },
        null,
        2,
      ),
    );
    const run = await doctor(home, []);
    const line = (name: string): string => run.stdout.split('\n').find((text) => text.includes(`  ${name}  `)) ?? '';
    assert.match(line('leafonly'), /unknown: /);
    assert.match(line('leafonly'), /CN=Answers Stranger Root/, 'the issuer no store holds');
    assert.match(line('leafonly'), /--ca /);
    assert.match(line('leafonly'), /--system-ca /);
    assert.match(line('offline'), /unreachable: /);
    assert.match(line('offline'), /pypi\.org/);
    assert.match(line('offline'), /--probe-host/);
    assert.equal(run.code, 3, 'a host could not be probed');
  });

  it('a host-level fix already in place says so ("already in place"), not a bare "in place:"', async () => {
    const home = join(dir, 'home-host');
    write(join(home, '.claude.json'), JSON.stringify({ mcpServers: { remote: { type: 'http', url: `${originUrl}mcp` } } }, null, 2));
    const fixed = await doctor(home, ['--fix', '--yes'], { HTTPS_PROXY: corpProxy.url });
    assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
    const again = await doctor(home, [], { HTTPS_PROXY: corpProxy.url });
    assert.match(again.stdout, /fix \(host-level\): already in place \(nothing to do\): /);
    assert.doesNotMatch(again.stdout, /: in place: /);
  });
});
