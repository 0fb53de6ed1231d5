// Which interpreter a server command resolves to, through the server's own PATH (no runtime run here).
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findExecutable, resolveJavaScript, resolvePython, uvPythonRequest } from '../../src/core/runtime/resolve';

test('uv interpreter requests: options before the tool only, --python=, -pX, uv tool run, UV_PYTHON', () => {
  assert.equal(uvPythonRequest('uvx', ['--from', 'git+https://x', '--python', '3.12', 'pkg'], {}, 'linux'), '3.12');
  assert.equal(uvPythonRequest('uvx', ['pkg', '-p', '8080'], {}, 'linux'), null);
  assert.equal(uvPythonRequest('uvx', ['-p3.13', 'pkg'], {}, 'linux'), '3.13');
  assert.equal(uvPythonRequest('uv', ['run', '--python=3.13', 'server.py'], {}, 'linux'), '3.13');
  assert.equal(uvPythonRequest('uv', ['tool', 'run', '-p', 'cpython@3.12', 'x'], {}, 'linux'), 'cpython@3.12');
  assert.equal(uvPythonRequest('uvx', ['pkg'], { UV_PYTHON: '3.11' }, 'linux'), '3.11');
  assert.equal(uvPythonRequest('uvx', ['pkg'], { uv_python: '3.11' }, 'win32'), '3.11');
});

test('resolution follows the env\'s PATH: venv paths, python3.X, uv-managed Pythons, node for npx, PATHEXT on Windows', () => {
  const root = mkdtempSync(join(tmpdir(), 'resolve-'));
  try {
    const bin = join(root, 'bin');
    const venv = join(root, '.venv', 'bin');
    const uvHome = join(root, 'home');
    const uvPython = join(uvHome, '.local', 'share', 'uv', 'python', 'cpython-3.13.1-linux-x86_64-gnu', 'bin');
    for (const dir of [bin, venv, uvPython]) mkdirSync(dir, { recursive: true });
    const exe = (file: string): string => {
      writeFileSync(file, '#!/bin/sh\n');
      chmodSync(file, 0o755);
      return file;
    };
    exe(join(bin, 'python3'));
    exe(join(bin, 'python3.12'));
    exe(join(bin, 'node'));
    exe(join(venv, 'python'));
    exe(join(uvPython, 'python3.13'));
    writeFileSync(join(bin, 'python3.11'), 'not executable');
    const env = { PATH: bin, HOME: uvHome };
    assert.deepEqual(resolvePython('python3', ['-m', 'x'], env, 'linux'), { kind: 'python', executable: join(bin, 'python3'), preArgs: [] });
    assert.equal((resolvePython(join(venv, 'python'), [], env, 'linux') as { executable: string }).executable, join(venv, 'python'));
    assert.equal((resolvePython('.venv/bin/python', [], env, 'linux', root) as { executable: string }).executable, join(venv, 'python'));
    assert.equal((resolvePython('uvx', ['--python', '3.12', 'pkg'], env, 'linux') as { executable: string }).executable, join(bin, 'python3.12'));
    assert.equal((resolvePython('uvx', ['--python', '3.13', 'pkg'], env, 'linux') as { executable: string }).executable, join(uvPython, 'python3.13'));
    // Not executable: not found, the stand-in is said.
    const r311 = resolvePython('uvx', ['-p', '3.11', 'pkg'], env, 'linux');
    assert.ok('note' in r311 && /uv would run Python 3\.11/.test(r311.note ?? ''));
    assert.equal((resolvePython('poetry', ['run', 'server'], env, 'linux') as { executable: string }).executable, join(bin, 'python3'));
    assert.deepEqual(resolvePython('python3', [], { PATH: join(root, 'none') }, 'linux'), { missing: "python3 is not on the server's PATH" });
    assert.equal((resolveJavaScript('npx', ['-y', 'x'], env, 'linux') as { executable: string }).executable, join(bin, 'node'));
    assert.equal((resolveJavaScript('cmd', ['/c', 'npx', '-y', 'x'], env, 'linux') as { executable: string }).executable, join(bin, 'node'));

    // Windows: PATHEXT, case-insensitive Path, python3 falling back to python.
    const win = join(root, 'win');
    mkdirSync(win);
    writeFileSync(join(win, 'python.exe'), '');
    writeFileSync(join(win, 'node.exe'), '');
    const winEnv = { Path: win, PATHEXT: '.COM;.EXE;.BAT;.CMD' };
    assert.equal(findExecutable('node', winEnv, 'win32'), join(win, 'node.exe'));
    assert.equal((resolvePython('uvx', ['pkg'], winEnv, 'win32') as { executable: string }).executable, join(win, 'python.exe'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
