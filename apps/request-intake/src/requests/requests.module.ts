/** Requests: the HTTP API (filing one or many, reading, the DPO's decisions), the state machine, the tables (requests, actions, holds, timeline, idempotency keys). */
import { Module } from '@nestjs/common';
import { BulkFilingController } from './bulk-filing.controller';
import { BulkFilingConfig, bulkFilingConfig } from './bulk-filing.config';
import { BulkFilingService } from './bulk-filing.service';
import { RequestDecisionsController } from './request-decisions.controller';
import { RequestDecisionsService } from './request-decisions.service';
import { RequestJournal } from './request-journal';
import { RequestMaintenanceRepository } from './request-maintenance.repository';
import { RequestsController } from './requests.controller';
import { RequestsRepository } from './requests.repository';
import { RequestsService } from './requests.service';
import { RecipientsRepository } from './recipients.repository';

@Module({
  controllers: [RequestsController, RequestDecisionsController, BulkFilingController],
  providers: [
    RequestsRepository,
    RequestMaintenanceRepository,
    RequestJournal,
    RequestsService,
    RequestDecisionsService,
    RecipientsRepository,
    BulkFilingService,
    { provide: BulkFilingConfig, useFactory: bulkFilingConfig },
  ],
  // RecipientsRepository: the request view shows the recipients (Art. 19); the recipients feature writes them.
  exports: [RequestsRepository, RequestMaintenanceRepository, RequestJournal, RecipientsRepository],
})
export class RequestsModule {}
