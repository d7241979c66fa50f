/**
 * Access-package benchmark, on the real path: a hosting customer's connection logs stored
 * in PostgreSQL as the reply parts data-locator keeps (`export_parts`, ~512 KiB each), then
 * the package assembled as the service does it (PackageAssembler: parts read one at a time,
 * data.json + one CSV per category + processing.json + summary.md zipped by archiver,
 * encrypted in chunks, written as Kafka-part-sized chunks to `export_package_chunks`) —
 * against a baseline measured in the same run: the same parts, read the same way, written
 * as JSON lines to a file (no zip, no encryption, no package).
 *
 *   TS_NODE_PROJECT=tsconfig.json node --expose-gc -r ts-node/register/transpile-only -r tsconfig-paths/register bench/package/package.bench.ts
 *   BENCH_RECORDS=10000,1000000 (default)  BENCH_RUNS=1 (default)  BENCH_JSON=1 (also writes bench/results/package-<time>.json)
 *   BENCH_CPU_PROFILE=<dir> (a V8 CPU profile of each child run, for `node --cpu-prof`'s viewers)
 *
 * Each measurement runs in a child process of its own (so what one run allocated does not
 * hide what the next needs): time, and peak RSS above the child's idle RSS (after start-up,
 * connection and a forced GC), sampled every 5 ms. The parts are seeded with server-side
 * SQL in a schema of their own (`bench_package_<pid>`), dropped at the end.
 */
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { DataSource, type EntityManager } from 'typeorm';
import { createEnvelope, EVENTS } from '../../libs/contracts/src';
import type { Publish } from '../../libs/messaging/src';
import {
  databaseSettingsFromEnv,
  resolveSchema,
  runMigrations,
  serviceDataSourceOptions,
} from '../../libs/persistence/src';
import { loadPolicy } from '../../libs/policy/src';
import { DEV_PACKAGE_ENCRYPTION_KEY, packageKey } from '../../libs/service-kit/src';
import { MIGRATIONS } from '../../apps/data-locator/src/migrations';
import { SystemEntity } from '../../apps/data-locator/src/inventory/entities/system.entity';
import { PlanEntity } from '../../apps/data-locator/src/plan/entities/plan.entity';
import { InventoryRepository } from '../../apps/data-locator/src/inventory/inventory.repository';
import { CollectionRepository } from '../../apps/data-locator/src/collection/collection.repository';
import { PackageAssembler } from '../../apps/data-locator/src/collection/package-assembler';
import type { DataLocatorConfig } from '../../apps/data-locator/src/config/app.config';
import { aSystem } from '../../libs/testing/src/factories';
import { writeResults } from '../support/results';

