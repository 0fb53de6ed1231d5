import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePythonRequest, pinExample, pythonVersionOf } from '../../src/core/runtime/pythonVersion';
import { commandBaseName, detectRuntime, launcherOf, shellCommands, shellString } from '../../src/core/runtime/detect';
import { RUNTIME_VARIABLES } from '../../src/core/runtime/variables';

describe('fix: runtime from command and args', () => {
  const cases: [string, string[], string, boolean][] = [
    ['uvx', ['mcp-server-time'], 'python', true],
    ['uv', ['run', 'server.py'], 'python', true],
    ['uv', ['--directory', '/srv', 'run', 'server.py'], 'python', true],
    ['python', ['-m', 'x'], 'python', false],
    ['python3', ['-m', 'x'], 'python', false],
    ['python3.12', ['x.py'], 'python', false],
    ['py', ['-3.12', 'x.py'], 'python', false],
    ['/usr/local/bin/python3.12', ['x.py'], 'python', false],
    ['C:\\Python312\\python.exe', ['x.py'], 'python', false],
    ['pipx', ['run', 'x'], 'python', false],
    ['poetry', ['run', 'python', 'x.py'], 'python', false],
    ['npx', ['-y', 'x'], 'node', false],
    ['node', ['dist/index.js'], 'node', false],
    ['bunx', ['x'], 'bun', false],
    ['bun', ['run', 'server.ts'], 'bun', false],
    ['pnpm', ['dlx', 'x'], 'node', false],
    ['yarn', ['dlx', 'x'], 'node', false],
    ['C:\\Program Files\\nodejs\\npx.cmd', ['-y', 'x'], 'node', false],
    ['/home/me/.nvm/versions/node/v22/bin/node', ['x.js'], 'node', false],
    ['cmd', ['/c', 'npx', '-y', 'x'], 'node', false],
    ['cmd.exe', ['/C', 'uvx', 'x'], 'python', true],
    ['deno', ['run', '-A', 'x.ts'], 'deno', false],
    ['docker', ['run', '-i', '--rm', 'img'], 'docker', false],
    ['./my-go-server', [], 'unknown', false],
    ['uv', ['pip', 'install', 'x'], 'unknown', false],
  ];
  for (const [command, args, runtime, viaUv] of cases) {
    it(`${command} ${args.join(' ')} → ${runtime}`, () => {
      const guess = detectRuntime(command, args);
      assert.equal(guess.runtime, runtime);
      assert.equal(guess.viaUv, viaUv);
    });
  }

  it('finds the docker image past options that take values', () => {
    assert.equal(detectRuntime('docker', ['run', '-i', '--rm', '-e', 'API_KEY', '-v', '/a:/b', 'ghcr.io/x/y:1', '--flag']).dockerImageIndex, 7);
    assert.equal(detectRuntime('docker', ['run', '--rm', '--env=A=1', 'img']).dockerImageIndex, 3);
    assert.equal(detectRuntime('cmd', ['/c', 'docker', 'run', '-i', 'img']).dockerImageIndex, 4);
    assert.equal(detectRuntime('podman', ['run', '-i', 'img']).runtime, 'docker');
    assert.equal(detectRuntime('docker', ['run', '-i']).dockerImageIndex, undefined);
  });

  it('a container that exists already, the MCP gateway, a container in a shell string: out of reach, with a code', () => {
    const code = (command: string, args: string[]) => detectRuntime(command, args).outOfReach?.code;
    assert.equal(code('docker', ['exec', '-i', 'mcp-vibesbox-server', 'python3', '/workspace/server.py']), 'container-exec');
    assert.equal(code('docker', ['--context', 'remote', 'exec', '-i', 'c', 'node', 'x.js']), 'container-exec');
    assert.equal(code('docker', ['container', 'exec', '-i', 'c', 'x']), 'container-exec');
    assert.equal(code('docker', ['compose', '-f', 'dev.yml', 'run', '--rm', 'app', 'node', 'x.js']), 'container-exec');
    assert.equal(code('docker-compose', ['exec', '-T', 'app', 'python', '-m', 'x']), 'container-exec');
    assert.equal(code('docker', ['start', '-ai', 'mcp']), 'container-exec');
    assert.equal(code('docker', ['mcp', 'gateway', 'run', '--servers=fetch']), 'docker-gateway');
    assert.equal(code('/Applications/Docker.app/Contents/Resources/bin/docker', ['mcp', 'gateway', 'run']), 'docker-gateway');
    assert.equal(code('sh', ['-c', 'docker run -i --rm mcp/fetch 2>/dev/null']), 'shell-string');
    assert.equal(code('bash', ['-lc', 'source .env && exec docker exec -i c node x.js']), 'container-exec');
    assert.equal(code('cmd', ['/c', 'docker mcp gateway run']), 'docker-gateway');
    // What runs inside, when the command line says: the variables the next step names.
    assert.equal(detectRuntime('docker', ['exec', '-i', 'c', 'uv', 'run', 'server.py']).outOfReach?.inner, 'python');
    assert.equal(detectRuntime('docker', ['exec', '-i', '-e', 'A=1', 'c', 'node', 'x.js']).outOfReach?.container, 'c');
    // Not a docker run either: `run` is an argument of the command inside the container.
    assert.equal(detectRuntime('docker', ['exec', '-i', 'c', 'uv', 'run', 'server.py']).runtime, 'unknown');
    // docker run (with global options first) keeps its mount fix; a plain shell string is no container.
    assert.equal(detectRuntime('docker', ['--context', 'desktop-linux', 'run', '-i', 'img']).dockerImageIndex, 4);
    assert.equal(code('docker', ['run', '-i', '--rm', 'mcp/fetch']), undefined);
    assert.equal(code('sh', ['-c', 'npx -y x']), undefined);
    assert.equal(code('cmd', ['/c', 'npx', '-y', 'x']), undefined);
  });

  it('reads shell strings as a shell splits them', () => {
    assert.equal(shellString('bash', ['-lc', 'a b']), 'a b');
    assert.equal(shellString('cmd', ['/c', 'npx', '-y', 'x']), null);
    assert.equal(shellString('cmd.exe', ['/c', 'npx -y x']), 'npx -y x');
    assert.deepEqual(shellCommands('cd "/a b" && FOO=1 docker run -v "$(pwd)":/w img; echo \'x y\''), [
      ['cd', '/a b'], ['FOO=1', 'docker', 'run', '-v', '$(pwd):/w', 'img'], ['echo', 'x y'],
    ]);
  });

  it('Bun is its own runtime: NODE_EXTRA_CA_CERTS for the server process', () => {
    assert.equal(detectRuntime('bunx', ['-y', 'mcp-server']).runtime, 'bun');
    assert.equal(detectRuntime('C:\\Users\\me\\.bun\\bin\\bun.exe', ['x', 'mcp-server']).runtime, 'bun');
    assert.deepEqual(RUNTIME_VARIABLES.bun, ['NODE_EXTRA_CA_CERTS']);
  });

  it('strips Windows shim extensions', () => {
    assert.equal(commandBaseName('C:\\tools\\uvx.EXE'), 'uvx');
    assert.equal(commandBaseName('/opt/bin/npx'), 'npx');
  });

  it('variables per docs/design.md', () => {
    assert.deepEqual(RUNTIME_VARIABLES.python, ['SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE']);
    assert.deepEqual(RUNTIME_VARIABLES.node, ['NODE_EXTRA_CA_CERTS']);
    assert.deepEqual(RUNTIME_VARIABLES.deno, ['DENO_CERT']);
    assert.ok(RUNTIME_VARIABLES.unknown.includes('SSL_CERT_FILE'));
  });
});

