/** `/health/live` (the process answers) and `/health/ready` (PostgreSQL and Kafka answer, with a timeout). */
import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { KafkaHealth } from '@datarights/messaging';
import { Public } from './auth.guard';

@ApiExcludeController()
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly kafka: KafkaHealth,
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
    ]);
  }
}
