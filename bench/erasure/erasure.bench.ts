/**
 * Erasure benchmark: N concurrent erasure requests across the four demo systems, through
 * the public API, on the whole stack (six processes, real Kafka and PostgreSQL). Prints
 * throughput and p50/p99 time from submission to completion for each N, against a
 * baseline measured in the same run: one request alone on the same stack.
 *
 *   npm run build && npx ts-node --transpile-only -r tsconfig-paths/register bench/erasure/erasure.bench.ts
 *
 * | variable | default | meaning |
 * | BENCH_N | 100,1000 | burst sizes, one after the other on the same stack |
 * | DEMO_CUSTOMERS | 10000 | demo customers seeded (each request erases one) |
 * | BENCH_HOPS | 1 | per-hop latency (hops.ts) of the single request and of each burst |
 * | BENCH_PROFILE | unset | 1: a CPU profile of every service during each burst, summarised (cpu-profile.ts) |
 * | BENCH_COMPARE | unset | `VAR=value,...`: runs it all again on a second stack with these settings (the "before" of a change), and prints the ratios |
 * | BENCH_JSON | unset | 1: also writes the figures to bench/results/erasure-<time>.json |
 *
 * Times are the services' own timestamps (receivedAt, closedAt), so the client's polling
 * does not inflate them. The DPO's attestation is automated by the bench as soon as a
 * request awaits it (looked for every 20 ms for a request alone, every 500 ms in a burst),
 * and is part of the measured time.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { deleteTopicsWithPrefix, dropSchema } from '../../libs/testing/src/infra';
import { E2E_SERVICES, ROOT, startStack, stopStack, type StackState } from '../../e2e/support/stack';
import { collectHops, formatHops, formatTimeline, useLogAppendTime, waitForCatchUp, type HopSample } from './hops';
import { summariseProfiles } from './cpu-profile';
import { cpuSnapshot, formatCpu } from './cpu-accounting';
import { automatedSubjectDecision, type Candidate } from '../../e2e/support/subject-choice';
import { writeResults, type Figure } from '../support/results';

const Ns = (process.env.BENCH_N ?? '100,1000').split(',').map(Number);
const DEMO_CUSTOMERS = Number(process.env.DEMO_CUSTOMERS ?? 10_000);
const HOPS = process.env.BENCH_HOPS !== '0';
const PROFILE = process.env.BENCH_PROFILE === '1';
const COMPARE = process.env.BENCH_COMPARE
  ? Object.fromEntries(process.env.BENCH_COMPARE.split(',').map((kv) => kv.split('=') as [string, string]))
  : undefined;
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/datarights';

let stack: StackState;

async function api<T = any>(
  service: keyof StackState['urls'],
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${stack.urls[service]}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function customers(count: number): Promise<string[]> {
  const emails: string[] = [];
  for (let offset = 0; emails.length < count; offset += 100) {
    const page = await api<{ customers: { email: string; systems: string[] }[] }>(
      'demo-systems',
      'GET',
      `/demo/customers?limit=100&offset=${offset}`,
    );
    if (!page.body.customers.length)
      throw new Error(`only ${emails.length} demo customers in all four systems; raise DEMO_CUSTOMERS`);
    for (const c of page.body.customers) if (c.systems.length === 4) emails.push(c.email);
  }
  return emails.slice(0, count);
}

/** Files every request at once (bounded client concurrency), attests each as soon as it awaits verification, waits for all to complete. */
async function run(emails: string[]): Promise<{ latencies: number[]; wallSeconds: number; ids: string[] }> {
  const ids = new Set<string>();
  const queue = [...emails];
  await Promise.all(
    Array.from({ length: Math.min(50, queue.length) }, async () => {
      for (let email = queue.shift(); email; email = queue.shift()) {
        const r = await api<{ id: string }>('request-intake', 'POST', '/v1/requests', {
          type: 'erasure',
          subject: { email },
          channel: 'email',
        });
        if (r.status !== 201) throw new Error(`submission failed: ${r.status} ${JSON.stringify(r.body)}`);
        ids.add(r.body.id);
      }
    }),
  );
  const attested = new Set<string>();
  const decided = new Set<string>();
  const done = new Map<string, { receivedAt: string; closedAt: string }>();
  const deadline = Date.now() + 30 * 60_000;
  while (done.size < ids.size) {
    if (Date.now() > deadline) throw new Error(`only ${done.size}/${ids.size} completed after 30 minutes`);
    for (const status of ['awaiting-subject-decision', 'awaiting-verification', 'completed', 'needs-attention']) {
      for (let offset = 0; ; offset += 100) {
        const page = await api<{
          items: { id: string; status: string; receivedAt: string; closedAt: string }[];
          total: number;
        }>('request-intake', 'GET', `/v1/requests?status=${status}&limit=100&offset=${offset}`);
        for (const r of page.body.items) {
          if (!ids.has(r.id)) continue;
          if (status === 'awaiting-subject-decision' && !decided.has(r.id)) {
            // Several candidates (a weak link in the demo data): the automated DPO decides.
            decided.add(r.id);
            const view = await api<{ candidates: Candidate[] }>('request-intake', 'GET', `/v1/requests/${r.id}`);
            await api(
              'request-intake',
              'POST',
              `/v1/requests/${r.id}/subject-decision`,
              automatedSubjectDecision(view.body.candidates),
            );
          } else if (status === 'awaiting-verification' && !attested.has(r.id)) {
            attested.add(r.id);
            await api('request-intake', 'POST', `/v1/requests/${r.id}/verification`, {
              method: 'dpo-attested',
              note: 'bench',
            });
          } else if (status === 'completed') done.set(r.id, r);
          else if (status === 'needs-attention')
            throw new Error(`request ${r.id} needs attention: the bench expects every system to answer`);
        }
        if (offset + 100 >= page.body.total) break;
      }
    }
    // The automated DPO attests as soon as it sees a request waiting, and that reaction is
    // part of the measured time: for a request alone, look every 20 ms (a 500 ms poll added up
    // to half a second to a ~1 s request); for a burst, every 500 ms (each look lists every page).
    await sleep(ids.size <= 10 ? 20 : 500);
  }
  const rows = [...done.values()];
  const latencies = rows.map((r) => (Date.parse(r.closedAt) - Date.parse(r.receivedAt)) / 1000).sort((a, b) => a - b);
  const first = Math.min(...rows.map((r) => Date.parse(r.receivedAt)));
  const last = Math.max(...rows.map((r) => Date.parse(r.closedAt)));
  return { latencies, wallSeconds: (last - first) / 1000, ids: [...ids] };
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

interface Burst {
  n: number;
  wallSeconds: number;
  reqPerSecond: number;
  p50: number;
  p99: number;
}
interface StackRun {
  label: string;
  settings: Record<string, string>;
  baselineSeconds: number;
  bursts: Burst[];
}

async function hops(ids: string[]): Promise<HopSample[]> {
  const schemas = Object.fromEntries(Object.entries(stack.schemas).filter(([, v]) => v)) as Record<string, string>;
  return collectHops(DATABASE_URL, BROKERS, stack.topicPrefix, schemas, ids);
}

/** Starts (a burst number) or stops (undefined) the services' profilers: cpu-profiler.preload.js. */
function profile(dir: string, burst?: number): void {
  if (burst === undefined) rmSync(join(dir, 'on'), { force: true });
  else writeFileSync(join(dir, 'on'), String(burst));
}

/** One stack, with these settings on top of the bench's: the single request, then each burst. */
async function measure(label: string, settings: Record<string, string>): Promise<StackRun> {
  const profileDir = join(ROOT, '.run', 'bench-profiles', `${label}-${Date.now()}`);
  if (PROFILE) mkdirSync(profileDir, { recursive: true });
  // The shipped policy (systems have an hour to answer), not the e2e one that escalates in seconds.
  stack = await startStack({
    RATE_LIMIT_POST_PER_MINUTE: '100000',
    DEMO_CUSTOMERS: String(DEMO_CUSTOMERS),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    POLICY_FILE: `${ROOT}/deploy/policy/default.fr.yaml`,
    ...(PROFILE
      ? {
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} -r ${join(__dirname, 'cpu-profiler.preload.js')}`.trim(),
          BENCH_PROFILE_DIR: profileDir,
        }
      : {}),
    ...settings,
  });
  try {
    for (;;) {
      const s = await api<{ seedStatus: string }>('demo-systems', 'GET', '/demo/status');
      if (s.body?.seedStatus === 'ready') break;
      await sleep(2000);
    }
    if (HOPS) await useLogAppendTime(BROKERS, stack.topicPrefix);
    await waitForCatchUp(
      BROKERS,
      stack.topicPrefix,
      E2E_SERVICES.map((s) => `datarights.${s.name}.${stack.id}`),
    );
    const pool = await customers(1 + Ns.reduce((a, b) => a + b, 0));
    const baseline = await run(pool.splice(0, 1));
    const base = baseline.latencies[0];
    const settingsText = Object.entries(settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    console.log(`\n[${label}] ${settingsText || 'settings as shipped'}`);
    console.log(`erasure benchmark — ${cpus().length} cores, ${DEMO_CUSTOMERS} demo customers, stack ${stack.id}`);
    console.log(`baseline: one request alone completes in ${base.toFixed(2)} s\n`);
    if (HOPS) console.log(formatTimeline(await hops(baseline.ids), 'the single request, hop by hop:'));
    const bursts: Burst[] = [];
    for (const n of Ns) {
      if (PROFILE) profile(profileDir, bursts.length + 1);
      const cpuTargets = { services: stack.pids, database: new URL(DATABASE_URL).pathname.slice(1), root: ROOT };
      const cpuBefore = cpuSnapshot(cpuTargets);
      const t0 = Date.now();
      const r = await run(pool.splice(0, n));
      const cpuText = formatCpu(cpuBefore, cpuSnapshot(cpuTargets), n, (Date.now() - t0) / 1000);
      if (PROFILE) profile(profileDir);
      const burst = {
        n,
        wallSeconds: r.wallSeconds,
        reqPerSecond: n / r.wallSeconds,
        p50: pct(r.latencies, 50),
        p99: pct(r.latencies, 99),
      };
      bursts.push(burst);
      console.log('N\twall s\treq/s\tp50 s\tp99 s\tp50/baseline\tp99/baseline');
      console.log(
        `${n}\t${burst.wallSeconds.toFixed(1)}\t${burst.reqPerSecond.toFixed(1)}\t${burst.p50.toFixed(2)}\t${burst.p99.toFixed(2)}\t${(burst.p50 / base).toFixed(1)}\t${(burst.p99 / base).toFixed(1)}\n`,
      );
      console.log(`${cpuText}\n`);
      if (HOPS) console.log(formatHops(await hops(r.ids), `burst of ${n}, per hop:`));
      if (PROFILE) {
        await sleep(3000); // the profilers see the file gone within 200 ms, then write
        console.log(
          `CPU during the burst of ${n} (profiles in ${profileDir}):\n${summariseProfiles(profileDir, bursts.length, ROOT)}\n`,
        );
      }
    }
    return { label, settings, baselineSeconds: base, bursts };
  } finally {
    await stopStack(stack);
    for (const s of E2E_SERVICES) await dropSchema(stack.schemas[s.name]!);
    await deleteTopicsWithPrefix(stack.topicPrefix);
  }
}

async function main(): Promise<void> {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync('npx', ['tsc-alias', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  const runs = [await measure('as-shipped', {})];
  if (COMPARE) runs.push(await measure('compare', COMPARE));
  if (runs.length === 2) {
    const [now, before] = runs;
    console.log(
      `\nsame run, as shipped vs ${Object.entries(COMPARE!)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}:`,
    );
    console.log(
      `single request: ${now.baselineSeconds.toFixed(2)} s vs ${before.baselineSeconds.toFixed(2)} s (×${(before.baselineSeconds / now.baselineSeconds).toFixed(1)} faster)`,
    );
    console.log('N\treq/s now\treq/s before\tp99 s now\tp99 s before');
    for (const [i, b] of now.bursts.entries()) {
      const o = before.bursts[i];
      console.log(
        `${b.n}\t${b.reqPerSecond.toFixed(1)}\t${o.reqPerSecond.toFixed(1)}\t${b.p99.toFixed(2)}\t${o.p99.toFixed(2)}`,
      );
    }
  }
  // Figures the harness judges against bench/goals.json (the as-shipped run; the comparison goes in the details).
  const [shipped] = runs;
  const single = { label: 'one request alone', value: shipped.baselineSeconds };
  const figures: Figure[] = [
    { id: 'erasure.single.p50', label: 'single request (one)', value: shipped.baselineSeconds, unit: 's' },
  ];
  for (const b of shipped.bursts)
    figures.push(
      {
        id: `erasure.n${b.n}.throughput`,
        label: `burst of ${b.n}, throughput`,
        value: b.reqPerSecond,
        unit: 'req/s',
        baseline: { label: 'one request alone', value: 1 / shipped.baselineSeconds },
      },
      { id: `erasure.n${b.n}.p50`, label: `burst of ${b.n}, p50`, value: b.p50, unit: 's', baseline: single },
      { id: `erasure.n${b.n}.p99`, label: `burst of ${b.n}, p99`, value: b.p99, unit: 's', baseline: single },
    );
  writeResults('erasure', figures, { cores: cpus().length, demoCustomers: DEMO_CUSTOMERS, runs });
}
main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
