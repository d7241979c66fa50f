/**
 * Assembles the packages of requests whose export commands have all ended (one per run,
 * in its own transaction), and sends the parts of assembled packages to request-intake,
 * one part in the outbox at a time: the outbox relay puts a batch of rows in one Kafka request, and a record batch is
 * at most 1 MiB (the broker's message.max.bytes), so two ~600 KiB parts together would be
 * refused and block the outbox. One part every PACKAGE_SEND_POLL_MS.
 */
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventPublisher } from '@datarights/messaging';
import { Clock, PeriodicJob } from '@datarights/service-kit';
import { DataLocatorConfig } from '../config/app.config';
import { collectionTx } from './collection.service';
import { PackageAssembler } from './package-assembler';

@Injectable()
export class PackageSenderLoop extends PeriodicJob {
  protected readonly logger = new Logger(PackageSenderLoop.name);
  protected readonly everyMs: number;
  /** Never "full": the next part waits for the next period, so the relay sends this one alone. */
  protected override readonly batchSize = Number.POSITIVE_INFINITY;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly assembler: PackageAssembler,
    private readonly clock: Clock,
    config: DataLocatorConfig,
  ) {
    super();
    this.everyMs = config.PACKAGE_SEND_POLL_MS;
  }

  /**
   * Sends at most one part, or else assembles one package; returns 1 if it did either.
   * Sending first, each in a transaction of its own: a package that fails to assemble (and
   * is retried every period) never holds back the parts of those already assembled.
   * Public for tests.
   */
  async runOnce(): Promise<number> {
    const sent = await this.dataSource.transaction((m) => this.assembler.sendNextPart(collectionTx(m, this.publisher)));
    if (sent) return 1;
    const assembled = await this.dataSource.transaction((m) =>
      this.assembler.assembleNext(collectionTx(m, this.publisher), this.clock.now()),
    );
    return assembled ? 1 : 0;
  }
}
