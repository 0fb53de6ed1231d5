// runtimeCheck against real runtimes (Debian's /usr/bin/python3, this Node) and a real proxy
// (Debian's mitmdump; the in-process interceptor where a CA must be shaped a certain way). Every
// child gets an explicit environment: no machine-wide CA or proxy variable is inherited.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { bypassesProxy } from '../../src/core/chain/proxy';
import {
  RuntimeCheckRequest,
  describeRuntimeCheck,
  dockerCheckArgs,
  proxyFromEnv,
  runtimeCheck,
} from '../../src/core/runtime/check';
import { startInterceptor } from '../fixtures/interceptor';
import { CA_VARIABLES, TestNetwork, TestProxy, startNetwork } from '../fixtures/network';
import { createCa } from '../fixtures/pki';
import { createCaDroppingWrappers, createFakeDocker, startSilentServer } from '../fixtures/runtime-wrappers';

const PYTHON = '/usr/bin/python3';
const pythonMissing = existsSync(PYTHON) ? null : `${PYTHON} is absent (Debian's python3)`;
/** Debian's python first, this Node next: nothing from pyenv/nvm shims, nothing inherited. */
const PATH = `/usr/bin:/bin:${dirname(process.execPath)}`;

let net: TestNetwork;
let dir: string;
/** A combined bundle: the test "public" root + mitmproxy's CA (what `fix --mode combined` writes). */
let mitmBundle: string;
let publicOnly: string;

before(async () => {
  net = await startNetwork();
  dir = await mkdtemp(join(tmpdir(), 'runtime-check-'));
  publicOnly = join(dir, 'public-only.pem');
  await writeFile(publicOnly, net.publicRoot.pem);
  if (net.mitmproxy) {
    const { readFile } = await import('node:fs/promises');
    mitmBundle = join(dir, 'bundle.pem');
    await writeFile(mitmBundle, net.publicRoot.pem + (await readFile(net.mitmproxy.caFile, 'utf8')));
  }
});

after(async () => {
  await net?.close();
  await rm(dir, { recursive: true, force: true });
});

function env(proxy: { url: string } | null, extra: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = { HOME: net.home, PATH, ...(proxy ? { HTTPS_PROXY: proxy.url } : {}), ...extra };
  for (const name of CA_VARIABLES) if (!(name in extra)) assert.equal(base[name], undefined, `${name} leaked into the test env`);
  return base;
}

function request(proxy: TestProxy | { url: string } | null, runtime: RuntimeCheckRequest['runtime'], command: string, args: string[], extra: Record<string, string> = {}): RuntimeCheckRequest {
  return { runtime, command, args, env: env(proxy, extra), target: { host: net.origin.host, port: net.origin.port }, timeoutMs: 15_000 };
}

