// Counting newlines at memory speed. Line numbers need every newline of a log counted; in JavaScript that
// costs a call per line (~2 million for a 200 MB log). A 16-byte SIMD loop in WebAssembly counts them in one
// call per range. The bytes live in the module's memory, so the file is read straight into it (no copy).
// Where WebAssembly or its SIMD is not available, Buffer.indexOf counts them.

/** Unsigned LEB128. */
function leb(value: number): number[] {
  const out: number[] = [];
  let rest = value >>> 0;
  do {
    let byte = rest & 0x7f;
    rest >>>= 7;
    if (rest !== 0) byte |= 0x80;
    out.push(byte);
  } while (rest !== 0);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...leb(body.length), ...body];
}

const SIMD = 0xfd;
/** count(p, end): how many bytes in [p, end) are 10 ('\n'); 64 bytes a round, the rest one by one. */
function moduleBytes(): Uint8Array<ArrayBuffer> {
  const [P, END, TOTAL, K, ACC, NL, T] = [0, 1, 2, 3, 4, 5, 6];
  const get = (i: number): number[] => [0x20, i];
  const set = (i: number): number[] => [0x21, i];
  const i32 = (n: number): number[] => [0x41, ...signedLeb(n)];
  const body = [
    // locals: total, k: i32; acc, nl, t: v128
    0x02, 0x02, 0x7f, 0x03, 0x7b,
    ...i32(10), SIMD, 0x0f, ...set(NL), // nl = i8x16.splat(10)
    0x02, 0x40, // block $done
    0x03, 0x40, // loop $outer
    ...get(END), ...get(P), 0x6b, ...i32(64), 0x49, 0x0d, 0x01, // if (end - p < 64) break $done
    SIMD, 0x0c, ...new Array<number>(16).fill(0), ...set(ACC), // acc = 0
    ...i32(63), ...set(K), // at most 63 rounds of 4 before the 8-bit lanes are summed
    0x03, 0x40, // loop $inner
    ...get(ACC), ...get(P), SIMD, 0x00, 0x00, 0x00, ...get(NL), SIMD, 0x23, SIMD, 0x71, // acc -= (load(p) == nl)
    ...get(P), SIMD, 0x00, 0x00, 0x10, ...get(NL), SIMD, 0x23, SIMD, 0x71, // … load(p + 16)
    ...get(P), SIMD, 0x00, 0x00, 0x20, ...get(NL), SIMD, 0x23, SIMD, 0x71, // … load(p + 32)
    ...get(P), SIMD, 0x00, 0x00, 0x30, ...get(NL), SIMD, 0x23, SIMD, 0x71, ...set(ACC), // … load(p + 48)
    ...get(P), ...i32(64), 0x6a, ...set(P), // p += 64
    ...get(K), ...i32(1), 0x6b, 0x22, K, 0x45, 0x45, // (--k != 0)
    ...get(END), ...get(P), 0x6b, ...i32(64), 0x4f, // (end - p >= 64)
    0x71, 0x0d, 0x00, // and: continue $inner
    0x0b, // end $inner
    ...get(ACC), SIMD, 0x7d, SIMD, 0x7f, ...set(T), // t = i32x4 sums of acc's lanes
    ...get(TOTAL),
    ...get(T), SIMD, 0x1b, 0x00, 0x6a,
    ...get(T), SIMD, 0x1b, 0x01, 0x6a,
    ...get(T), SIMD, 0x1b, 0x02, 0x6a,
    ...get(T), SIMD, 0x1b, 0x03, 0x6a,
    ...set(TOTAL),
    0x0c, 0x00, // continue $outer
    0x0b, // end $outer
    0x0b, // end $done
    0x02, 0x40, // block $tail
    0x03, 0x40, // loop
    ...get(P), ...get(END), 0x4f, 0x0d, 0x01, // if (p >= end) break
    ...get(TOTAL), ...get(P), 0x2d, 0x00, 0x00, ...i32(10), 0x46, 0x6a, ...set(TOTAL), // total += load8_u(p) == 10
    ...get(P), ...i32(1), 0x6a, ...set(P), // p += 1
    0x0c, 0x00,
    0x0b,
    0x0b,
    ...get(TOTAL),
    0x0b, // end function
  ];
  const name = (text: string): number[] => [...leb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f]),
    ...section(2, [0x01, ...name('env'), ...name('mem'), 0x02, 0x00, 0x01]),
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, ...name('count'), 0x00, 0x00]),
    ...section(10, [0x01, ...leb(body.length), ...body]),
  ]);
}

function signedLeb(value: number): number[] {
  const out: number[] = [];
  let rest = value | 0;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    if ((rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

let compiled: WebAssembly.Module | null | undefined;

function wasmModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = typeof WebAssembly === 'object' ? new WebAssembly.Module(moduleBytes()) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

const PAGE = 65536;

/**
 * A growable byte buffer whose newlines can be counted in one call. Read into `bytes` (a Buffer over the
 * whole memory); after `ensure` the Buffer may be a new one.
 */
export class ByteWindow {
  bytes: Buffer;
  private readonly memory: WebAssembly.Memory | null = null;
  private readonly counter: ((from: number, to: number) => number) | null = null;

  constructor(initialBytes: number) {
    const module = wasmModule();
    if (module) {
      try {
        const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(initialBytes / PAGE)) });
        const instance = new WebAssembly.Instance(module, { env: { mem: memory } });
        const count = instance.exports.count as (from: number, to: number) => number;
        // A self-test: an engine without SIMD fails to compile; one that miscounts would be worse.
        const probe = Buffer.from(memory.buffer);
        probe.fill(10, 0, 40);
        probe[17] = 0;
        if (count(0, 40) === 39 && count(3, 20) === 16) {
          this.memory = memory;
          this.counter = count;
          this.bytes = Buffer.from(memory.buffer);
          return;
        }
      } catch {
        // fall back below
      }
    }
    this.bytes = Buffer.allocUnsafe(initialBytes);
  }

  /** Room for at least `size` bytes, keeping the first `keep` bytes. */
  ensure(size: number, keep: number): void {
    if (size <= this.bytes.length) return;
    if (this.memory) {
      this.memory.grow(Math.ceil((size - this.bytes.length) / PAGE));
      this.bytes = Buffer.from(this.memory.buffer);
      return;
    }
    const bigger = Buffer.allocUnsafe(Math.max(size, this.bytes.length * 2));
    this.bytes.copy(bigger, 0, 0, keep);
    this.bytes = bigger;
  }

  /** Newlines in bytes [from, to). */
  countNewlines(from: number, to: number): number {
    if (to <= from) return 0;
    if (this.counter) return this.counter(from, to);
    let count = 0;
    const view = this.bytes.subarray(0, to);
    for (let at = view.indexOf(10, from); at !== -1; at = view.indexOf(10, at + 1)) count += 1;
    return count;
  }
}
