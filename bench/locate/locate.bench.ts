/**
 * Locate benchmark: how long data-locator takes to build a verified request's plan (the
 * index lookup of every key of the subject, the register, the plan row) when the personal-
 * data index holds millions of records, against a single primary-key lookup on the same
 * table in the same run.
 *
 *   TS_NODE_PROJECT=tsconfig.json npx ts-node --transpile-only -r tsconfig-paths/register bench/locate/locate.bench.ts
 *
 * BENCH_INDEX_ROWS (default 10,000,000) rows are seeded server-side (INSERT ... SELECT
 * FROM generate_series) into pdata_index of a data-locator started in-process on its own
 * schema (startTestService: its migrations make the table). The table's key and indexes
 * are set aside while seeding and rebuilt from their own definitions (pg_get_indexdef),
 * which is several times faster than maintaining them row by row; then ANALYZE.
 *
 * Then, for BENCH_SUBJECTS (default 2,000) random subjects, PlanService.build runs in a
 * transaction, as the identityVerified handler runs it; then its index part alone
 * (PdataIndexRepository.holdingsOf, read only); then the baseline, a read-only transaction
 * reading one row by primary key. Interleaved, so that all three see the same machine load.
 * p50, p99 and max of each; if the plan's p99 is above the goal, the slowest subject's
 * lookup is EXPLAIN ANALYZEd and printed.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { IdentityVerified } from '@datarights/contracts';
import { aSystem, cleanup, isolate, startTestService } from '@datarights/testing';
import { InventoryRepository } from '../../apps/data-locator/src/inventory/inventory.repository';
import { PdataIndexRepository } from '../../apps/data-locator/src/pdata-index/pdata-index.repository';
import { normalisedKeys } from '../../apps/data-locator/src/plan/plan-builder';
import { PlanService } from '../../apps/data-locator/src/plan/plan.service';
import { goal, machine, percentile, writeResults } from '../support/results';

// As jest does: the services default to production, which refuses their development keys and tokens.
process.env.NODE_ENV ??= 'test';
process.env.LOG_LEVEL ??= 'warn';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const ROWS = Number(process.env.BENCH_INDEX_ROWS ?? 10_000_000);
const SAMPLES = Number(process.env.BENCH_SUBJECTS ?? 2_000);
/** Rows per INSERT statement while seeding (progress is printed between them). */
const CHUNK = 1_000_000;
/** Above the goal's plan p99 the slow path is explained. */
const EXPLAIN_ABOVE_MS = goal('locate.plan.p99').value;

/**
 * The company's systems: which keys each one holds its records under (a shop knows the
 * email and the customer number, a call centre the phone...).
 */
const SYSTEMS = [
  { id: 'crm', category: 'identification', email: true, customerId: true, phone: true },
  { id: 'billing', category: 'billing', email: false, customerId: true, phone: false },
  { id: 'support', category: 'relationship', email: true, customerId: false, phone: true },
  { id: 'marketing', category: 'prospection', email: true, customerId: false, phone: false },
  { id: 'shop', category: 'purchases', email: true, customerId: true, phone: false },
  { id: 'analytics', category: 'usage', email: false, customerId: true, phone: false },
  { id: 'newsletter', category: 'usage', email: true, customerId: false, phone: false },
  { id: 'payments', category: 'payment', email: false, customerId: true, phone: false },
];

/**
 * The population: one subject per ten rows. 5 % of the rows belong to a thousandth of the
 * subjects (heavy ones: ~500 records each at 10 M rows, a long-standing customer with
 * thousands of orders or tickets); the rest spread evenly (~9.5 records each, over most
 * systems). One record in fifty is erased (a tombstone: no keys, Art. 5(1)(c)).
 */
const SUBJECTS = Math.max(10, Math.floor(ROWS / 10));
const HEAVY = Math.max(1, Math.floor(SUBJECTS / 1000));
const REGULAR = SUBJECTS - HEAVY;

const keysOf = (s: number) => ({
  email: [`subject${s}@example.test`],
  customerId: [`C${s}`],
  phone: [`+33${String(s).padStart(9, '0')}`],
});

// Row g: the subject it belongs to, the system it is in (a regular subject's rows are
// g ≡ c (mod REGULAR), so `(g / REGULAR + g) % 8` puts them in successive systems), keys as
// that system holds them, and the same key spelling as keysOf.
const SEED = `
  INSERT INTO pdata_index (system_id, record_ref, category, email, customer_id, phone, erased, occurred_at)
  SELECT sys.id, 'r' || g, sys.category,
         CASE WHEN sys.email AND NOT x.erased THEN 'subject' || x.s || '@example.test' END,
         CASE WHEN sys.customer_id AND NOT x.erased THEN 'C' || x.s END,
         CASE WHEN sys.phone AND NOT x.erased THEN '+33' || lpad(x.s::text, 9, '0') END,
         x.erased, timestamptz '2024-01-01T00:00:00Z' + g * interval '1 second'
  FROM generate_series($1::bigint, $2::bigint) AS g
  CROSS JOIN LATERAL (SELECT CASE WHEN g % 20 = 0 THEN (g / 20) % $3 ELSE $3 + (g * 7919) % $4 END AS s,
                             ((g / $4) + g) % $5 AS k,
                             g % 50 = 7 AS erased) AS x
  JOIN jsonb_to_recordset($6::jsonb) AS sys(k int, id text, category text, email boolean, customer_id boolean, phone boolean)
    ON sys.k = x.k`;