const SIZES = (process.env.BENCH_RECORDS ?? '10000,1000000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const SCHEMA = process.env.BENCH_SCHEMA ?? `bench_package_${process.pid}`;
/** Records per stored part: ~250 bytes each, a part stays under the contract's 512 KiB. */
const PER_PART = 2000;
const SYSTEM = 'hosting-logs';

type Mode = 'package' | 'baseline';
interface Measure {
  ms: number;
  /** Peak RSS above the idle RSS. */
  peakMiB: number;
  /** Peak V8 heap + external (Buffers) above idle: RSS keeps pages freed after start-up, this does not. */
  heapPeakMiB: number;
  idleMiB: number;
  /** CPU time of the process (user + system): the machine may be shared, wall time is not all ours. */
  cpuMs: number;
  bytes: number;
}

const dataSource = () =>
  new DataSource(
    serviceDataSourceOptions({
      schema: resolveSchema(SCHEMA, process.env),
      settings: databaseSettingsFromEnv(process.env),
      entities: [SystemEntity, PlanEntity],
      migrations: MIGRATIONS,
      applicationName: 'bench-package',
    }),
  );

/** One access request whose one command has completed with `n` connection-log records, in parts. */
async function seed(ds: DataSource, n: number): Promise<{ requestId: string; commandId: string }> {
  const requestId = randomUUID();
  const commandId = randomUUID();
  const parts = Math.max(1, Math.ceil(n / PER_PART));
  await ds.query(`TRUNCATE export_package_chunks, export_packages, export_parts, export_commands, export_requests`);
  await ds.query(
    `INSERT INTO export_requests (request_id, request_type, subject_keys, status, created_at) VALUES ($1, 'access', '{}', 'assembling', now())`,
    [requestId],
  );
  await ds.query(
    `INSERT INTO export_commands (command_id, request_id, system_id, categories, status, attempts, outcome, parts, affected_records)
     VALUES ($1, $2, $3, ARRAY['connection'], 'completed', 1, 'done', $4, $5)`,
    [commandId, requestId, SYSTEM, parts, n],
  );
  await ds.query(
    `INSERT INTO export_parts (command_id, part, records)
     SELECT $1, p, (SELECT jsonb_agg(jsonb_build_object(
              'recordRef', 'conn-' || i,
              'category', 'connection',
              'at', to_char(timestamptz '2026-01-01T00:00:00Z' + i * interval '17 seconds', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
              'ip', '203.0.' || (i / 254 % 256) || '.' || (i % 254 + 1),
              'port', 1024 + i % 60000,
              'protocol', (ARRAY['ssh', 'sftp', 'https', 'ftps'])[i % 4 + 1],
              'userAgent', 'OpenSSH_9.2p1 Debian-2+deb12u' || (i % 7),
              'bytesIn', (i::bigint * 7919) % 1000000,
              'bytesOut', (i::bigint * 104729) % 10000000,
              'outcome', CASE WHEN i % 50 = 0 THEN 'refused' ELSE 'accepted' END) ORDER BY i)
            FROM generate_series((p - 1) * $2::int + 1, least(p * $2::int, $3::int)) AS i)
       FROM generate_series(1, $4::int) AS p`,
    [commandId, PER_PART, n, parts],
  );
  return { requestId, commandId };
}

/** The real path: the service's assembler, in one transaction, as the package sender loop runs it. */
async function assemble(ds: DataSource): Promise<number> {
  const config = { PACKAGE_CONTROLLER: 'bench hosting company', NOTICE_LOCALE: 'fr-FR' } as DataLocatorConfig;
  const policy = loadPolicy(join(__dirname, '../../deploy/policy/default.fr.yaml'));
  const assembler = new PackageAssembler(
    new CollectionRepository(),
    new InventoryRepository(ds),
    config,
    policy,
    packageKey(DEV_PACKAGE_ENCRYPTION_KEY),
  );
  // The bench measures assembly only: what would be published is built, not sent.
  const publish: Publish = (name, data) =>
    Promise.resolve(createEnvelope({ type: EVENTS[name].type, source: 'bench', data }));
  await ds.transaction(async (manager: EntityManager) => {
    if (!(await assembler.assembleNext({ manager, publish }, new Date()))) throw new Error('nothing to assemble');
  });
  const [{ bytes }] = (await ds.query(
    `SELECT coalesce(sum(length(data)), 0)::bigint AS bytes FROM export_package_chunks`,
  )) as { bytes: string }[];
  return Number(bytes);
}

/** The baseline: the same parts, read the same way, written as JSON lines to a file. */
async function baseline(ds: DataSource, commandId: string): Promise<number> {
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-package-'));
  const file = join(dir, 'records.jsonl');
  try {
    const out = createWriteStream(file);
    for await (const records of new CollectionRepository().partsOf(ds.manager, commandId)) {
      const text = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
      if (!out.write(text)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    return statSync(file).size;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** In the child: connect, settle, then measure one run of `mode`. */
async function child(mode: Mode, commandId: string): Promise<Measure> {
  const ds = await dataSource().initialize();
  try {
    await ds.query('SELECT 1');
    (global as { gc?: () => void }).gc?.();
    const heap = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.external;
    };
    const idle = process.memoryUsage().rss;
    const idleHeap = heap();
    let peak = idle;
    let heapPeak = idleHeap;
    const sample = () => {
      peak = Math.max(peak, process.memoryUsage().rss);
      heapPeak = Math.max(heapPeak, heap());
    };
    const timer = setInterval(sample, 5);
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const bytes = mode === 'package' ? await assemble(ds) : await baseline(ds, commandId);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(timer);
    sample();
    return {
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakMiB: (peak - idle) / 2 ** 20,
      heapPeakMiB: (heapPeak - idleHeap) / 2 ** 20,
      idleMiB: idle / 2 ** 20,
      bytes,
    };
  } finally {
    await ds.destroy();
  }
}

function inChild(mode: Mode, commandId: string): Promise<Measure> {
  const proc = fork(__filename, [], {
    execArgv: [
      '--expose-gc',
      ...(process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : []),
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
    ],
    env: {
      ...process.env,
      TS_NODE_PROJECT: 'tsconfig.json',
      BENCH_CHILD: mode,
      BENCH_COMMAND: commandId,
      BENCH_SCHEMA: SCHEMA,
    },
  });
  return new Promise((resolve, reject) => {
    proc.once('message', (m: Measure | { error: string }) =>
      'error' in m ? reject(new Error(`${mode} run failed: ${m.error}`)) : resolve(m),
    );
    proc.once('exit', (code) => code !== 0 && reject(new Error(`${mode} run exited with ${code}`)));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const MiB = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

async function main(): Promise<void> {
  const ds = await dataSource().initialize();
  const results: Record<string, unknown>[] = [];
  try {
    await runMigrations(ds, SCHEMA);
    // Through the register's own write (a raw INSERT broke when the register gained columns).
    await new InventoryRepository(ds).upsert(
      ds.manager,
      aSystem({
        systemId: SYSTEM,
        name: 'Hosting platform',
        owner: 'ops',
        purposes: ['hosting'],
        legalBasis: 'legal-obligation',
        categories: ['connection'],
        capabilities: ['export'],
      }),
      new Date(),
    );
    console.log(`access package of a hosting customer's connection logs, ${RUNS} run(s) each (median; peak = max)`);
    console.log(
      `load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${os.cpus().length} CPUs`,
    );
    for (const n of SIZES) {
      const runs: Record<Mode, Measure[]> = { baseline: [], package: [] };
      for (let run = 0; run < RUNS; run++) {
        const t0 = Date.now();
        const { commandId } = await seed(ds, n);
        const seededMs = Date.now() - t0;
        runs.baseline.push(await inChild('baseline', commandId));
        runs.package.push(await inChild('package', commandId));
        if (run === 0) console.log(`${n} records seeded in ${seededMs} ms (${Math.ceil(n / PER_PART)} parts)`);
      }
      const figures: Record<string, unknown> = { records: n };
      for (const mode of ['baseline', 'package'] as const) {
        const rs = runs[mode];
        const ms = median(rs.map((r) => r.ms));
        const peak = Math.max(...rs.map((r) => r.peakMiB));
        const heapPeak = Math.max(...rs.map((r) => r.heapPeakMiB));
        const cpuMs = median(rs.map((r) => r.cpuMs));
        figures[mode] = {
          ms,
          cpuMs,
          peakRssMiBAboveIdle: peak,
          peakHeapMiBAboveIdle: heapPeak,
          idleRssMiB: rs[0].idleMiB,
          bytes: rs[0].bytes,
        };
        console.log(
          `  ${mode.padEnd(9)} ${ms.toFixed(0).padStart(8)} ms (CPU ${cpuMs.toFixed(0)} ms)   peak RSS +${peak.toFixed(1).padStart(6)} MiB above idle (${rs[0].idleMiB.toFixed(0)} MiB)` +
            `   heap+external +${heapPeak.toFixed(1).padStart(6)} MiB   output ${MiB(rs[0].bytes)}`,
        );
      }
      const ratio = median(runs.package.map((r) => r.ms)) / median(runs.baseline.map((r) => r.ms));
      console.log(`  ratio     ${ratio.toFixed(1)}x the baseline's time`);
      results.push({ ...figures, ratio });
    }
    // Figures the harness judges against bench/goals.json: one per size (the goals hold at 1 M records).
    writeResults(
      'package',
      results.flatMap((r) => {
        const f = r as {
          records: number;
          baseline: { ms: number; peakRssMiBAboveIdle: number };
          package: { ms: number; peakRssMiBAboveIdle: number };
        };
        return [
          {
            id: 'package.time',
            label: `package time, ${f.records} records`,
            value: f.package.ms / 1000,
            unit: 's',
            baseline: { label: 'same parts to a JSON-lines file', value: f.baseline.ms / 1000 },
            size: f.records,
          },
          {
            id: 'package.memory',
            label: `package peak RSS above idle, ${f.records} records`,
            value: f.package.peakRssMiBAboveIdle,
            unit: 'MiB',
            baseline: { label: 'same parts to a JSON-lines file', value: f.baseline.peakRssMiBAboveIdle },
            size: f.records,
          },
        ];
      }),
      { runs: RUNS, results },
    );
  } finally {
    await ds.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`).catch(() => undefined);
    await ds.destroy();
  }
}

const mode = process.env.BENCH_CHILD as Mode | undefined;
if (mode)
  child(mode, process.env.BENCH_COMMAND ?? '')
    .then((m) => process.send?.(m, () => process.exit(0)))
    .catch((err: Error) => process.send?.({ error: err.message }, () => process.exit(1)));
else
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
