/**
 * `/health/live` (the process answers) and `/health/ready` (PostgreSQL and Kafka answer,
 * with a timeout, and the service's own READINESS_CHECK, if it provides one, says ready).
 */
import { Controller, Get } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { KafkaHealth } from '@datarights/messaging';
import { Public } from './auth.guard';
import { READINESS_CHECK, type ReadinessCheck } from './readiness';

@ApiExcludeController()
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly kafka: KafkaHealth,
    private readonly modules: ModuleRef,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.db.pingCheck('postgres', { timeout: 3000 }),
      async () => {
        const session = this.indicators.check('kafka');
        try {
          await this.kafka.check(3000);
          return session.up();
        } catch (err) {
          return session.down({ message: (err as Error).message });
        }
      },
      ...this.serviceChecks().map((c) => async () => {
        const session = this.indicators.check(c.name);
        const { ready, details } = await c.check();
        return ready ? session.up(details) : session.down(details);
      }),
    ]);
  }

  /** The service's own check, wherever it is provided (this controller lives in service-kit's module). */
  private serviceChecks(): ReadinessCheck[] {
    try {
      return [this.modules.get<ReadinessCheck>(READINESS_CHECK, { strict: false })];
    } catch {
      return []; // most services have none
    }
  }
}
