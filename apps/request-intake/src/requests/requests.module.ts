/** Requests: the HTTP API, the state machine, the tables (requests, actions, holds, timeline, idempotency keys). */
import { Module } from '@nestjs/common';
import { RequestJournal } from './request-journal';
import { RequestsController } from './requests.controller';
import { RequestsRepository } from './requests.repository';
import { RequestsService } from './requests.service';

@Module({
  controllers: [RequestsController],
  providers: [RequestsRepository, RequestJournal, RequestsService],
  exports: [RequestsRepository, RequestJournal],
})
export class RequestsModule {}
