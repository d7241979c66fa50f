/** Requests: the HTTP API (filing, reading, the DPO's decisions), the state machine, the tables (requests, actions, holds, timeline, idempotency keys). */
import { Module } from '@nestjs/common';
import { RequestDecisionsController } from './request-decisions.controller';
import { RequestDecisionsService } from './request-decisions.service';
import { RequestJournal } from './request-journal';
import { RequestMaintenanceRepository } from './request-maintenance.repository';
import { RequestsController } from './requests.controller';
import { RequestsRepository } from './requests.repository';
import { RequestsService } from './requests.service';
import { RecipientsRepository } from './recipients.repository';

@Module({
  controllers: [RequestsController, RequestDecisionsController],
  providers: [
    RequestsRepository,
    RequestMaintenanceRepository,
    RequestJournal,
    RequestsService,
    RequestDecisionsService,
    RecipientsRepository,
  ],
  // RecipientsRepository: the request view shows the recipients (Art. 19); the recipients feature writes them.
  exports: [RequestsRepository, RequestMaintenanceRepository, RequestJournal, RecipientsRepository],
})
export class RequestsModule {}
