/**
 * Erasure benchmark: N concurrent erasure requests across the four demo systems, through
 * the public API, on the whole stack (six processes, real Kafka and PostgreSQL). Prints
 * throughput and p50/p99 time from submission to completion for each N, against a
 * baseline measured in the same run: one request alone on the same stack.
 *
 *   npm run build && npx ts-node --transpile-only -r tsconfig-paths/register bench/erasure/erasure.bench.ts
 *   BENCH_N=100,1000 (default)  DEMO_CUSTOMERS=10000 (default)
 *
 * Times are the services' own timestamps (receivedAt, closedAt), so the client's polling
 * does not inflate them. The DPO's attestation is automated by the bench as soon as a
 * request awaits it, and is part of the measured time.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { deleteTopicsWithPrefix, dropSchema } from '../../libs/testing/src/infra';
import { E2E_SERVICES, ROOT, startStack, stopStack, type StackState } from '../../e2e/support/stack';
import { writeResults, type Figure } from '../support/results';

const Ns = (process.env.BENCH_N ?? '100,1000').split(',').map(Number);
const DEMO_CUSTOMERS = Number(process.env.DEMO_CUSTOMERS ?? 10_000);

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
async function run(emails: string[]): Promise<{ latencies: number[]; wallSeconds: number }> {
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
  const done = new Map<string, { receivedAt: string; closedAt: string }>();
  const deadline = Date.now() + 30 * 60_000;
  while (done.size < ids.size) {
    if (Date.now() > deadline) throw new Error(`only ${done.size}/${ids.size} completed after 30 minutes`);
    for (const status of ['awaiting-verification', 'completed', 'needs-attention']) {
      for (let offset = 0; ; offset += 100) {
        const page = await api<{
          items: { id: string; status: string; receivedAt: string; closedAt: string }[];
          total: number;
        }>('request-intake', 'GET', `/v1/requests?status=${status}&limit=100&offset=${offset}`);
        for (const r of page.body.items) {
          if (!ids.has(r.id)) continue;
          if (status === 'awaiting-verification' && !attested.has(r.id)) {
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
    await sleep(500);
  }
  const rows = [...done.values()];
  const latencies = rows.map((r) => (Date.parse(r.closedAt) - Date.parse(r.receivedAt)) / 1000).sort((a, b) => a - b);
  const first = Math.min(...rows.map((r) => Date.parse(r.receivedAt)));
  const last = Math.max(...rows.map((r) => Date.parse(r.closedAt)));
  return { latencies, wallSeconds: (last - first) / 1000 };
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main(): Promise<void> {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync('npx', ['tsc-alias', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  // The shipped policy (systems have an hour to answer), not the e2e one that escalates in seconds.
  stack = await startStack({
    RATE_LIMIT_POST_PER_MINUTE: '100000',
    DEMO_CUSTOMERS: String(DEMO_CUSTOMERS),
    LOG_LEVEL: 'warn',
    POLICY_FILE: `${ROOT}/deploy/policy/default.fr.yaml`,
  });
  try {
    for (;;) {
      const s = await api<{ seedStatus: string }>('demo-systems', 'GET', '/demo/status');
      if (s.body?.seedStatus === 'ready') break;
      await sleep(2000);
    }
    const pool = await customers(1 + Ns.reduce((a, b) => a + b, 0));
    const baseline = await run(pool.splice(0, 1));
    const base = baseline.latencies[0];
    console.log(`\nerasure benchmark — ${cpus().length} cores, ${DEMO_CUSTOMERS} demo customers, stack ${stack.id}`);
    console.log(`baseline: one request alone completes in ${base.toFixed(2)} s\n`);
    console.log('N\twall s\treq/s\tp50 s\tp99 s\tp50/baseline\tp99/baseline');
    const single = { label: 'one request alone', value: base };
    const figures: Figure[] = [{ id: 'erasure.single.p50', label: 'single request (one)', value: base, unit: 's' }];
    for (const n of Ns) {
      const r = await run(pool.splice(0, n));
      const p50 = pct(r.latencies, 50);
      const p99 = pct(r.latencies, 99);
      console.log(
        `${n}\t${r.wallSeconds.toFixed(1)}\t${(n / r.wallSeconds).toFixed(1)}\t${p50.toFixed(2)}\t${p99.toFixed(2)}\t${(p50 / base).toFixed(1)}\t${(p99 / base).toFixed(1)}`,
      );
      figures.push(
        {
          id: `erasure.n${n}.throughput`,
          label: `burst of ${n}, throughput`,
          value: n / r.wallSeconds,
          unit: 'req/s',
          baseline: { label: 'one request alone', value: 1 / base },
        },
        { id: `erasure.n${n}.p50`, label: `burst of ${n}, p50`, value: p50, unit: 's', baseline: single },
        { id: `erasure.n${n}.p99`, label: `burst of ${n}, p99`, value: p99, unit: 's', baseline: single },
      );
    }
    writeResults('erasure', figures, { demoCustomers: DEMO_CUSTOMERS, sizes: Ns });
  } finally {
    await stopStack(stack);
    for (const s of E2E_SERVICES) await dropSchema(stack.schemas[s.name]!);
    await deleteTopicsWithPrefix(stack.topicPrefix);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
