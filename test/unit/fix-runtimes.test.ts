import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandBaseName, detectRuntime, RUNTIME_VARIABLES } from '../../src/core/fix/runtimes';

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
    ['bunx', ['x'], 'node', false],
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

  it('strips Windows shim extensions', () => {
    assert.equal(commandBaseName('C:\\tools\\uvx.EXE'), 'uvx');
    assert.equal(commandBaseName('/opt/bin/npx'), 'npx');
  });

  it('variables per DESIGN.md', () => {
    assert.deepEqual(RUNTIME_VARIABLES.python, ['SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE']);
    assert.deepEqual(RUNTIME_VARIABLES.node, ['NODE_EXTRA_CA_CERTS']);
    assert.deepEqual(RUNTIME_VARIABLES.deno, ['DENO_CERT']);
    assert.ok(RUNTIME_VARIABLES.unknown.includes('SSL_CERT_FILE'));
  });
});
