// Which runtime version reads the OS store, from version outputs as the runtimes print them
// (`node --version`, `deno --version`) and as the runtime check reports them ("node v24.21.0").
// Node 20 and 24 are measured here (the test bed's Node 24: test/e2e/os-store-trust.test.ts);
// Deno is not installable here: its rule is tested from its documented output only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { osStoreSwitch, osStoreVariableIn, versionOf } from '../../src/core/runtime/systemCa';

describe('runtime/systemCa: the OS-store switch by the server\'s own runtime version', () => {
  it('Node: NODE_USE_SYSTEM_CA=1 from 22.19 in the 22 line and from 24.6; not 23, not older', () => {
    const cases: [string, boolean][] = [
      ['v20.20.2', false], // this machine's node --version
      ['v22.18.0', false],
      ['v22.19.0', true],
      ['v23.11.0', false],
      ['v24.5.0', false],
      ['v24.6.0', true],
      ['node v24.21.0', true], // the test bed's Node 24, as the runtime check reports it
      ['v25.2.1', true],
    ];
    for (const [reported, reads] of cases) {
      assert.deepEqual(osStoreSwitch('node', reported), reads ? { env: { NODE_USE_SYSTEM_CA: '1' }, since: 'Node 22.19 / 24.6' } : null, reported);
    }
  });

  it('Deno: DENO_TLS_CA_STORE=system,mozilla from 1.13 (deno --version prints three lines)', () => {
    assert.deepEqual(osStoreSwitch('deno', 'deno 2.1.4 (stable, release, x86_64-unknown-linux-gnu)\nv8 13.0.245.12-rusty\ntypescript 5.6.2')?.env, { DENO_TLS_CA_STORE: 'system,mozilla' });
    assert.equal(osStoreSwitch('deno', 'deno 1.12.2 (release, x86_64-unknown-linux-gnu)'), null);
    assert.ok(osStoreSwitch('deno', 'deno 1.13.0'));
  });

  it('Python, Bun, docker and unreadable versions keep the bundle', () => {
    assert.equal(osStoreSwitch('python', 'python 3.12.3'), null);
    assert.equal(osStoreSwitch('bun', 'bun 1.2.19'), null);
    assert.equal(osStoreSwitch('docker', 'docker'), null);
    assert.equal(osStoreSwitch('node', null), null);
    assert.equal(osStoreSwitch('node', 'node (unknown)'), null);
    assert.deepEqual(versionOf('node v22.19.0', 'node'), [22, 19, 0]);
  });

  it('the switch as the tool writes it is recognised in an env', () => {
    assert.equal(osStoreVariableIn('node', { NODE_USE_SYSTEM_CA: '1' }), 'NODE_USE_SYSTEM_CA');
    assert.equal(osStoreVariableIn('node', { NODE_USE_SYSTEM_CA: '0' }), undefined);
    assert.equal(osStoreVariableIn('deno', { DENO_TLS_CA_STORE: 'system,mozilla' }), 'DENO_TLS_CA_STORE');
    assert.equal(osStoreVariableIn('python', { NODE_USE_SYSTEM_CA: '1' }), undefined);
  });
});
