/** Kafka handler of every audited topic (thin): each event goes to the evidence log, in the handler's transaction. */
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { TOPICS, type TopicDefinition } from '@datarights/contracts';
import { MessageContext, OnAnyEvent } from '@datarights/messaging';
import { AuditLogService } from './audit-log.service';

/**
 * Every topic but the data events: those are the systems' own bookkeeping of their records
 * (high volume, keys in every message) and prove nothing about a request; and but audit's
 * own checkpoints, which describe the log (recording them would move the head they sign).
 * Command topics are read through `commandTopics`.
 */
export const AUDITED_TOPICS: TopicDefinition[] = (Object.keys(TOPICS) as (keyof typeof TOPICS)[])
  .filter((k) => k !== 'dataEvents' && k !== 'auditCheckpoints')
  .map((k) => TOPICS[k]);

@Controller()
export class AuditLogConsumer {
  constructor(private readonly audit: AuditLogService) {}

  @OnAnyEvent(AUDITED_TOPICS, { commandTopics: true })
  async onEvent(@Payload() data: object, @Ctx() ctx: MessageContext): Promise<void> {
    await this.audit.append(ctx.manager, ctx.envelope, data);
  }
}
