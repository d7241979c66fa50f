/**
 * Kafka handler of `dsr.package.ready.v1`: data-locator's encrypted package, in parts,
 * each stored as it comes (still encrypted: encryption at rest, Art. 32(1)(a)) and kept as
 * chunks, never put together in memory. The digest, over the chunks in order, is checked
 * before the package is recorded. The request is completed by the projection on
 * `executionCompleted`, which follows the parts on the same topic and partition.
 */
import { createHash } from 'node:crypto';
import { Controller, Logger } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { PackageReady } from '@datarights/contracts';
import { MessageContext, OnEvent, PermanentError } from '@datarights/messaging';
import { addDuration } from '@datarights/policy';
import { Clock } from '@datarights/service-kit';
import { RequestIntakeConfig } from '../config/app.config';
import { PackageRepository } from './package.repository';

@Controller()
export class PackageConsumer {
  private readonly logger = new Logger(PackageConsumer.name);

  constructor(
    private readonly repo: PackageRepository,
    private readonly config: RequestIntakeConfig,
    private readonly clock: Clock,
  ) {}

  @OnEvent('packageReady')
  async onPackageReady(@Payload() p: PackageReady, @Ctx() ctx: MessageContext): Promise<void> {
    const parts = await this.repo.addPart(ctx.manager, p);
    if (parts < p.parts) return; // more to come (or a late duplicate of a stored package: nothing to do)
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of this.repo.chunksOf(ctx.manager, p.packageId)) {
      hash.update(chunk);
      bytes += chunk.length;
    }
    if (hash.digest('hex') !== p.sha256)
      throw new PermanentError(`package ${p.packageId}: digest mismatch after reassembly`);
    const now = this.clock.now();
    const stored = await this.repo.store(ctx.manager, {
      packageId: p.packageId,
      requestId: p.requestId,
      requestType: p.requestType,
      sha256: p.sha256,
      records: p.records,
      categories: p.categories,
      storedAt: now,
      deleteAfter: addDuration(now, this.config.PACKAGE_RETENTION),
    });
    this.logger.log(
      `request ${p.requestId}: package ${p.packageId} ${stored ? 'stored' : 'already stored'} (${p.records} records, ${bytes} bytes encrypted)`,
    );
  }
}