const ms = (t0: number) => performance.now() - t0;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Drops pdata_index's key and indexes, runs `fill`, rebuilds them from their own definitions. */
async function withoutIndexes(ds: DataSource, fill: () => Promise<void>): Promise<number> {
  const defs: { name: string; def: string; constraint: boolean }[] = await ds.query(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def,
            c.conname IS NOT NULL AS constraint
     FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.contype = 'p'
     WHERE i.indrelid = 'pdata_index'::regclass`,
  );
  const pk: { name: string; def: string }[] = await ds.query(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
     WHERE conrelid = 'pdata_index'::regclass AND contype = 'p'`,
  );
  for (const d of defs.filter((x) => !x.constraint)) await ds.query(`DROP INDEX ${d.name}`);
  for (const c of pk) await ds.query(`ALTER TABLE pdata_index DROP CONSTRAINT "${c.name}"`);
  await fill();
  const t0 = performance.now();
  await ds.transaction(async (tx) => {
    await tx.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    for (const c of pk) await tx.query(`ALTER TABLE pdata_index ADD CONSTRAINT "${c.name}" ${c.def}`);
    for (const d of defs.filter((x) => !x.constraint)) await tx.query(d.def);
  });
  return ms(t0);
}

async function seed(ds: DataSource): Promise<{ insertMs: number; indexMs: number; analyzeMs: number }> {
  const systems = JSON.stringify(SYSTEMS.map((s, k) => ({ ...s, k, customer_id: s.customerId })));
  let insertMs = 0;
  const indexMs = await withoutIndexes(ds, async () => {
    const t0 = performance.now();
    for (let from = 0; from < ROWS; from += CHUNK) {
      const to = Math.min(ROWS, from + CHUNK) - 1;
      await ds.query(SEED, [from, to, HEAVY, REGULAR, SYSTEMS.length, systems]);
      process.stdout.write(`\r  seeding: ${fmt(to + 1)} rows, ${(ms(t0) / 1000).toFixed(0)} s`);
    }
    process.stdout.write('\n');
    insertMs = ms(t0);
  });
  const t1 = performance.now();
  await ds.query(`ANALYZE pdata_index`);
  return { insertMs, indexMs, analyzeMs: ms(t1) };
}

function verified(s: number): IdentityVerified {
  return {
    requestId: randomUUID(),
    requestType: 'access',
    subjectRef: `bench-${s}`,
    subjectKeys: keysOf(s),
    method: 'dpo-attested',
    verifiedAt: new Date().toISOString(),
  } as IdentityVerified;
}

interface Timings {
  sorted: number[];
  p50: number;
  p99: number;
  max: number;
}
const timings = (xs: number[]): Timings => {
  const sorted = [...xs].sort((a, b) => a - b);
  return { sorted, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] };
};

