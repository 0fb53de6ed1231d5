// The tailer: only new bytes, whole lines, every way a log file changes under it.
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { FileTailer } from '../../src/core/logs/tail';

const dir = mkdtempSync(path.join(tmpdir(), 'logs-tail-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => path.join(dir, `t${n++}.log`);

test('returns complete lines only; a partial last line waits for its newline', async () => {
  const file = fresh();
  writeFileSync(file, 'one\ntwo\nthr');
  const tailer = new FileTailer(file);
  assert.deepEqual(await tailer.read(), ['one', 'two']);
  assert.deepEqual(await tailer.read(), []);
  appendFileSync(file, 'ee\nfour');
  assert.deepEqual(await tailer.read(), ['three']);
  appendFileSync(file, '\n');
  assert.deepEqual(await tailer.read(), ['four']);
});

test('CRLF lines come back without \\r, also when \\r and \\n arrive in different reads', async () => {
  const file = fresh();
  writeFileSync(file, 'a\r\nb\r');
  const tailer = new FileTailer(file);
  assert.deepEqual(await tailer.read(), ['a']);
  appendFileSync(file, '\nc\r\n');
  assert.deepEqual(await tailer.read(), ['b', 'c']);
});

test('a multi-byte UTF-8 character split across reads is decoded whole', async () => {
  const file = fresh();
  const bytes = Buffer.from('prüfung ✓ 😀\n', 'utf8');
  // 'ü' is 2 bytes at 2..3, '✓' 3 bytes, '😀' 4 bytes: cut inside each.
  writeFileSync(file, bytes.subarray(0, 3));
  const tailer = new FileTailer(file);
  assert.deepEqual(await tailer.read(), []);
  appendFileSync(file, bytes.subarray(3, 11));
  assert.deepEqual(await tailer.read(), []);
  appendFileSync(file, bytes.subarray(11, 15));
  assert.deepEqual(await tailer.read(), []);
  appendFileSync(file, bytes.subarray(15));
  assert.deepEqual(await tailer.read(), ['prüfung ✓ 😀']);
});

test('maxBytesPerRead caps one read; the rest comes on the next reads, split characters included', async () => {
  const file = fresh();
  const lines = Array.from({ length: 50 }, (_, i) => `línea ${i} ✓`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const tailer = new FileTailer(file, { maxBytesPerRead: 7 });
  const got: string[] = [];
  for (let i = 0; i < 1000 && got.length < lines.length; i++) got.push(...(await tailer.read()));
  assert.deepEqual(got, lines);
});

test('startAtEnd skips what the file already holds', async () => {
  const file = fresh();
  writeFileSync(file, 'old\nold2\n');
  const tailer = new FileTailer(file, { startAtEnd: true });
  assert.deepEqual(await tailer.read(), []);
  appendFileSync(file, 'new\n');
  assert.deepEqual(await tailer.read(), ['new']);
});

test('truncation in place: reads the file again from its start', async () => {
  const file = fresh();
  writeFileSync(file, 'a long first line\nsecond\n');
  const tailer = new FileTailer(file);
  assert.deepEqual(await tailer.read(), ['a long first line', 'second']);
  truncateSync(file, 0);
  appendFileSync(file, 'after\n');
  assert.deepEqual(await tailer.read(), ['after']);
});

test('rotation: a new file under the same name (new inode) is read from its start, even when larger', async () => {
  const file = fresh();
  writeFileSync(file, 'x\n');
  const tailer = new FileTailer(file);
  assert.deepEqual(await tailer.read(), ['x']);
  renameSync(file, `${file}.1`);
  writeFileSync(file, 'rotated 1\nrotated 2\n');
  assert.deepEqual(await tailer.read(), ['rotated 1', 'rotated 2']);
});

test('a file that appears later is read from its start once it exists', async () => {
  const file = fresh();
  const tailer = new FileTailer(file, { startAtEnd: true });
  assert.deepEqual(await tailer.read(), []);
  assert.equal(tailer.lastProblem, 'missing');
  writeFileSync(file, 'born\n');
  assert.deepEqual(await tailer.read(), ['born']);
  assert.equal(tailer.lastProblem, null);
});

test('a deleted file: no throw, [] and a reason; a new one under the name is read whole', async () => {
  const file = fresh();
  writeFileSync(file, 'a\n');
  const tailer = new FileTailer(file);
  assert.deepEqual(await tailer.read(), ['a']);
  unlinkSync(file);
  assert.deepEqual(await tailer.read(), []);
  assert.equal(tailer.lastProblem, 'missing');
  writeFileSync(file, 'b\n');
  assert.deepEqual(await tailer.read(), ['b']);
});

test('a folder or an unreadable file: [] and a reason, never a throw', async () => {
  const folder = path.join(dir, 'folder.log');
  mkdirSync(folder);
  const onFolder = new FileTailer(folder);
  assert.deepEqual(await onFolder.read(), []);
  assert.ok(onFolder.lastProblem);
  const file = fresh();
  writeFileSync(file, 'secret\n');
  chmodSync(file, 0o000);
  const tailer = new FileTailer(file);
  const lines = await tailer.read();
  if (process.getuid?.() === 0) assert.deepEqual(lines, ['secret']); // root reads anything
  else {
    assert.deepEqual(lines, []);
    assert.ok(tailer.lastProblem);
  }
  chmodSync(file, 0o644);
});

test('an append reads only the appended bytes: position moves by exactly their length', async () => {
  const file = fresh();
  writeFileSync(file, 'x'.repeat(100_000) + '\n');
  const tailer = new FileTailer(file);
  await tailer.read();
  const before = tailer.position;
  appendFileSync(file, 'tail line\n');
  assert.deepEqual(await tailer.read(), ['tail line']);
  assert.equal(tailer.position - before, 'tail line\n'.length);
});