describe('runtimeCheck: Python behind mitmproxy', () => {
  test('fails without the CA with Python\'s own message, and passes with SSL_CERT_FILE = a bundle holding mitmproxy\'s CA', async (t) => {
    if (pythonMissing || !net.mitmproxy) return t.skip(pythonMissing ?? net.mitmproxySkip ?? '');
    const without = await runtimeCheck(request(net.mitmproxy, 'python', 'python3', ['-m', 'mcp_server_fetch']));
    assert.match(without.by ?? '', /^python 3\.\d+\.\d+$/);
    assert.equal(without.ok, false);
    assert.equal(without.finding?.kind, 'untrusted-ca');
    assert.match(without.message, /\[SSL: CERTIFICATE_VERIFY_FAILED\] certificate verify failed: unable to get local issuer certificate/);
    assert.match(describeRuntimeCheck(without), /^python 3\.\d+\.\d+ still fails: .*unable to get local issuer certificate/);

    const withCa = await runtimeCheck(request(net.mitmproxy, 'python', 'python3', ['-m', 'mcp_server_fetch'], { SSL_CERT_FILE: mitmBundle }));
    assert.equal(withCa.ok, true, withCa.message);
    assert.equal(withCa.by, without.by);
    assert.equal(withCa.finding, undefined);
    assert.match(describeRuntimeCheck(withCa), /^verified by python 3\.\d+\.\d+: OK, a handshake with [^ ]+:\d+ (direct|through \S+)$/);
  });

  test('uvx --python 3.11 is checked with python3.11 from PATH, without running uv (nothing is downloaded)', async (t) => {
    if (pythonMissing || !net.mitmproxy || !existsSync('/usr/bin/python3.11')) return t.skip('needs /usr/bin/python3.11 and mitmdump');
    const result = await runtimeCheck(request(net.mitmproxy, 'python', 'uvx', ['--python', '3.11', '--from', 'mcp-server-fetch', 'mcp-server-fetch'], { SSL_CERT_FILE: mitmBundle }));
    assert.equal(result.ok, true, result.message);
    assert.match(result.by ?? '', /^python 3\.11\./);
    // An interpreter uv would have to download: the check says which one stood in for it, and verifies
    // with 3.13+'s strict rules — which Debian's mitmproxy 8.1 fails: its re-signed leaves carry no
    // Authority Key Identifier, so Python 3.13 rejects them even with the CA trusted.
    const newer = await runtimeCheck(request(net.mitmproxy, 'python', 'uv', ['run', '-p', '3.99', 'server.py'], { SSL_CERT_FILE: mitmBundle }));
    assert.equal(newer.ok, false);
    assert.equal(newer.finding?.kind, 'strict-ca');
    assert.match(newer.message, /Missing Authority Key Identifier/);
    assert.match(newer.note ?? '', /^uv would run Python 3\.99 \(not found here\); checked with \/usr\/bin\/python3 instead, with the strict X\.509 rules of 3\.99$/);
    // 3.12 is not strict: the same stand-in without the strict rules verifies.
    if (!existsSync('/usr/bin/python3.12')) {
      const older = await runtimeCheck(request(net.mitmproxy, 'python', 'uvx', ['--python=3.12', 'mcp-server-fetch'], { SSL_CERT_FILE: mitmBundle }));
      assert.equal(older.ok, true, older.message);
      assert.match(describeRuntimeCheck(older), /^verified by python 3\.\d+\.\d+: OK, a handshake with .* \(uv would run Python 3\.12 \(not found here\)/);
    }
  });

  test('REQUESTS_CA_BUNDLE is checked as requests loads it: a bundle without the CA fails even when SSL_CERT_FILE is right', async (t) => {
    if (pythonMissing || !net.mitmproxy) return t.skip(pythonMissing ?? net.mitmproxySkip ?? '');
    const result = await runtimeCheck(request(net.mitmproxy, 'python', 'python3', [], { SSL_CERT_FILE: mitmBundle, REQUESTS_CA_BUNDLE: publicOnly }));
    assert.equal(result.ok, false);
    assert.equal(result.finding?.kind, 'untrusted-ca');
    assert.match(result.message, /^the bundle in REQUESTS_CA_BUNDLE does not verify localhost:\d+ as requests loads it: .*CERTIFICATE_VERIFY_FAILED/);
    const both = await runtimeCheck(request(net.mitmproxy, 'python', 'python3', [], { SSL_CERT_FILE: mitmBundle, REQUESTS_CA_BUNDLE: mitmBundle }));
    assert.equal(both.ok, true, both.message);
  });
});

describe('runtimeCheck: Node behind mitmproxy', () => {
  test('fails without the CA with Node\'s own error code, and passes with NODE_EXTRA_CA_CERTS (npx is never run)', async (t) => {
    if (!net.mitmproxy) return t.skip(net.mitmproxySkip ?? '');
    const without = await runtimeCheck(request(net.mitmproxy, 'node', 'npx', ['-y', '@modelcontextprotocol/server-everything']));
    assert.equal(without.by, `node ${process.version}`);
    assert.equal(without.ok, false);
    assert.equal(without.finding?.kind, 'untrusted-ca');
    assert.match(without.message, /UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate/);

    const withCa = await runtimeCheck(request(net.mitmproxy, 'node', 'npx', ['-y', '@modelcontextprotocol/server-everything'], { NODE_EXTRA_CA_CERTS: net.mitmproxy.caFile }));
    assert.equal(withCa.ok, true, withCa.message);
    assert.match(describeRuntimeCheck(withCa), new RegExp(`^verified by node ${process.version.replace(/\./g, '\\.')}: OK, a handshake with `));
  });

  test('NODE_TLS_REJECT_UNAUTHORIZED=0 in the env is no proof: the check still verifies', async (t) => {
    if (!net.mitmproxy) return t.skip(net.mitmproxySkip ?? '');
    const result = await runtimeCheck(request(net.mitmproxy, 'node', 'node', ['server.js'], { NODE_TLS_REJECT_UNAUTHORIZED: '0' }));
    assert.equal(result.ok, false);
    assert.equal(result.finding?.kind, 'untrusted-ca');
  });

  test('Python ignores NODE_EXTRA_CA_CERTS and Node ignores SSL_CERT_FILE: each fails with the other\'s variable', async (t) => {
    if (pythonMissing || !net.mitmproxy) return t.skip(pythonMissing ?? net.mitmproxySkip ?? '');
    const py = await runtimeCheck(request(net.mitmproxy, 'python', 'python3', [], { NODE_EXTRA_CA_CERTS: mitmBundle }));
    assert.equal(py.ok, false);
    const node = await runtimeCheck(request(net.mitmproxy, 'node', 'node', [], { SSL_CERT_FILE: mitmBundle }));
    assert.equal(node.ok, false);
  });
});

describe('runtimeCheck: a launcher that drops the CA variables (a host that passes no env)', () => {
  test('never verifies, and says the runtime ignores the variable it was given', async (t) => {
    if (pythonMissing || !net.mitmproxy) return t.skip(pythonMissing ?? net.mitmproxySkip ?? '');
    const wrappers = await createCaDroppingWrappers(PYTHON, process.execPath);
    try {
      // A venv-style absolute interpreter path that is really the dropping launcher.
      const py = await runtimeCheck(request(net.mitmproxy, 'python', wrappers.python3, ['server.py'], { SSL_CERT_FILE: mitmBundle }));
      assert.equal(py.ok, false);
      assert.equal(py.finding?.kind, 'untrusted-ca');
      assert.match(py.message, /^this runtime ignores SSL_CERT_FILE: .*CERTIFICATE_VERIFY_FAILED/);
      // npx finds `node` on PATH: the dropping one comes first.
      const node = await runtimeCheck({
        ...request(net.mitmproxy, 'node', 'npx', ['-y', 'some-server'], { NODE_EXTRA_CA_CERTS: net.mitmproxy.caFile }),
        env: { ...env(net.mitmproxy, { NODE_EXTRA_CA_CERTS: net.mitmproxy.caFile }), PATH: `${wrappers.dir}:${PATH}` },
      });
      assert.equal(node.ok, false);
      assert.match(node.message, /^this runtime ignores NODE_EXTRA_CA_CERTS: UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
      assert.match(describeRuntimeCheck(node), /still fails: this runtime ignores NODE_EXTRA_CA_CERTS/);
    } finally {
      await wrappers.close();
    }
  });
});

describe('runtimeCheck: the route it took', () => {
  test('says the route; a failure on another route than the analysis took is not blamed on the CA variable', async () => {
    // The CA of the interceptor, but the server's environment names no proxy: it goes straight to
    // the origin, whose leaf another root (the test "public" one) issued.
    const caFile = join(dir, 'corporate-only.pem');
    await writeFile(caFile, net.corporateRoot.pem);
    const direct = request(null, 'node', 'node', ['server.js'], { NODE_EXTRA_CA_CERTS: caFile });
    const unknownRoute = await runtimeCheck(direct);
    assert.equal(unknownRoute.ok, false);
    assert.deepEqual(unknownRoute.route, { proxy: null });
    assert.match(unknownRoute.message, /\(the handshake went directly\)$/);
    const found = await runtimeCheck({ ...direct, analysisRoute: { proxy: net.interceptor.url } });
    assert.equal(found.ok, false);
    assert.deepEqual(found.route, { proxy: null });
    assert.doesNotMatch(found.message, /ignores/);
    assert.ok(found.message.startsWith(`the handshake went directly (the server's environment sends it that way) but the CA was found through ${net.interceptor.url}`), found.message);
  });

  test('through the proxy the environment names: that proxy is the route, and the same route as the analysis verifies', async () => {
    const caFile = join(dir, 'corporate-route.pem');
    await writeFile(caFile, net.corporateRoot.pem);
    const result = await runtimeCheck({ ...request(net.interceptor, 'node', 'node', ['server.js'], { NODE_EXTRA_CA_CERTS: caFile }), analysisRoute: { proxy: net.interceptor.url } });
    assert.equal(result.ok, true, result.message);
    assert.deepEqual(result.route, { proxy: net.interceptor.url });
  });
});

describe('runtimeCheck: Bun (bunx) is checked in bun, with NODE_EXTRA_CA_CERTS', () => {
  // bun is not installed here: a stand-in `bun` that records its call and runs the probe with this
  // Node (the probe is the same script; Bun's node:tls reads NODE_EXTRA_CA_CERTS as Node's does).
  async function fakeBun(dropCa: boolean): Promise<{ dir: string; calls: string; close(): Promise<void> }> {
    const root = await mkdtemp(join(tmpdir(), 'fake-bun-'));
    const bin = join(root, 'bin');
    await mkdir(bin);
    const calls = join(root, 'calls');
    await writeFile(join(bin, 'bun'), `#!/bin/sh\necho "$1" >> '${calls}'\n${dropCa ? 'unset NODE_EXTRA_CA_CERTS\n' : ''}exec '${process.execPath}' "$@"\n`);
    await chmod(join(bin, 'bun'), 0o755);
    return { dir: bin, calls, close: () => rm(root, { recursive: true, force: true }) };
  }

  test('bunx resolves to bun (not node) and NODE_EXTRA_CA_CERTS is the variable it is held to', async () => {
    const caFile = join(dir, 'corporate-bun.pem');
    await writeFile(caFile, net.corporateRoot.pem);
    for (const dropCa of [false, true]) {
      const bun = await fakeBun(dropCa);
      try {
        const base = request(net.interceptor, 'bun', 'bunx', ['-y', 'some-mcp-server'], { NODE_EXTRA_CA_CERTS: caFile });
        const result = await runtimeCheck({ ...base, env: { ...base.env, PATH: `${bun.dir}:/usr/bin:/bin` } });
        assert.equal(await readFile(bun.calls, 'utf8'), '-e\n', 'the probe ran in bun');
        if (!dropCa) assert.equal(result.ok, true, result.message);
        else {
          assert.equal(result.ok, false);
          assert.match(result.message, /^this runtime ignores NODE_EXTRA_CA_CERTS: /);
        }
      } finally {
        await bun.close();
      }
    }
  });
});

describe('runtimeCheck: a CA that strict X.509 rules reject (Python 3.13+ default)', () => {
  test('a trusted root without critical Basic Constraints: OK on 3.11 defaults, strict-ca under VERIFY_X509_STRICT', async (t) => {
    if (pythonMissing) return t.skip(pythonMissing);
    const lax = await createCa('Test Corporate Root Without Critical BC', { criticalBasicConstraints: false });
    const proxy = await startInterceptor({ issuer: lax, sendChain: [lax], upstreamCa: net.publicRoot.pem });
    const caFile = join(dir, 'lax-root.pem');
    await writeFile(caFile, lax.pem);
    try {
      const plain = await runtimeCheck(request(proxy, 'python', 'python3', [], { SSL_CERT_FILE: caFile }));
      assert.equal(plain.ok, true, plain.message);
      // MCP_SSL_DOCTOR_PY_STRICT=1: the probe adds ssl.VERIFY_X509_STRICT, as 3.13's create_default_context does.
      const strict = await runtimeCheck(request(proxy, 'python', 'python3', [], { SSL_CERT_FILE: caFile, MCP_SSL_DOCTOR_PY_STRICT: '1' }));
      assert.equal(strict.ok, false);
      assert.equal(strict.finding?.kind, 'strict-ca');
      assert.match(strict.message, /Basic Constraints of CA cert not marked critical/);
      assert.doesNotMatch(strict.message, /ignores/);
      // uvx --python 3.13 where no 3.13 is installed: the stand-in verifies with 3.13's strict rules,
      // so the CA 3.13 would reject is not reported as OK; --python 3.12 is not strict.
      const uv313 = await runtimeCheck(request(proxy, 'python', 'uvx', ['--python', '3.13', 'mcp-server-fetch'], { SSL_CERT_FILE: caFile }));
      if (!existsSync('/usr/bin/python3.13')) {
        assert.equal(uv313.ok, false);
        assert.equal(uv313.finding?.kind, 'strict-ca');
        assert.match(uv313.note ?? '', /strict X\.509 rules of 3\.13/);
      }
      const uv312 = await runtimeCheck(request(proxy, 'python', 'uvx', ['--python', '3.12', 'mcp-server-fetch'], { SSL_CERT_FILE: caFile }));
      if (!existsSync('/usr/bin/python3.12')) assert.equal(uv312.ok, true, uv312.message);
    } finally {
      await proxy.close();
    }
  });
});

describe('runtimeCheck: could not run', () => {
  test('a proxy that never answers: ok null after the timeout, the child killed', async (t) => {
    if (pythonMissing) return t.skip(pythonMissing);
    const silent = await startSilentServer();
    try {
      for (const [runtime, command] of [['python', 'python3'], ['node', 'node']] as const) {
        const start = Date.now();
        const result = await runtimeCheck({ ...request(silent, runtime, command, []), timeoutMs: 1500 });
        const took = Date.now() - start;
        assert.equal(result.ok, null);
        assert.match(result.message, /no result within 1500 ms \(the handshake with localhost:\d+ through http:\/\/127\.0\.0\.1:\d+ did not finish\); killed/);
        assert.ok(took < 5000, `took ${took} ms`);
        assert.match(describeRuntimeCheck(result), /^not verified/);
      }
    } finally {
      await silent.close();
    }
  });

  test('an abort signal stops the check', async (t) => {
    if (pythonMissing) return t.skip(pythonMissing);
    const silent = await startSilentServer();
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      const result = await runtimeCheck({ ...request(silent, 'python', 'python3', []), signal: controller.signal });
      assert.equal(result.ok, null);
      assert.match(result.message, /aborted/);
    } finally {
      await silent.close();
    }
  });

  test('a missing interpreter: ok null, nothing run', async () => {
    const py = await runtimeCheck(request(null, 'python', 'python3.99', ['server.py']));
    assert.deepEqual(py, { by: null, ok: null, message: "not checked: python3.99 is not on the server's PATH" });
    const node = await runtimeCheck({ ...request(null, 'node', 'npx', ['-y', 'x']), env: { HOME: net.home, PATH: '/nonexistent' } });
    assert.equal(node.ok, null);
    assert.match(node.message, /node is not on the server's PATH \(needed by npx\)/);
    const bun = await runtimeCheck({ ...request(null, 'bun', 'bunx', ['x']), env: { HOME: net.home, PATH: '/nonexistent' } });
    assert.equal(bun.ok, null);
    assert.match(bun.message, /bun is not on the server's PATH/);
  });

  test('an unreachable target is not a trust verdict: ok null, finding unreachable', async () => {
    const silent = await startSilentServer();
    const port = silent.port;
    await silent.close();
    const result = await runtimeCheck({ ...request(null, 'node', 'node', []), target: { host: '127.0.0.1', port } });
    assert.equal(result.ok, null);
    assert.equal(result.finding?.kind, 'unreachable');
    assert.match(result.message, /ECONNREFUSED/);
  });

  test('docker without --verify-docker, and an unknown runtime, are not run', async () => {
    assert.deepEqual(await runtimeCheck(request(null, 'docker', 'docker', ['run', '-i', '--rm', 'mcp/fetch'])), {
      by: null,
      ok: null,
      message: 'docker: checked in the image only with --verify-docker',
    });
    const unknown = await runtimeCheck(request(null, 'unknown', '/opt/tools/mcp-server-go', []));
    assert.equal(unknown.ok, null);
    assert.equal(unknown.by, null);
  });
});

describe('runtimeCheck: docker with --verify-docker', () => {
  const entry = ['run', '-i', '--rm', '--name', 'gh', '-e', 'SSL_CERT_FILE', '-v', '/home/u/.mcp-ssl-doctor/ca.pem:/etc/ssl/certs/mcp-ssl-doctor.pem:ro', 'ghcr.io/github/github-mcp-server', 'stdio'];

  test('the check runs the image with the entry\'s mounts and -e, sh as entrypoint, never pulling, without the server\'s args', () => {
    const args = dockerCheckArgs({ command: 'docker', args: entry });
    assert.ok(Array.isArray(args));
    assert.deepEqual(args.slice(0, -1), [
      'run', '--rm', '--pull', 'never', '--entrypoint', 'sh', '-e', 'SSL_CERT_FILE', '-v', '/home/u/.mcp-ssl-doctor/ca.pem:/etc/ssl/certs/mcp-ssl-doctor.pem:ro',
      '-e', 'MCP_SSL_DOCTOR_PY', '-e', 'MCP_SSL_DOCTOR_JS', 'ghcr.io/github/github-mcp-server', '-c',
    ]);
    assert.match(args.at(-1) ?? '', /python3 -I -c "\$MCP_SSL_DOCTOR_PY"/);
    assert.equal(typeof dockerCheckArgs({ command: 'docker', args: ['ps'] }), 'string');
  });

  test('the image\'s own runtime answers (stand-in docker running the probe with this machine\'s python3 behind mitmproxy)', async (t) => {
    if (pythonMissing || !net.mitmproxy) return t.skip(pythonMissing ?? net.mitmproxySkip ?? '');
    const docker = await createFakeDocker();
    try {
      const base = request(net.mitmproxy, 'docker', 'docker', entry, { SSL_CERT_FILE: mitmBundle });
      const withCa = await runtimeCheck({ ...base, verifyDocker: true, env: { ...base.env, PATH: `${docker.dir}:${PATH}` } });
      assert.equal(withCa.ok, true, withCa.message);
      assert.match(withCa.by ?? '', /^python 3\./);
      const without = await runtimeCheck({ ...base, verifyDocker: true, env: { ...env(net.mitmproxy), PATH: `${docker.dir}:${PATH}` } });
      assert.equal(without.ok, false);
      assert.equal(without.finding?.kind, 'untrusted-ca');
    } finally {
      await docker.close();
    }
  });

  test('no docker daemon (or no docker): ok null, said plainly', async () => {
    const result = await runtimeCheck({ ...request(null, 'docker', 'docker', entry), verifyDocker: true, timeoutMs: 10_000 });
    assert.equal(result.ok, null);
    assert.equal(result.by, null);
    assert.match(result.message, /not checked: docker is not on the server's PATH/);
    if (existsSync('/usr/local/bin/docker')) {
      // A docker client without a daemon (this machine): it exits without a probe result.
      const base = request(null, 'docker', 'docker', entry);
      const noDaemon = await runtimeCheck({ ...base, verifyDocker: true, timeoutMs: 10_000, env: { ...base.env, PATH: `/usr/local/bin:${PATH}` } });
      assert.equal(noDaemon.ok, null);
      assert.match(noDaemon.message, /exited with code \d+ without a result|no result within/);
    }
  });
});

describe('proxy selection from the env', () => {
  test('lowercase first, NO_PROXY names and suffixes, credentials, unsupported schemes', () => {
    assert.deepEqual(proxyFromEnv({ https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:2' }, 'x.test', 443, 'linux').proxy, { host: 'a', port: 1, auth: null });
    assert.equal(proxyFromEnv({ HTTPS_PROXY: 'http://p:3128', NO_PROXY: '.corp.example,localhost' }, 'api.corp.example', 443, 'linux').proxy, null);
    assert.deepEqual(proxyFromEnv({ HTTPS_PROXY: 'proxy:8080' }, 'x.test', 443, 'linux').proxy, { host: 'proxy', port: 8080, auth: null });
    assert.equal(proxyFromEnv({ HTTPS_PROXY: 'http://u%40x:p@proxy:8080' }, 'x.test', 443, 'linux').proxy?.auth, Buffer.from('u@x:p').toString('base64'));
    assert.match(proxyFromEnv({ HTTPS_PROXY: 'socks5://p:1080' }, 'x.test', 443, 'linux').unsupported ?? '', /socks5 proxy/);
    assert.deepEqual(proxyFromEnv({ Https_Proxy: 'http://w:1' }, 'x.test', 443, 'win32').proxy, { host: 'w', port: 1, auth: null });
    // NO_PROXY has one reader (chain/proxy.ts): the analysis and the runtime check bypass the same hosts.
    assert.equal(bypassesProxy('anything', 1, '*'), true);
    assert.equal(bypassesProxy('example.com', 443, 'example.com:8443'), false);
    assert.equal(bypassesProxy('example.com', 8443, 'example.com:8443'), true);
    assert.equal(bypassesProxy('notexample.com', 443, 'example.com'), false);
    assert.equal(proxyFromEnv({ HTTPS_PROXY: 'http://p:3128', NO_PROXY: '10.0.0.0/8' }, '10.1.2.3', 443, 'linux').proxy, null);
  });
});
