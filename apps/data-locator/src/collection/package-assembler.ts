/**
 * The package of an access (GDPR Art. 15) or portability (Art. 20) request, once every
 * export command has ended: assembled as a stream — the stored reply parts read one at a
 * time, zipped (package-builder.ts), encrypted in chunks (Art. 32(1)(a); the format is in
 * @datarights/service-kit's package-crypto.ts), written as chunks of one Kafka part each,
 * so a package of a million records is never whole in memory — then sent to request-intake
 * a part at a time through the outbox. Run by the package sender loop, in its own
 * transactions: assembling (chunks, package row, request packaged, parts deleted) commits
 * at once or not at all; each part leaves its chunk in the same transaction as it enters
 * the outbox, so nothing is lost or sent twice whatever dies when.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { PACKAGE_PART_MAX_CHARS, type LinkedSubjectKeys } from '@datarights/contracts';
import type { Policy } from '@datarights/policy';
import { encryptPackageStream } from '@datarights/service-kit';
import { DataLocatorConfig } from '../config/app.config';
import { InventoryRepository } from '../inventory/inventory.repository';
import { PdataIndexRepository } from '../pdata-index/pdata-index.repository';
import { normalisedKeys } from '../plan/plan-builder';
import { writePackage } from '../package/package-builder';
import { CollectionRepository } from './collection.repository';
import { type CollectionTx, PACKAGE_KEY, POLICY } from './collection.service';

/** Bytes of encrypted package per part: base64 of them is exactly PACKAGE_PART_MAX_CHARS. */
export const PACKAGE_PART_BYTES = (PACKAGE_PART_MAX_CHARS / 4) * 3;

/** Cuts the encrypted stream into parts of `size` bytes, storing each (awaited: backpressure), and hashes it all. */
export class PartWriter extends Writable {
  private readonly hash = createHash('sha256');
  private buf: Buffer;
  private used = 0;
  parts = 0;

  constructor(
    private readonly store: (part: number, data: Buffer) => Promise<void>,
    private readonly size = PACKAGE_PART_BYTES,
  ) {
    super();
    this.buf = Buffer.allocUnsafe(size);
  }

  get sha256(): string {
    return this.hash.copy().digest('hex');
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.hash.update(chunk);
    void this.fill(chunk).then(() => done(), done);
  }

  override _final(done: (err?: Error | null) => void): void {
    void (this.used > 0 ? this.flush() : Promise.resolve()).then(() => done(), done);
  }

  private async fill(chunk: Buffer): Promise<void> {
    for (let at = 0; at < chunk.length;) {
      const n = chunk.copy(this.buf, this.used, at);
      this.used += n;
      at += n;
      if (this.used === this.size) await this.flush();
    }
  }

  private async flush(): Promise<void> {
    const full = this.buf.subarray(0, this.used);
    this.buf = Buffer.allocUnsafe(this.size);
    this.used = 0;
    await this.store(++this.parts, full);
  }
}

/** Most records whose own period an access package states (the rest: the category's rule). */
const RECORD_DATES_MAX = 100_000;

@Injectable()
export class PackageAssembler {
  private readonly logger = new Logger(PackageAssembler.name);

  constructor(
    private readonly repo: CollectionRepository,
    private readonly inventory: InventoryRepository,
    private readonly config: DataLocatorConfig,
    @Inject(POLICY) private readonly policy: Policy,
    @Inject(PACKAGE_KEY) private readonly key: Buffer,
    // Optional: the package bench assembles without an index (no period per record then).
    @Optional() private readonly index?: PdataIndexRepository,
  ) {}

