/** Kafka handler of the data events (thin): the suppression list is applied to new records (Art. 21(3)). */
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { TOPICS, type PayloadOf, type RecordEvent } from '@datarights/contracts';
import { BatchContext, OnBatch, type BatchItem } from '@datarights/messaging';
import { ExecutionRepository } from './execution.repository';
import { SuppressionService } from './suppression.service';

@Controller()
export class SuppressionConsumer {
  constructor(
    private readonly suppression: SuppressionService,
    private readonly repository: ExecutionRepository,
  ) {}

  @OnBatch(TOPICS.dataEvents)
  async onDataEvents(@Payload() items: BatchItem<RecordEvent>[], @Ctx() ctx: BatchContext): Promise<void> {
    await this.suppression.onDataEvents(
      {
        store: this.repository.in(ctx.manager),
        publish: (name, data) => ctx.publisher.publish(ctx.manager, name, data as PayloadOf<typeof name>, { correlationId: (data as { requestId: string }).requestId }),
      },
      items,
    );
  }
}
