// `npm run bench`: every area's measurements, ratios side by side, in one table.
import type { BenchRow } from './types';

const areas: Record<string, () => Promise<{ bench: () => Promise<BenchRow[]> }>> = {
  scan: () => import('./scan'),
  chain: () => import('./chain'),
  activation: () => import('./activation'),
  fix: () => import('./fix'),
  editor: () => import('./editor'),
  runtime: () => import('./runtime'),
};

function format(value: number, unit: string): string {
  return `${value < 10 ? value.toFixed(3) : value.toFixed(1)} ${unit}`;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const rows: BenchRow[] = [];
  for (const [name, load] of Object.entries(areas)) {
    if (only.length > 0 && !only.includes(name)) continue;
    try {
      const mod = await load();
      process.stderr.write(`bench: ${name}…\n`);
      rows.push(...(await mod.bench()));
    } catch (error) {
      process.stderr.write(`bench: ${name} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    }
  }
  const table = rows.map((row) => ({
    area: row.area,
    what: row.what,
    ours: format(row.ours, row.unit),
    baseline: `${format(row.baseline, row.unit)} (${row.baselineName})`,
    ratio: (row.ours / row.baseline).toFixed(2),
    goal: row.goal,
  }));
  console.table(table);
}

void main();
