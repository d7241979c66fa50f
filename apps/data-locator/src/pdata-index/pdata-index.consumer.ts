/** Kafka handler of `pdata.events.<systemId>.v1`, on the batch path: one transaction per Kafka batch. */
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { TOPICS, type RecordEvent } from '@datarights/contracts';
import { BatchContext, OnBatch, type BatchItem } from '@datarights/messaging';
import { PdataIndexService } from './pdata-index.service';

@Controller()
export class PdataIndexConsumer {
  constructor(private readonly index: PdataIndexService) {}

  @OnBatch(TOPICS.dataEvents)
  async onDataEvents(@Payload() items: BatchItem<RecordEvent>[], @Ctx() ctx: BatchContext): Promise<void> {
    await this.index.ingest(
      ctx.manager,
      items.map((i) => ({ type: i.envelope.type, data: i.data })),
    );
  }
}
