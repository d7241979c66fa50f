/** Kafka handler of the data events (thin): one transaction per Kafka batch, handed to the graph. */
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { TOPICS, type RecordEvent } from '@datarights/contracts';
import { BatchContext, OnBatch, type BatchItem } from '@datarights/messaging';
import { SubjectGraphService } from './subject-graph.service';

@Controller()
export class SubjectGraphConsumer {
  constructor(private readonly graph: SubjectGraphService) {}

  @OnBatch(TOPICS.dataEvents)
  async onDataEvents(@Payload() items: BatchItem<RecordEvent>[], @Ctx() ctx: BatchContext): Promise<void> {
    await this.graph.applyDataEvents(ctx.manager, items);
  }
}
