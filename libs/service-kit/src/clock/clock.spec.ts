import { Module } from '@nestjs/common';
import request from 'supertest';
import { createServiceApp } from '../bootstrap';
import { serviceLoggerModule } from '../logger.module';
import { Clock, MAX_CLOCK_OFFSET_MS } from './clock';
import { ClockController } from './clock.controller';
import { ClockModule } from './clock.module';

@Module({ imports: [serviceLoggerModule('clock-test'), ClockModule] })
class ClockedModule {}

/** A service with the clock, started as main.ts would (without Kafka, PostgreSQL or a port), with `env`. */
async function clockRoute(env: NodeJS.ProcessEnv, token: string) {
  const app = await createServiceApp(ClockedModule, { service: 'clock-test', schema: 'clock_test', port: 0, env });
  app.useLogger(false);
  await app.init();
  try {
    const put = await request(app.getHttpServer())
      .put('/internal/clock')
      .set('Authorization', `Bearer ${token}`)
      .send({ offsetMs: 5000 });
    return { status: put.status, offset: app.get(Clock).offset };
  } finally {
    await app.close();
  }
}

describe('the controllable clock', () => {
  it('is the system time plus the offset', () => {
    const clock = new Clock();
    const before = Date.now();
    clock.setOffset(86_400_000);
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(before + 86_400_000);
    expect(() => clock.setOffset(MAX_CLOCK_OFFSET_MS + 1)).toThrow(RangeError);
    expect(() => clock.setOffset(1.5)).toThrow(RangeError);
  });

  it('tells its schedules when it moves', () => {
    const clock = new Clock();
    const seen: number[] = [];
    clock.onChange(() => seen.push(clock.offset));
    clock.setOffset(42);
    expect(seen).toEqual([42]);
  });

  it('is moved by its controller', () => {
    const clock = new Clock();
    expect(new ClockController(clock).set({ offsetMs: 5000 })).toMatchObject({ offsetMs: 5000 });
    expect(clock.offset).toBe(5000);
  });

  it.each(['development', 'test'])('can be moved through the internal route in %s, by the DPO', async (nodeEnv) => {
    expect(await clockRoute({ NODE_ENV: nodeEnv, DPO_TOKEN: 'unit-dpo' }, 'unit-dpo')).toEqual({
      status: 200,
      offset: 5000,
    });
  });

  it('has no route in production (404, no guard built: no AUTH_JWKS_URL needed), and stays at the real time', async () => {
    expect(await clockRoute({ NODE_ENV: 'production' }, 'anything')).toEqual({ status: 404, offset: 0 });
  });
});