describe('fix: which Python a server runs (strict X.509 from 3.13 on)', () => {
  // [command, args, env, source, strict]: strict true = 3.13+ for sure, false = 3.12 or older for sure, null = either.
  const cases: [string, string[], Record<string, string>, string | null, boolean | null][] = [
    ['python3.13', ['server.py'], {}, 'python3.13', true],
    ['/usr/local/bin/python3.14', ['-m', 'x'], {}, 'python3.14', true],
    ['python3.13t', ['x.py'], {}, 'python3.13t', true],
    ['C:\\Python\\python3.12.exe', ['x.py'], {}, 'python3.12', false],
    ['python3.11', ['x.py'], {}, 'python3.11', false],
    ['python3', ['x.py'], {}, null, null],
    ['/usr/bin/python3', ['x.py'], {}, null, null],
    ['python', ['-m', 'x'], {}, null, null],
    ['uvx', ['mcpdoc'], {}, null, null],
    ['uvx', ['--python', '3.13', 'mcpdoc'], {}, '--python 3.13', true],
    ['uvx', ['--python=3.12', 'mcpdoc'], {}, '--python=3.12', false],
    ['uvx', ['-p', 'cpython@3.14', 'mcpdoc'], {}, '-p cpython@3.14', true],
    ['uvx', ['--python', 'cp312', 'mcpdoc'], {}, '--python cp312', false],
    ['uvx', ['--python', '>=3.13', 'mcpdoc'], {}, '--python >=3.13', true],
    ['uvx', ['--python', '>=3.10', 'mcpdoc'], {}, '--python >=3.10', null],
    ['uvx', ['--python', '>=3.10,<3.13', 'mcpdoc'], {}, '--python >=3.10,<3.13', false],
    ['uvx', ['--python', 'cpython-3.13.1-linux-x86_64-gnu', 'x'], {}, '--python cpython-3.13.1-linux-x86_64-gnu', true],
    ['uvx', ['mcp-server', '-p', '8080'], {}, null, null],
    // One reader of uv's --python with the runtime check: `-p3.13` is 3.13; an option after the tool is the server's.
    ['uvx', ['-p3.13', 'mcpdoc'], {}, '-p3.13', true],
    ['uvx', ['mcp-server', '--python', '3.13'], {}, null, null],
    ['uvx', ['mcpdoc'], { UV_PYTHON: '3.13' }, 'UV_PYTHON=3.13', true],
    ['uvx', ['--python', '3.12', 'mcpdoc'], { UV_PYTHON: '3.13' }, '--python 3.12', false],
    ['uv', ['run', '--python', '3.13', 'server.py'], {}, '--python 3.13', true],
    ['uv', ['--directory', '/srv', 'run', '--python', '3.12', 'server.py'], {}, '--python 3.12', false],
    ['uv', ['run', 'python3.13', 'server.py'], {}, 'python3.13', true],
    ['poetry', ['run', 'python3.12', '-m', 'x'], {}, 'python3.12', false],
    ['pipx', ['run', '--python', 'python3.13', 'x'], {}, '--python python3.13', true],
    ['py', ['-3.13', 'x.py'], {}, 'py -3.13', true],
    ['py', ['-3.12-64', 'x.py'], {}, 'py -3.12-64', false],
    ['py', ['-V:3.14', 'x.py'], {}, 'py -V:3.14', true],
    ['py', ['-3', 'x.py'], {}, null, null],
    ['cmd', ['/c', 'uvx', '--python', '3.13', 'x'], {}, '--python 3.13', true],
  ];
  for (const [command, args, env, source, strict] of cases) {
    it(`${command} ${args.join(' ')} ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')} → ${String(strict)}`, () => {
      const { base, rest } = launcherOf(command, args);
      const hint = pythonVersionOf(base, rest, env);
      if (source === null) assert.equal(hint === null || hint.strict === null, true, JSON.stringify(hint));
      else assert.deepEqual(hint, { source, strict });
    });
  }

  it('parses uv interpreter requests as ranges', () => {
    assert.deepEqual(parsePythonRequest('3.13'), { min: 313, max: 313 });
    assert.deepEqual(parsePythonRequest('<3.13'), { min: null, max: 312 });
    assert.deepEqual(parsePythonRequest('==3.12.*'), { min: 312, max: 312 });
    assert.equal(parsePythonRequest('/opt/venv/bin/python'), null);
    assert.equal(parsePythonRequest('8080'), null);
  });

  it('pins with the server\'s own launcher', () => {
    assert.equal(pinExample('uvx'), '`uvx --python 3.12 ...`');
    assert.equal(pinExample('uv'), '`uv run --python 3.12 ...`');
    assert.equal(pinExample('py'), '`py -3.12 ...`');
    assert.match(pinExample('python3'), /python3\.12/);
  });
});
