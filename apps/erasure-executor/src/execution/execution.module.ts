/**
 * The execution feature: owns actions (commands sent to systems, their retries and
 * escalations, forwards to the controllers of processor systems), legal holds and the
 * schedule that erases their data when they end, the completion of each request's
 * execution, the minimisation of the subject keys it stored, and the suppression list
 * (Art. 21(3)) applied to new records; and the Art. 19 notices to recipients (../recipients).
 */
import { Module } from '@nestjs/common';
import { ActionTimeoutLoop } from './action-timeout.loop';
import { ExecutionConsumer } from './execution.consumer';
import { ExecutionRepository } from './execution.repository';
import { ExecutionService } from './execution.service';
import { ExecutionTxFactory } from './execution-tx';
import { RecipientNoticeRepository } from '../recipients/recipient-notice.repository';
import { RecipientNoticeService } from '../recipients/recipient-notice.service';
import { HoldExpiryService } from './hold-expiry.service';
import { HoldExpiryLoop, KeyMinimiser } from './schedules';
import { SuppressionConsumer } from './suppression.consumer';
import { SuppressionService } from './suppression.service';

@Module({
  controllers: [ExecutionConsumer, SuppressionConsumer],
  providers: [
    ExecutionService,
    ExecutionRepository,
    ExecutionTxFactory,
    RecipientNoticeService,
    RecipientNoticeRepository,
    ActionTimeoutLoop,
    HoldExpiryService,
    HoldExpiryLoop,
    KeyMinimiser,
    SuppressionService,
  ],
})
export class ExecutionModule {}
