/**
 * The execution feature: owns actions (commands sent to systems, their retries and
 * escalations, forwards to the controllers of processor systems), legal holds and the
 * schedule that erases their data when they end, the completion of each request's
 * execution, and the minimisation of the subject keys it stored.
 */
import { Module } from '@nestjs/common';
import { ActionTimeoutLoop } from './action-timeout.loop';
import { ExecutionConsumer } from './execution.consumer';
import { ExecutionRepository } from './execution.repository';
import { ExecutionService } from './execution.service';
import { HoldExpiryService } from './hold-expiry.service';
import { HoldExpiryLoop, KeyMinimiser } from './schedules';

@Module({
  controllers: [ExecutionConsumer],
  providers: [ExecutionService, ExecutionRepository, ActionTimeoutLoop, HoldExpiryService, HoldExpiryLoop, KeyMinimiser],
})
export class ExecutionModule {}
