/** The middle value (the upper one of an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Median time in ms of `runs` runs of body, after one warm-up run (page cache, JIT). */
export async function medianTime(runs: number, body: () => Promise<void> | void): Promise<number> {
  await body();
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await body();
    times.push(performance.now() - start);
  }
  return median(times);
}
