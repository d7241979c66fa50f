/**
 * /health/ready includes a service's own READINESS_CHECK, provided in any of its modules
 * (not service-kit's): demo-systems must be able to say "not ready" while a connector does
 * not consume, although PostgreSQL and Kafka answer (issue 15).
 */
import { Module, ServiceUnavailableException } from '@nestjs/common';
import { TerminusModule, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { KafkaHealth } from '@datarights/messaging';
import { HealthController } from './health.controller';
import { READINESS_CHECK, type ReadinessCheck, type ReadinessResult } from './readiness';

class SwitchableCheck implements ReadinessCheck {
  readonly name = 'connectors';
  result: ReadinessResult = { ready: true };
  check = () => this.result;
}

async function controllerWith(check?: SwitchableCheck): Promise<HealthController> {
  // The check lives in a feature module of the app, as in demo-systems' SystemsModule.
  @Module({ providers: check ? [{ provide: READINESS_CHECK, useValue: check }] : [] })
  class FeatureModule {}
  const moduleRef = await Test.createTestingModule({
    imports: [TerminusModule.forRoot({ logger: false }), FeatureModule],
    controllers: [HealthController],
    providers: [
      { provide: TypeOrmHealthIndicator, useValue: { pingCheck: async () => ({ postgres: { status: 'up' } }) } },
      { provide: KafkaHealth, useValue: { check: async () => undefined } },
    ],
  }).compile();
  return moduleRef.get(HealthController);
}

describe('HealthController /health/ready', () => {
  it("is down, with the service check's details, while that check says not ready", async () => {
    const check = new SwitchableCheck();
    const health = await controllerWith(check);
    await expect(health.ready()).resolves.toMatchObject({ status: 'ok', info: { connectors: { status: 'up' } } });

    check.result = { ready: false, details: { support: { state: 'restarting', restarts: 1 } } };
    const answer = await health.ready().catch((err: unknown) => err);
    expect(answer).toBeInstanceOf(ServiceUnavailableException);
    expect((answer as ServiceUnavailableException).getResponse()).toMatchObject({
      status: 'error',
      error: { connectors: { status: 'down', support: { state: 'restarting', restarts: 1 } } },
    });
  });

  it('checks only PostgreSQL and Kafka in a service without a check of its own', async () => {
    const health = await controllerWith();
    const answer = await health.ready();
    expect(Object.keys(answer.details).sort()).toEqual(['kafka', 'postgres']);
  });
});
