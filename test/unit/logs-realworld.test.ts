// TLS failures as users pasted them in public issue threads (test/fixtures/realworld/, each with its
// thread's URL in index.json): the score is the share of samples whose findings are exactly those
// expected (how many, their kind, and their host: null where the event names none). Look-alikes
// (timeouts, protocol errors, successful handshakes, documentation text) must yield nothing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { scanText } from '../../src/core/logs/scan';
import type { FindingKind } from '../../src/core/types';

const DIR = path.join(__dirname, '..', 'fixtures', 'realworld');

interface Sample {
  file: string;
  source: string;
  expect: { kind: FindingKind; host: string | null }[];
}

const samples = JSON.parse(readFileSync(path.join(DIR, 'index.json'), 'utf8')) as Sample[];

function outcome(sample: Sample): { ok: boolean; got: { kind: string; host: string | null }[] } {
  const text = readFileSync(path.join(DIR, sample.file), 'utf8');
  const got = scanText(text, sample.file).map((f) => ({ kind: f.kind, host: f.host }));
  const ok =
    got.length === sample.expect.length &&
    got.every((f, i) => f.kind === sample.expect[i].kind && (f.host?.toLowerCase() ?? null) === (sample.expect[i].host?.toLowerCase() ?? null));
  return { ok, got };
}

test('the corpus is well-formed: a source URL, an existing file, kinds of the contract', () => {
  const kinds = new Set(['untrusted-ca', 'self-signed-leaf', 'expired', 'hostname-mismatch', 'revoked', 'strict-ca', 'other-tls']);
  const files = new Set<string>();
  for (const sample of samples) {
    assert.match(sample.source, /^https:\/\/github\.com\/[^/]+\/[^/]+\/(?:issues|pull)\/\d+$/, sample.file);
    assert.ok(!files.has(sample.file), `${sample.file} twice`);
    files.add(sample.file);
    readFileSync(path.join(DIR, sample.file));
    for (const e of sample.expect) assert.ok(kinds.has(e.kind), `${sample.file}: ${e.kind}`);
  }
  assert.ok(samples.filter((s) => s.expect.length > 0).length >= 100, 'at least 100 failures');
  assert.ok(samples.filter((s) => s.expect.length === 0).length >= 15, 'at least 15 look-alikes');
});

test('real-world score >= 95%, and nothing found in any look-alike', () => {
  const positives = samples.filter((s) => s.expect.length > 0);
  const negatives = samples.filter((s) => s.expect.length === 0);
  const misses: string[] = [];
  let right = 0;
  for (const sample of positives) {
    const { ok, got } = outcome(sample);
    if (ok) right += 1;
    else misses.push(`  ${sample.file}: want ${JSON.stringify(sample.expect)}, got ${JSON.stringify(got)}`);
  }
  const falseAlarms: string[] = [];
  for (const sample of negatives) {
    const { ok, got } = outcome(sample);
    if (!ok) falseAlarms.push(`  ${sample.file}: got ${JSON.stringify(got)}`);
  }
  const score = right / positives.length;
  process.stdout.write(
    `realworld: ${right}/${positives.length} failures right (${(score * 100).toFixed(1)}%); look-alikes with findings: ${falseAlarms.length}/${negatives.length}\n` +
      (misses.length ? `misses:\n${misses.join('\n')}\n` : '') +
      (falseAlarms.length ? `false alarms:\n${falseAlarms.join('\n')}\n` : ''),
  );
  assert.equal(falseAlarms.length, 0, 'look-alikes must yield nothing');
  assert.ok(score >= 0.95, `score ${(score * 100).toFixed(1)}% < 95%`);
});
