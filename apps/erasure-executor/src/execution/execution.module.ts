/**
 * The execution feature: owns actions (commands sent to systems, their retries and
 * escalations, forwards to the controllers of processor systems), legal holds and the
 * schedule that erases their data when they end, the completion of each request's
 * execution, the minimisation of the subject keys it stored, and the suppression list
 * (Art. 21(3)) applied to new records; and the Art. 19 notices to recipients (../recipients).
 *
 * One folder per use case, over one small store per aggregate (store/), depending
 * downward only (enforced by lint, FEATURE_LAYERS in eslint.config.mjs): the consumers →
 * plan/ → the rights (erasure/, rectification/, objection/, restriction/) and
 * forwarding/, replies/, minimisation/ → actions/, completion/, keys/ → store/ → entities/.
 */
import { Module } from '@nestjs/common';
import { RecipientNoticeRepository } from '../recipients/recipient-notice.repository';
import { RecipientNoticeService } from '../recipients/recipient-notice.service';
import { ActionDispatcher } from './actions/action-dispatcher';
import { ExecutionCompletion } from './completion/execution-completion';
import { ErasureRight } from './erasure/erasure.right';
import { HoldExpiryLoop } from './erasure/hold-expiry.loop';
import { HoldExpiryService } from './erasure/hold-expiry.service';
import { ExecutionConsumer } from './execution.consumer';
import { ForwardingService } from './forwarding/forwarding.service';
import { SubjectHashKey } from './keys/subject-hash-key';
import { KeyMinimiser } from './minimisation/key-minimiser';
import { ObjectionRight } from './objection/objection.right';
import { SuppressionConsumer } from './objection/suppression.consumer';
import { SuppressionService } from './objection/suppression.service';
import { PlanExecution } from './plan/plan-execution.service';
import { RIGHTS, type RightExecution } from './actions/right-execution';
import { RectificationRight } from './rectification/rectification.right';
import { ActionTimeoutLoop } from './replies/action-timeout.loop';
import { RepliesService } from './replies/replies.service';
import { RestrictionRight } from './restriction/restriction.right';
import { ExecutionTxFactory } from './store/execution-tx';

/** The rights executed here (access and portability are data-locator's). */
const RIGHT_UNITS = [ErasureRight, RectificationRight, ObjectionRight, RestrictionRight];

@Module({
  controllers: [ExecutionConsumer, SuppressionConsumer],
  providers: [
    ExecutionTxFactory,
    SubjectHashKey,
    ActionDispatcher,
    ExecutionCompletion,
    ...RIGHT_UNITS,
    {
      provide: RIGHTS,
      useFactory: (...rights: RightExecution[]) => rights,
      inject: RIGHT_UNITS,
    },
    PlanExecution,
    ForwardingService,
    RepliesService,
    ActionTimeoutLoop,
    HoldExpiryService,
    HoldExpiryLoop,
    KeyMinimiser,
    SuppressionService,
    RecipientNoticeService,
    RecipientNoticeRepository,
  ],
})
export class ExecutionModule {}