async function main(): Promise<void> {
  const iso = isolate('data-locator');
  let app: INestApplication | undefined;
  try {
    const { AppModule, SCHEMA, SERVICE } = await import('../../apps/data-locator/src/app.module');
    app = await startTestService(AppModule, SERVICE, SCHEMA);
    const ds = app.get(DataSource);
    const plans = app.get(PlanService);
    const inventory = app.get(InventoryRepository);
    const index = app.get(PdataIndexRepository);
    const m = machine();
    console.log(
      `Locate: ${fmt(ROWS)} index rows, ${fmt(SUBJECTS)} subjects (${fmt(HEAVY)} heavy), ${SYSTEMS.length} systems, ` +
        `${m.cores} cores (${m.cpu}), node ${m.node}`,
    );

    await ds.transaction(async (tx) => {
      for (const s of SYSTEMS)
        await inventory.upsert(tx, aSystem({ systemId: s.id, categories: [s.category] }), new Date());
    });
    const seeded = await seed(ds);
    const seedMs = seeded.insertMs + seeded.indexMs + seeded.analyzeMs;
    console.log(
      `  seeded in ${(seedMs / 1000).toFixed(1)} s: insert ${(seeded.insertMs / 1000).toFixed(1)} s, ` +
        `key and indexes ${(seeded.indexMs / 1000).toFixed(1)} s, ANALYZE ${(seeded.analyzeMs / 1000).toFixed(1)} s`,
    );

    // Random subjects (a fixed sequence, so runs compare), and a random row of the table for each baseline lookup.
    let state = 42;
    const rand = (n: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % n;
    };
    const plan: number[] = [];
    const lookup: number[] = [];
    const base: number[] = [];
    const records: number[] = [];
    const slowest = { ms: 0, subject: 0 };
    // A few of each first: connections, plan caches.
    for (let i = 0; i < SAMPLES + 20; i++) {
      const s = rand(SUBJECTS);
      const t0 = performance.now();
      const built = await ds.transaction((tx) => plans.build(tx, verified(s), randomUUID()));
      const planMs = ms(t0);
      // The index part of it alone (read only: no plan row, no commit to flush).
      const t2 = performance.now();
      await ds.transaction((tx) => index.holdingsOf(tx, normalisedKeys(keysOf(s))));
      const lookupMs = ms(t2);
      const g = rand(ROWS);
      const systemId = SYSTEMS[(Math.floor(g / REGULAR) + g) % SYSTEMS.length].id;
      const t1 = performance.now();
      const found: unknown[] = await ds.transaction((tx) =>
        tx.query(`SELECT * FROM pdata_index WHERE system_id = $1 AND record_ref = $2`, [systemId, `r${g}`]),
      );
      const baseMs = ms(t1);
      if (found.length !== 1) throw new Error(`baseline lookup of r${g} found ${found.length} rows`);
      if (i < 20) continue;
      plan.push(planMs);
      lookup.push(lookupMs);
      base.push(baseMs);
      records.push(built?.items.reduce((n, item) => n + item.records, 0) ?? 0);
      if (planMs > slowest.ms) Object.assign(slowest, { ms: planMs, subject: s });
    }
    const p = timings(plan);
    const l = timings(lookup);
    const b = timings(base);
    const r = timings(records);
    const row = (name: string, t: Timings) =>
      `  ${name.padEnd(9)} p50 ${t.p50.toFixed(2).padStart(6)} ms   p99 ${t.p99.toFixed(2).padStart(6)} ms   max ${t.max.toFixed(2).padStart(7)} ms`;
    console.log(`  ${fmt(SAMPLES)} random subjects (records found: p50 ${r.p50}, p99 ${r.p99}, max ${r.max})`);
    console.log(row('plan', p) + '   PlanService.build in a transaction (lookup, register, plan row, commit)');
    console.log(row('lookup', l) + '   its index part alone: holdingsOf in a read-only transaction');
    console.log(row('baseline', b) + '   one primary-key lookup in a read-only transaction');
    console.log(`  ratio plan / baseline: p50 ${(p.p50 / b.p50).toFixed(1)}x, p99 ${(p.p99 / b.p99).toFixed(1)}x`);
    console.log(`  ratio lookup / baseline: p50 ${(l.p50 / b.p50).toFixed(1)}x, p99 ${(l.p99 / b.p99).toFixed(1)}x`);

    let explained: string | undefined;
    if (p.p99 > EXPLAIN_ABOVE_MS) {
      // The index lookup of the slowest subject, as holdingsOf runs it.
      const k = keysOf(slowest.subject);
      const lines: { 'QUERY PLAN': string }[] = await ds.query(
        `EXPLAIN (ANALYZE, BUFFERS) SELECT system_id, category, count(*)::int AS records FROM pdata_index
         WHERE NOT erased AND (email = ANY($1::text[]) OR customer_id = ANY($2::text[]) OR phone = ANY($3::text[]))
         GROUP BY system_id, category`,
        [k.email, k.customerId, k.phone],
      );
      explained = lines.map((l) => l['QUERY PLAN']).join('\n');
      console.log(
        `  plan p99 above ${EXPLAIN_ABOVE_MS} ms: the slowest subject's lookup (${slowest.ms.toFixed(1)} ms) explained:`,
      );
      console.log(explained.replace(/^/gm, '    '));
    }

    writeResults(
      'locate',
      [
        {
          id: 'locate.plan.p99',
          label: 'plan p99',
          value: p.p99,
          unit: 'ms',
          baseline: { label: 'primary-key lookup p99', value: b.p99 },
          size: ROWS,
        },
        {
          id: 'locate.plan.p50',
          label: 'plan p50',
          value: p.p50,
          unit: 'ms',
          baseline: { label: 'primary-key lookup p50', value: b.p50 },
          size: ROWS,
        },
        {
          id: 'locate.lookup.p99',
          label: 'index lookup p99',
          value: l.p99,
          unit: 'ms',
          baseline: { label: 'primary-key lookup p99', value: b.p99 },
          size: ROWS,
        },
        { id: 'locate.seed', label: 'seeding', value: seedMs / 1000, unit: 's', size: ROWS },
      ],
      {
        rows: ROWS,
        subjects: SUBJECTS,
        heavy: HEAVY,
        samples: SAMPLES,
        seed: seeded,
        plan: { p50: p.p50, p99: p.p99, max: p.max },
        lookup: { p50: l.p50, p99: l.p99, max: l.max },
        baseline: { p50: b.p50, p99: b.p99, max: b.max },
        records: { p50: r.p50, p99: r.p99, max: r.max },
        explained,
      },
    );
  } finally {
    await app?.close().catch(() => undefined);
    await cleanup(iso);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
