// Hostile input for `scan` (hardening #12, item 11): a line far longer than anything a log holds, a log
// with more failures than a spread argument list takes, and stdin that never ends a line. Each must
// finish in bounded memory with a clear word, never a cryptic error. The cap is MAX_LINE: these lines are
// a little over it (a 2 GB line behaves the same, only slower).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import type { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { ByteScanner, FindingScanner, MAX_LINE, READ_BYTES, scanFile, scanStream } from '../../src/core/logs/scan';
import type { Finding } from '../../src/core/types';

const dir = mkdtempSync(path.join(tmpdir(), 'hostile-scan-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const FAILURE = 'curl: (60) SSL certificate problem: unable to get local issuer certificate';

async function run(argv: string[], stdinStream?: () => AsyncIterable<Uint8Array>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO & { stdinStream?: () => AsyncIterable<Uint8Array> } = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    readStdin: async () => {
      throw new Error('stdin must be streamed, not read whole');
    },
    env: {},
    cwd: dir,
    stdinStream,
  };
  const code = await main(argv, io);
  return { code, out, err };
}

test('a line a little over MAX_LINE: cut to MAX_LINE, the rest skipped as it streams; lines after it keep their numbers', async () => {
  // The failure is at the line's start (kept), a second one after the long line (line 3).
  const long = `${FAILURE} ${'x'.repeat(MAX_LINE + 4096)}`;
  const text = `INFO start\n${long}\n${'y'.repeat(100)}\n${FAILURE}\n`;
  const file = path.join(dir, 'long.log');
  writeFileSync(file, text);
  const longLines: number[] = [];
  for (const piece of [READ_BYTES, 64 * 1024, 4096]) {
    longLines.length = 0;
    const found = scanFile(file, undefined, undefined, piece, { onLongLine: (line) => longLines.push(line) });
    assert.deepEqual(found.map((f) => [f.line, f.kind]), [[2, 'untrusted-ca'], [4, 'untrusted-ca']], `pieces of ${piece}`);
    assert.ok(found[0].message.length <= 1001, 'the message is capped too');
  }
  assert.deepEqual(longLines, [2]);
  const cli = await run(['scan', 'long.log', '--json']);
  assert.equal(cli.code, 0);
  assert.deepEqual((JSON.parse(cli.out) as Finding[]).map((f) => f.line), [2, 4]);
  assert.match(cli.err, new RegExp(`long\\.log: line 2 longer than ${MAX_LINE} bytes: only the first ${MAX_LINE} bytes of each were read`));
});

test('the buffer a scan reads into stays bounded whatever the line length (no 4 GB for a 2 GB line)', () => {
  const scanner = new FindingScanner('-');
  const found: Finding[] = [];
  const stream = new ByteScanner(scanner, (findings) => found.push(...findings));
  const piece = Buffer.alloc(256 * 1024, 0x61);
  let largest = 0;
  stream.write(Buffer.from(`${FAILURE} `));
  for (let i = 0; i < 24; i += 1) {
    // 6 MB without a newline: six times the cap.
    stream.write(piece);
    largest = Math.max(largest, stream.capacity);
  }
  stream.write(Buffer.from(`\nINFO next\n${FAILURE}\n`));
  stream.end();
  assert.ok(largest <= MAX_LINE + 3 * READ_BYTES, `the buffer grew to ${largest} bytes`);
  assert.deepEqual(found.map((f) => f.line), [1, 3]);
  assert.equal(stream.longLines, 1);
});

test('~140k failures: every one found and written, no stack overflow from spreading a big array', async () => {
  const events = 140_000;
  const file = path.join(dir, 'many.log');
  writeFileSync(file, `${FAILURE}\nINFO retrying\n`.repeat(events));
  const { code, out, err } = await run(['scan', 'many.log']);
  assert.equal(code, 0, err);
  const lines = out.trimEnd().split('\n');
  assert.equal(lines.length, events + 1);
  assert.match(lines[0], /^many\.log:1 {2}untrusted-ca {2}curl/);
  assert.match(lines[events - 1], new RegExp(`^many\\.log:${2 * events - 1} `));
  assert.match(lines[events], new RegExp(`^${events} TLS failures, ${events} fixable`));
  const json = await run(['scan', 'many.log', '--json']);
  const parsed = JSON.parse(json.out) as Finding[];
  assert.equal(parsed.length, events);
  assert.deepEqual(Object.keys(parsed[0]), ['file', 'line', 'kind', 'runtime', 'host', 'port', 'fixable', 'message']);
});

test('stdin that never ends a line (a bounded stand-in for `scan - < /dev/zero`): streamed in bounded memory, said plainly', async () => {
  const zeros = Buffer.alloc(1024 * 1024, 0);
  const megabytes = 48;
  let peak = 0;
  const base = process.memoryUsage().arrayBuffers;
  async function* stdin(): AsyncIterable<Uint8Array> {
    for (let i = 0; i < megabytes; i += 1) {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
      yield zeros;
    }
    yield Buffer.from(`\n${FAILURE}\n`);
  }
  const { code, out, err } = await run(['scan', '-', '--json'], stdin);
  assert.equal(code, 0, err);
  assert.deepEqual((JSON.parse(out) as Finding[]).map((f) => [f.file, f.line, f.kind]), [['-', 2, 'untrusted-ca']]);
  assert.match(err, new RegExp(`1 line of stdin longer than ${MAX_LINE} bytes`));
  assert.ok(peak < 16 * 1024 * 1024, `${megabytes} MB of stdin took ${Math.round(peak / 1024 / 1024)} MB of buffers`);
});

test('the stream API agrees with scanFile on the same bytes, in odd-sized pieces', async () => {
  const text = `INFO a\n${FAILURE}\n  more\nINFO b\n${'z'.repeat(MAX_LINE + 10)}\n${FAILURE}`;
  const file = path.join(dir, 'same.log');
  writeFileSync(file, text);
  const fromFile = scanFile(file).map((f) => ({ ...f, file: '-' }));
  const bytes = Buffer.from(text);
  async function* pieces(): AsyncIterable<Uint8Array> {
    for (let at = 0; at < bytes.length; at += 777_777) yield bytes.subarray(at, at + 777_777);
  }
  const streamed: Finding[] = [];
  await scanStream(pieces(), '-', (f) => streamed.push(f));
  assert.deepEqual(streamed, fromFile);
  assert.deepEqual(streamed.map((f) => f.line), [2, 6]);
});
