/**
 * Access-package benchmark: time and peak memory to assemble the zip of an access package
 * (data.json, one CSV per category, processing.json, summary.md) for 10,000 records across
 * the four demo systems, against a baseline measured in the same run: JSON.stringify of
 * the same records into one buffer (the least any export could do).
 *
 *   TS_NODE_PROJECT=tsconfig.json node --expose-gc -r ts-node/register/transpile-only -r tsconfig-paths/register bench/package/package.bench.ts
 *   BENCH_RECORDS=10000 (default)  BENCH_RUNS=5 (default)
 *
 * Pure CPU and memory: no Kafka, no PostgreSQL (collection is measured by the e2e suite).
 * Peak memory is the highest heapUsed + external seen (sampled every 2 ms) above the
 * level before the run, after a forced GC when --expose-gc is given.
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { loadPolicy } from '../../libs/policy/src';
import { buildPackage, type SystemExport } from '../../apps/data-locator/src/package/package-builder';
import type { InventoryEntry } from '../../apps/data-locator/src/package/processing-facts';
import { writeResults } from '../support/results';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const policy = loadPolicy(join(__dirname, '../../deploy/policy/default.fr.yaml'));

const SYSTEMS: { id: string; categories: string[] }[] = [
  { id: 'crm', categories: ['identification'] },
  { id: 'billing', categories: ['billing', 'payment'] },
  { id: 'support', categories: ['relationship'] },
  { id: 'marketing', categories: ['usage', 'prospection'] },
];

const inventory: InventoryEntry[] = SYSTEMS.map((s) => ({
  systemId: s.id,
  name: s.id,
  role: 'controller',
  purposes: ['service'],
  legalBasis: 'contract',
  categories: s.categories,
  location: 'FR',
  transfers: s.id === 'support' ? [{ country: 'US', mechanism: 'scc' }] : [],
  recipients:
    s.id === 'support'
      ? [{ name: 'Helpdesk Inc.', kind: 'sub-processor', categories: ['relationship'], country: 'US' }]
      : [],
}));

function exportsOf(n: number): SystemExport[] {
  return SYSTEMS.map((s, si) => {
    const records: Record<string, unknown>[] = [];
    for (let i = si; i < n; i += SYSTEMS.length) {
      const category = s.categories[i % s.categories.length];
      records.push({
        recordType: `${category}-record`,
        category,
        recordRef: `${s.id}-${i}`,
        email: `customer${i % 97}@example.fr`,
        createdAt: new Date(1_700_000_000_000 + i * 60_000).toISOString(),
        amount: (i * 1.37).toFixed(2),
        note: `Ticket #${i}: "printer", again,\nsecond line`,
        lines: [{ sku: `S-${i}`, qty: i % 5 }],
      });
    }
    return { systemId: s.id, categories: s.categories, records };
  });
}

async function measure(what: () => Promise<number>): Promise<{ ms: number; peakMiB: number; bytes: number }> {
  const gc = (global as { gc?: () => void }).gc;
  gc?.();
  const level = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  const base = level();
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, level());
  }, 2);
  const t0 = process.hrtime.bigint();
  const bytes = await what();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  peak = Math.max(peak, level());
  clearInterval(timer);
  return { ms, peakMiB: (peak - base) / 1024 / 1024, bytes };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const exports = exportsOf(RECORDS);
  const results = {
    package: [] as Awaited<ReturnType<typeof measure>>[],
    baseline: [] as Awaited<ReturnType<typeof measure>>[],
  };
  for (let run = 0; run < RUNS; run++) {
    results.baseline.push(
      await measure(
        async () =>
          Buffer.from(JSON.stringify(exports.map((e) => ({ systemId: e.systemId, records: e.records })))).length,
      ),
    );
    results.package.push(
      await measure(
        async () =>
          (
            await buildPackage({
              requestId: '00000000-0000-4000-8000-000000000000',
              requestType: 'access',
              generatedAt: new Date().toISOString(),
              controller: 'bench',
              systems: inventory,
              exports,
              policy,
            })
          ).zip.length,
      ),
    );
  }
  console.log(
    `access package of ${RECORDS} records across ${SYSTEMS.length} systems, ${RUNS} runs (median; peak = max over runs)`,
  );
  for (const [name, rs] of Object.entries(results)) {
    console.log(
      `${name.padEnd(9)} ${median(rs.map((r) => r.ms))
        .toFixed(1)
        .padStart(8)} ms   peak +${Math.max(...rs.map((r) => r.peakMiB))
        .toFixed(1)
        .padStart(6)} MiB   output ${(rs[0].bytes / 1024).toFixed(0)} KiB`,
    );
  }
  console.log(
    `ratio     ${(median(results.package.map((r) => r.ms)) / median(results.baseline.map((r) => r.ms))).toFixed(1)}x the baseline's time`,
  );
  const time = (rs: typeof results.package) => median(rs.map((r) => r.ms)) / 1000;
  const peak = (rs: typeof results.package) => Math.max(...rs.map((r) => r.peakMiB));
  writeResults('package', [
    {
      id: 'package.time',
      label: 'package time (median)',
      value: time(results.package),
      unit: 's',
      baseline: { label: 'JSON.stringify', value: time(results.baseline) },
      size: RECORDS,
    },
    {
      id: 'package.memory',
      label: 'package peak memory above idle',
      value: peak(results.package),
      unit: 'MiB',
      baseline: { label: 'JSON.stringify', value: peak(results.baseline) },
      size: RECORDS,
    },
  ]);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
