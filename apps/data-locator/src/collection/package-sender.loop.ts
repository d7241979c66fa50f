/**
 * Sends the parts of assembled packages to request-intake, one part in the outbox at a
 * time: the outbox relay puts a batch of rows in one Kafka request, and a record batch is
 * at most 1 MiB (the broker's message.max.bytes), so two ~600 KiB parts together would be
 * refused and block the outbox. Every PACKAGE_SEND_POLL_MS, and again at once after a part.
 */
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PayloadOf } from '@datarights/contracts';
import { EventPublisher } from '@datarights/messaging';
import { DataLocatorConfig } from '../config/app.config';
import { CollectionService, type CollectionTx } from './collection.service';

@Injectable()
export class PackageSenderLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PackageSenderLoop.name);
  private running = false;
  private timer?: NodeJS.Timeout;
  private tickInFlight?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly collection: CollectionService,
    private readonly config: DataLocatorConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.schedule(this.config.PACKAGE_SEND_POLL_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.tickInFlight;
  }

  private schedule(delay: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.tickInFlight = this.tick()
        .then(() => this.schedule(this.config.PACKAGE_SEND_POLL_MS))
        .catch((err: unknown) => {
          this.logger.error(`package sender tick failed: ${(err as Error).message}`);
          this.schedule(this.config.PACKAGE_SEND_POLL_MS);
        });
    }, delay);
  }

  /** Sends at most one part; true if it did. Public for tests. */
  async tick(): Promise<boolean> {
    return this.dataSource.transaction(async (m) => {
      const tx: CollectionTx = { manager: m, publish: (name, data) => this.publisher.publish(m, name, data as PayloadOf<typeof name>, { correlationId: (data as { requestId: string }).requestId }) };
      return this.collection.sendNextPart(tx);
    });
  }
}
