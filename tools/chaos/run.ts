/**
 * The chaos run: its own stack (processes, real Kafka, PostgreSQL behind a proxy), a mixed
 * burst of requests while faults are played at random moments, then the drain and the
 * checks: every request completed, none lost, no effect applied twice at a system, the
 * audit chain valid, no dead letter but the planted poison. Prints a table; the exit code
 * says whether every check passed. Repeatable: the same --seed gives the same burst and
 * the same fault schedule (the moments the stack itself takes still vary).
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dropSchema, deleteTopicsWithPrefix } from '../../libs/testing/src/infra';
import { RawKafka } from '../../libs/testing/src/kafka-client';
import { E2E_SERVICES, ROOT, startStack, stopStack, type StackState } from '../../e2e/support/stack';
import { planBurst, runBurst, type Filed } from './burst';
import { allReady, faultName, KILLED, runFaults, schedule, type Fault } from './faults';
import { PgProxy } from './pg-proxy';
import { countDeadLetters } from './poison';
import { printReport, type Outcome } from './report';

interface Options {
  short: boolean;
  seed: number;
  keep: boolean;
  build: boolean;
}

function parse(args: string[]): Options {
  const o: Options = { short: false, seed: Date.now() % 2 ** 31, keep: false, build: true };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--short') o.short = true;
    else if (a === '--keep') o.keep = true;
    else if (a === '--no-build') o.build = false;
    else if (a === '--seed') o.seed = Number(args[++i]);
    else if (a.startsWith('--seed=')) o.seed = Number(a.slice(7));
    else throw new Error(`unknown argument ${a} (usage: npm run chaos -- [--short] [--seed N] [--keep] [--no-build])`);
  }
  if (!Number.isInteger(o.seed)) throw new Error('--seed takes an integer');
  return o;
}

/** The full run and the short one (`npm test`). */
function profile(short: boolean) {
  return short
    ? { requests: 40, kafkaRestarts: 1, postgresMs: 10_000, systemMs: 20_000, windowMs: 150_000, customers: 600 }
    : { requests: 300, kafkaRestarts: 3, postgresMs: 20_000, systemMs: 60_000, windowMs: 480_000, customers: 2000 };
}

/** mulberry32: a small seeded generator, so a run can be repeated. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The French policy with commands timing out in seconds: a system that is away (stopped,
 * or its connector restarting after a broker roll) gets the same commandId again soon,
 * which is what the "applied twice" check is about; enough attempts that none escalates.
 */
function writePolicy(): string {
  const policy = readFileSync(join(ROOT, 'deploy/policy/default.fr.yaml'), 'utf8')
    .replace(/respondWithin: \S+/, 'respondWithin: PT20S')
    .replace(/maxAttempts: \d+/, 'maxAttempts: 8')
    .replace(/retryBackoff: \S+/, 'retryBackoff: PT2S');
  const path = join(ROOT, '.run', 'chaos-policy.yaml');
  writeFileSync(path, policy);
  return path;
}

