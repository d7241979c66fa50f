/**
 * The one shape every benchmark reports in: figures, each next to the baseline measured in
 * the same run, printed and (with BENCH_JSON=1) written as JSON for `npm run bench`
 * (bench/run.mjs), which compares them with the goals of bench/goals.json by `id`.
 *
 * BENCH_JSON=1 writes `<bench>-<time>.json` to BENCH_RESULTS_DIR (the harness gives each
 * run its own), else to bench/results/ (git-ignored).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import goals from '../goals.json';

export interface Figure {
  /** Stable name the goals refer to, e.g. `ingest.ratio.indexed`. */
  id: string;
  /** What was measured, for people: `plan p99`. */
  label: string;
  value: number;
  unit: string;
  /** The same-run measure this figure is to be read against (absent for a ratio itself). */
  baseline?: { label: string; value: number };
  /** The size the figure was measured at (events, rows, records, requests), when a goal depends on it. */
  size?: number;
}

export interface Machine {
  cores: number;
  cpu: string;
  node: string;
  /** 1-minute load average when the bench ended: other work on the machine skews figures. */
  load: number;
}

export function machine(): Machine {
  return {
    cores: os.availableParallelism?.() ?? os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    load: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

export interface Goal {
  id: string;
  measure: string;
  op: '>=' | '<=';
  value: number;
  unit: string;
  /** The size the goal holds at, if it depends on one. */
  size?: number;
}

/** The goal of bench/goals.json with this id (a bench that acts on its own goal, e.g. explains a miss). */
export function goal(id: string): Goal {
  const g = (goals.goals as Goal[]).find((x) => x.id === id);
  if (!g) throw new Error(`no goal ${id} in bench/goals.json`);
  return g;
}

/** value / baseline, for figures where higher is better or the same unit is compared. */
export const ratio = (value: number, baseline: number): number => (baseline > 0 ? value / baseline : Number.NaN);

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Writes the bench's figures (and whatever details it wants kept) when BENCH_JSON=1;
 * returns the file written, if any.
 */
export function writeResults(bench: string, figures: Figure[], details: object = {}): string | undefined {
  if (process.env.BENCH_JSON !== '1') return undefined;
  const dir = process.env.BENCH_RESULTS_DIR ?? join(__dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  const at = new Date().toISOString();
  const file = join(dir, `${bench}-${at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ bench, at, machine: machine(), figures, details }, null, 2)}\n`);
  console.log(`  results written to ${file}`);
  return file;
}
