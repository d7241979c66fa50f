/** A request's recipients (GDPR Art. 19): the executor's notice events, the DPO's routes. */
import { Module } from '@nestjs/common';
import { RequestsModule } from '../requests/requests.module';
import { RecipientsConsumer } from './recipients.consumer';
import { RecipientsController } from './recipients.controller';
import { RecipientsService } from './recipients.service';

@Module({
  imports: [RequestsModule],
  controllers: [RecipientsController, RecipientsConsumer],
  // RecipientsRepository comes from RequestsModule (the request view reads it too).
  providers: [RecipientsService],
})
export class RecipientsModule {}
