/**
 * Rate limits shared by every replica (issue 13): two identity instances on one PostgreSQL
 * schema, as two pods behind the ingress, share one budget per client on the code route;
 * with `RATE_LIMIT_STORE=memory` each would count alone (twice the limit gets through).
 */
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { PostgresThrottlerStorage } from '@datarights/service-kit';
import { cleanup, isolate, startTestService, withPg, type Isolation } from '@datarights/testing';
import { AppModule, SCHEMA, SERVICE } from '../src/app.module';

jest.setTimeout(120_000);

const LIMIT = 4;
let iso: Isolation;
let replicas: NestExpressApplication[] = [];

const answer = (app: NestExpressApplication) =>
  request(app.getHttpServer())
    .post(`/v1/self-service/requests/${randomUUID()}/verification`)
    .send({ method: 'code', code: '000000' });

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> =>
  withPg(async (c) => {
    await c.query(`SET search_path TO "${iso.schema}"`);
    return (await c.query(query, params)).rows as T[];
  });

async function start(store: 'postgres' | 'memory'): Promise<void> {
  process.env.RATE_LIMIT_VERIFY_PER_MINUTE = String(LIMIT);
  process.env.RATE_LIMIT_STORE = store;
  iso = isolate(SERVICE);
  // Two replicas of one service: one schema, one consumer group, each its own process state.
  replicas = [await startTestService(AppModule, SERVICE, SCHEMA), await startTestService(AppModule, SERVICE, SCHEMA)];
}

async function stop(): Promise<void> {
  for (const app of replicas) await app.close();
  replicas = [];
  delete process.env.RATE_LIMIT_VERIFY_PER_MINUTE;
  delete process.env.RATE_LIMIT_STORE;
  if (iso) await cleanup(iso);
}

describe('with the counters in PostgreSQL (the default)', () => {
  beforeAll(() => start('postgres'));
  afterAll(() => stop());

  it('the (limit+1)th answer across both replicas is refused with 429, on either', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i++) statuses.push((await answer(replicas[i % 2]!)).status);
    // Within the budget: the one answer to a code that does not verify (403), on both replicas.
    expect(statuses).toEqual(Array(LIMIT).fill(403));
    const over = await answer(replicas[0]!);
    expect(over.status).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect((await answer(replicas[1]!)).status).toBe(429);
    expect(await sql(`SELECT throttler, hits FROM throttler_hits`)).toEqual([
      { throttler: 'default', hits: LIMIT + 1 },
    ]);
  });

  it('a new window starts once the block and the window are over; rows no one counts are pruned', async () => {
    await sql(
      `UPDATE throttler_hits SET expires_at = now() - interval '1 second', blocked_until = now() - interval '1 second'`,
    );
    expect((await answer(replicas[1]!)).status).toBe(403);
    expect(await sql(`SELECT hits FROM throttler_hits`)).toEqual([{ hits: 1 }]);

    const storage = new PostgresThrottlerStorage(replicas[0]!.get(DataSource));
    expect(await storage.prune()).toBe(0);
    await sql(`UPDATE throttler_hits SET expires_at = now() - interval '1 second'`);
    expect(await storage.prune()).toBe(1);
    expect(await sql(`SELECT 1 FROM throttler_hits`)).toEqual([]);
    storage.onModuleDestroy();
  });

  it('counts concurrent hits on both replicas without losing one', async () => {
    await sql(`DELETE FROM throttler_hits`);
    const statuses = await Promise.all(
      Array.from({ length: 3 * LIMIT }, (_, i) => answer(replicas[i % 2]!).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 403)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2 * LIMIT);
  });
});

describe('with RATE_LIMIT_STORE=memory (unit tests, one process)', () => {
  beforeAll(() => start('memory'));
  afterAll(() => stop());

  it('each replica counts alone: what the shared table prevents', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 2 * LIMIT; i++) statuses.push((await answer(replicas[i % 2]!)).status);
    expect(statuses).toEqual(Array(2 * LIMIT).fill(403));
    expect((await answer(replicas[0]!)).status).toBe(429);
  });
});
