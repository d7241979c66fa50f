import { Module } from '@nestjs/common';
import { ClockModule, ServiceKitModule } from '@datarights/service-kit';
import { EXECUTION_ENTITIES } from './execution/entities';
import { ExecutionModule } from './execution/execution.module';
import { ExecutorMetricsModule } from './metrics/executor-metrics.module';
import { MIGRATIONS } from './migrations';
import { PolicyModule } from './policy/policy.module';

export const SERVICE = 'erasure-executor';
export const SCHEMA = 'erasure_executor';

@Module({
  imports: [
    ServiceKitModule.forRoot({
      service: SERVICE,
      schema: SCHEMA,
      entities: EXECUTION_ENTITIES,
      migrations: MIGRATIONS,
    }),
    // The controllable clock of the schedules (PUT /internal/clock, outside production only).
    ClockModule,
    // Loaded at start-up: an invalid policy file stops the service (fail fast).
    PolicyModule,
    ExecutionModule,
    ExecutorMetricsModule,
  ],
})
export class AppModule {}
