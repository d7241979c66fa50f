/** Kafka handler of the data events (thin): the suppression list is applied to new records (Art. 21(3)). */
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { TOPICS, type RecordEvent } from '@datarights/contracts';
import { BatchContext, OnBatch, type BatchItem } from '@datarights/messaging';
import { ExecutionTxFactory } from '../store/execution-tx';
import { SuppressionService } from './suppression.service';

@Controller()
export class SuppressionConsumer {
  constructor(
    private readonly suppression: SuppressionService,
    private readonly txs: ExecutionTxFactory,
  ) {}

  @OnBatch(TOPICS.dataEvents)
  async onDataEvents(@Payload() items: BatchItem<RecordEvent>[], @Ctx() ctx: BatchContext): Promise<void> {
    await this.suppression.onDataEvents(this.txs.forManager(ctx.manager), items);
  }
}
