/** Kafka handler of `pdata.systems.<systemId>.v1`: company systems register themselves. */
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { SystemRegistered } from '@datarights/contracts';
import { MessageContext, OnEvent } from '@datarights/messaging';
import { InventoryService } from './inventory.service';

@Controller()
export class InventoryConsumer {
  constructor(private readonly inventory: InventoryService) {}

  @OnEvent('systemRegistered')
  async onSystemRegistered(@Payload() data: SystemRegistered, @Ctx() ctx: MessageContext): Promise<void> {
    await this.inventory.register(ctx.manager, (n, d) => ctx.publish(n, d), data, new Date(ctx.envelope.time));
  }
}
