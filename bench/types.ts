/** One line of `npm run bench`: ours against a baseline, measured side by side in one run. */
export interface BenchRow {
  area: string;
  what: string;
  ours: number;
  baseline: number;
  unit: string;
  baselineName: string;
  /** The goal for ours / baseline, e.g. "<= 1.5". */
  goal: string;
}