const log = (t0: number, line: string) =>
  process.stdout.write(`[chaos ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);

export async function main(args: string[]): Promise<number> {
  const opts = parse(args);
  const p = profile(opts.short);
  const random = seeded(opts.seed);
  const started = Date.now();
  log(
    started,
    `${opts.short ? 'short' : 'full'} run, seed ${opts.seed}: ${p.requests} requests over ${p.windowMs / 1000} s`,
  );

  // Fail before anything starts if the broker cannot be rolled.
  await promisify(execFile)(process.execPath, [join(ROOT, 'tools/chaos/broker.mjs'), 'pid'], { env: process.env });
  if (opts.build) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
    execFileSync('npx', ['tsc-alias', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  }

  const target = new URL(process.env.DATABASE_URL!);
  const proxy = new PgProxy(Number(process.env.E2E_PORT_BASE) + 30, {
    host: target.hostname,
    port: Number(target.port || 5432),
  });
  await proxy.open();
  process.env.E2E_DEMO_CUSTOMERS = String(p.customers);
  let state: StackState | undefined;
  let raw: RawKafka | undefined;
  try {
    const env = {
      DATABASE_URL: proxy.urlFor(process.env.DATABASE_URL!),
      POLICY_FILE: writePolicy(),
      // The burst files and attests hundreds of requests in minutes, as one DPO token.
      RATE_LIMIT_POST_PER_MINUTE: '100000',
      HTTP_RATE_LIMIT_PER_MINUTE: '0',
    };
    // Faults start after the stack is up: a start-up failure (seen: demo-systems exiting on
    // "This server does not host this topic-partition" for a topic created a moment before)
    // is printed and the stack started once more, not counted as a fault's outcome.
    state = await startStack(env, 'chaos').catch((err: Error) => {
      log(started, `the stack did not start (${err.message}); starting it again`);
      return startStack(env, 'chaos');
    });
    log(started, `stack ${state.id} ready (logs in ${state.logDir})`);
    const api = await import('../../e2e/support/api');
    await api.demoReady();
    raw = new RawKafka(state.topicPrefix, 'chaos-poison');
    const plan = await planBurst(api, p.requests, p.windowMs * 0.8, random, p.customers);

    const faults: Fault[] = [
      ...KILLED.map((service): Fault => ({ kind: 'kill', service })),
      ...Array.from({ length: p.kafkaRestarts }, (): Fault => ({ kind: 'kafka-restart' })),
      { kind: 'postgres-down', ms: p.postgresMs },
      { kind: 'system-down', ms: p.systemMs },
      { kind: 'poison' },
    ];
    const planned = schedule(faults, p.windowMs, random);
    log(started, `faults: ${planned.map((f) => `${faultName(f.fault)} @${(f.at / 1000).toFixed(0)}s`).join(', ')}`);

    const t0 = Date.now();
    const ctx = { api, state, proxy, raw, random, t0 };
    const fileDeadline = t0 + p.windowMs + 600_000;
    const [filed, records] = await Promise.all([
      runBurst(api, plan, t0, fileDeadline),
      runFaults(planned, ctx, (r) =>
        log(
          started,
          `${r.name}: ${(r.faultMs / 1000).toFixed(1)} s, ready again ${(r.recoveryMs / 1000).toFixed(1)} s later`,
        ),
      ),
    ]);
    const lastFaultEnd = t0 + Math.max(...records.map((r) => r.startedAt + r.faultMs));
    log(started, `burst filed (${filed.filter((f) => f.id).length}/${filed.length}); draining`);

    const drain = await drainAll(api, filed, lastFaultEnd, opts.short ? 480_000 : 900_000);
    await allReady(ctx, 120_000);
    const effects = (await api.http('demo-systems', 'GET', '/demo/effects', { token: null })).body as {
      systems: { systemId: string; commands: number; appliedMoreThanOnce: number; redeliveries: number }[];
    };
    const audit = await api.http('audit', 'GET', '/v1/audit/verify');
    const dead = await countDeadLetters(raw);

    const outcome: Outcome = {
      seed: opts.seed,
      short: opts.short,
      filed,
      statuses: drain.statuses,
      drainMs: drain.drainedAt === undefined ? undefined : drain.drainedAt - lastFaultEnd,
      effects: effects.systems,
      auditValid: audit.status === 200 && audit.body?.valid === true,
      auditDetail: JSON.stringify(audit.body).slice(0, 200),
      dead,
      faults: records,
      runMs: Date.now() - started,
    };
    return printReport(outcome) ? 0 : 1;
  } finally {
    await raw?.close();
    if (state) {
      await stopStack(state);
      if (!opts.keep) {
        for (const s of E2E_SERVICES) await dropSchema(state.schemas[s.name]!).catch(() => undefined);
        await deleteTopicsWithPrefix(state.topicPrefix).catch(() => undefined);
      }
    }
    await proxy.close();
  }
}

/** Polls every filed request until all are completed, or the deadline after the last fault. */
async function drainAll(
  api: typeof import('../../e2e/support/api'),
  filed: Filed[],
  lastFaultEnd: number,
  withinMs: number,
): Promise<{ statuses: Map<string, string>; drainedAt?: number }> {
  const statuses = new Map<string, string>();
  const ids = filed.flatMap((f) => (f.id ? [f.id] : []));
  const deadline = lastFaultEnd + withinMs;
  // A request waiting for the DPO (needs-attention) will not move by itself: once every
  // request left is waiting so for a minute, stop waiting.
  let onlyWaitingSince: number | undefined;
  for (;;) {
    const pending = ids.filter((id) => statuses.get(id) !== 'completed');
    for (let i = 0; i < pending.length; i += 10) {
      await Promise.all(
        pending.slice(i, i + 10).map(async (id) => {
          const res = await api.http('request-intake', 'GET', `/v1/requests/${id}`).catch(() => undefined);
          if (res?.status === 200) statuses.set(id, res.body.status as string);
          else if (res?.status === 404) statuses.set(id, 'not found');
        }),
      );
    }
    if (ids.every((id) => statuses.get(id) === 'completed')) return { statuses, drainedAt: Date.now() };
    if (Date.now() > deadline) return { statuses };
    const waiting = ids.every((id) =>
      ['completed', 'needs-attention', 'closed', 'not found'].includes(statuses.get(id) ?? ''),
    );
    onlyWaitingSince = waiting ? (onlyWaitingSince ?? Date.now()) : undefined;
    if (onlyWaitingSince !== undefined && Date.now() - onlyWaitingSince > 60_000) return { statuses };
    await new Promise((r) => setTimeout(r, 2000));
  }
}
