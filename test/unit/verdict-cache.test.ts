// Preflight's kept verdicts (src/extension/verdictCache.ts) over a Memento stand-in, in plain Node:
// a verdict is kept for VERDICT_TTL_MS, a failed probe only for FAILURE_TTL_MS, a host's entries are
// forgotten for every proxy, the stored value is plain JSON holding no certificate, and a report's
// key is the key its target is looked up by.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TargetVerdict } from '../../src/core/assess/assess';
import { FAILURE_TTL_MS, VERDICT_TTL_MS, VerdictCache, reportKey } from '../../src/extension/verdictCache';

class Memento {
  readonly values = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string, fallback?: T): T | undefined {
    return (this.values.has(key) ? this.values.get(key) : fallback) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.parse(JSON.stringify(value)));
  }
}

const intercepted: TargetVerdict = { verdict: 'intercepted', root: { subject: 'CN=Corp Root', sha256: 'ab'.repeat(32) }, action: 'fix' };

describe('kept verdicts', () => {
  it('a verdict lives for VERDICT_TTL_MS (a few hours), a failure only for FAILURE_TTL_MS', async () => {
    let now = 1_000_000;
    const state = new Memento();
    const cache = new VerdictCache(state as never, () => now);
    const key = reportKey({ host: 'Docs.Example', port: 443, proxy: 'http://proxy:3128' });
    await cache.put(key, intercepted);
    await cache.putFailure(reportKey({ host: 'down.example', port: 443, proxy: null }), 'ECONNREFUSED');
    assert.ok(VERDICT_TTL_MS >= 60 * 60_000 && VERDICT_TTL_MS <= 12 * 60 * 60_000, 'a few hours');
    assert.ok(FAILURE_TTL_MS <= 5 * 60_000, 'never long for a failure');
    assert.deepEqual(cache.get(key), { verdict: intercepted });
    now += FAILURE_TTL_MS;
    assert.equal(cache.get(reportKey({ host: 'down.example', port: 443, proxy: null })), undefined, 'the failure expired');
    assert.deepEqual(cache.get(key), { verdict: intercepted }, 'the verdict did not');
    now += VERDICT_TTL_MS;
    assert.equal(cache.get(key), undefined);
  });

  it('keys by host (case-insensitive), port and proxy; forget(host, port) drops every proxy\'s entry for it, forget() all', async () => {
    const cache = new VerdictCache(new Memento() as never);
    const viaA = reportKey({ host: 'docs.example', port: 443, proxy: 'http://a:1' });
    const viaB = reportKey({ host: 'docs.example', port: 443, proxy: 'http://b:2' });
    const other = reportKey({ host: 'docs.example', port: 8443, proxy: 'http://a:1' });
    for (const key of [viaA, viaB, other]) await cache.put(key, intercepted);
    assert.equal(reportKey({ host: 'DOCS.example', port: 443, proxy: 'http://a:1' }), viaA);
    await cache.forget('Docs.Example', 443);
    assert.equal(cache.get(viaA), undefined);
    assert.equal(cache.get(viaB), undefined);
    assert.deepEqual(cache.get(other), { verdict: intercepted }, 'another port stays');
    await cache.forget();
    assert.equal(cache.get(other), undefined);
  });

  it('stores plain JSON with no certificate and no proxy credentials (the key holds the proxy as the report shows it)', async () => {
    const state = new Memento();
    const cache = new VerdictCache(state as never);
    await cache.put(reportKey({ host: 'h', port: 443, proxy: 'http://proxy:3128' }), intercepted);
    const stored = JSON.stringify([...state.values.values()]);
    assert.doesNotMatch(stored, /BEGIN CERTIFICATE|@/);
    assert.match(stored, /Corp Root/);
  });
});
