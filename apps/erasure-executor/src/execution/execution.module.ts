/**
 * The execution feature: owns actions (commands sent to systems, their retries and
 * escalations), legal holds, and the completion of each request's execution.
 */
import { Module } from '@nestjs/common';
import { ActionTimeoutLoop } from './action-timeout.loop';
import { ExecutionConsumer } from './execution.consumer';
import { ExecutionRepository } from './execution.repository';
import { ExecutionService } from './execution.service';

@Module({
  controllers: [ExecutionConsumer],
  providers: [ExecutionService, ExecutionRepository, ActionTimeoutLoop],
})
export class ExecutionModule {}
