import { Module } from '@nestjs/common';
import { ServiceKitModule } from '@datarights/service-kit';
import { ActionEntity } from './execution/entities/action.entity';
import { HoldEntity } from './execution/entities/hold.entity';
import { RequestExecutionEntity } from './execution/entities/request-execution.entity';
import { ExecutionModule } from './execution/execution.module';
import { MIGRATIONS } from './migrations';
import { PolicyModule } from './policy/policy.module';

export const SERVICE = 'erasure-executor';
export const SCHEMA = 'erasure_executor';

@Module({
  imports: [
    ServiceKitModule.forRoot({ service: SERVICE, schema: SCHEMA, entities: [RequestExecutionEntity, ActionEntity, HoldEntity], migrations: MIGRATIONS }),
    // Loaded at start-up: an invalid policy file stops the service (fail fast).
    PolicyModule,
    ExecutionModule,
  ],
})
export class AppModule {}