  /** Assembles the package of the oldest request waiting for one; returns whether there was one. */
  async assembleNext(tx: CollectionTx, now: Date): Promise<boolean> {
    const request = await this.repo.takeAssembling(tx.manager);
    if (!request) return false;
    const { requestId, requestType } = request;
    const commands = await this.repo.commandsOf(tx.manager, requestId);
    const systems = await this.inventory.findByIds(
      tx.manager,
      commands.map((c) => c.systemId),
    );
    const packageId = randomUUID();
    const outcomes = commands.map((c) => ({
      systemId: c.systemId,
      outcome: c.status === 'completed' ? (c.outcome ?? 'done') : 'failed',
      affectedRecords: c.affectedRecords,
      categories: c.categories,
    }));
    // The row first (its chunks reference it); parts and digest once the last chunk is written.
    await this.repo.insertPackage(tx.manager, {
      packageId,
      requestId,
      requestType,
      sha256: '',
      parts: 0,
      nextPart: 1,
      records: 0,
      categories: [],
      assembledAt: now,
      outcomes,
    });
    const parts = new PartWriter((part, data) => this.repo.addPackageChunk(tx.manager, packageId, part, data));
    const built = await writePackage(
      {
        requestId,
        requestType,
        generatedAt: now.toISOString(),
        controller: this.config.PACKAGE_CONTROLLER,
        locale: this.config.NOTICE_LOCALE,
        systems,
        exports: commands
          .filter((c) => c.status === 'completed')
          .map((c) => ({
            systemId: c.systemId,
            categories: c.categories,
            batches: () => this.repo.partsOf(tx.manager, c.commandId),
          })),
        policy: this.policy,
        timeZone: this.policy.deadlines?.timeZone,
        // Art. 15(1)(d): the period applied to each record, from the dates its system reported.
        recordDates:
          requestType === 'access' && this.index
            ? await this.index.datedRecordsOf(
                tx.manager,
                normalisedKeys(request.subjectKeys as LinkedSubjectKeys),
                RECORD_DATES_MAX,
              )
            : [],
        escalated: commands
          .filter((c) => c.status === 'escalated')
          .map((c) => ({ systemId: c.systemId, reason: c.lastReason ?? 'escalated' })),
      },
      [encryptPackageStream(this.key, requestId), parts],
    );
    await this.repo.finishPackage(tx.manager, packageId, parts.parts, parts.sha256, built);
    await this.repo.markPackaged(tx.manager, requestId, packageId, built.records, now);
    await this.repo.deleteParts(tx.manager, requestId);
    this.logger.log(
      `request ${requestId}: ${requestType} package ${packageId} assembled (${built.records} records, ${parts.parts} parts to send)`,
    );
    return true;
  }

  /**
   * Sends the next part of a pending package: one part in the outbox at a time, since a
   * Kafka record batch is at most 1 MiB. With the last part, `executionCompleted`
   * (request-intake completes the request) and the package row is deleted here.
   * Returns whether a part was sent.
   */
  async sendNextPart(tx: CollectionTx): Promise<boolean> {
    const p = await this.repo.nextPackageToSend(tx.manager);
    if (!p) return false;
    const part = p.nextPart;
    const data = await this.repo.takePackageChunk(tx.manager, p.packageId, part);
    await tx.publish('packageReady', {
      requestId: p.requestId,
      packageId: p.packageId,
      requestType: p.requestType,
      part,
      parts: p.parts,
      data: data.toString('base64'),
      sha256: p.sha256,
      records: p.records,
      categories: p.categories,
      assembledAt: new Date(p.assembledAt).toISOString(),
    });
    if (part < p.parts) {
      await this.repo.advancePackage(tx.manager, p.packageId, part + 1);
      return true;
    }
    await this.repo.deletePackage(tx.manager, p.packageId);
    // Art. 15(4): a package holding other people's data leaves once the DPO releases it.
    await tx.publish('executionCompleted', {
      requestId: p.requestId,
      systems: p.outcomes,
      holds: [],
      ...(p.thirdPartyData ? { thirdPartyData: true } : {}),
    });
    this.logger.log(`request ${p.requestId}: package ${p.packageId} sent (${p.parts} parts)`);
    return true;
  }
}
