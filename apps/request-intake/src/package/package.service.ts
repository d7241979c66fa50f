/**
 * Serving packages: the decrypted zip for an authorised download, as a stream (read a
 * chunk at a time, each chunk authenticated before it is sent), a fresh signed link for
 * the DPO to give the subject, and the deletion of packages past their keeping period
 * (PACKAGE_RETENTION, default 30 days: storage limitation, Art. 5(1)(e)), recorded in the
 * audit by a `dsr.package.deleted.v1` event.
 */
import { Readable } from 'node:stream';
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventPublisher } from '@datarights/messaging';
import { AppError, Clock, decryptPackageStream, ErrorCode } from '@datarights/service-kit';
import { RequestIntakeConfig } from '../config/app.config';
import { PackageKeys } from './package-keys';
import { packageLink, type PackageLink } from './package-link';
import { PackageRepository, type StoredPackage } from './package.repository';

@Injectable()
export class PackageService {
  private readonly logger = new Logger(PackageService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: PackageRepository,
    private readonly publisher: EventPublisher,
    private readonly keys: PackageKeys,
    private readonly config: RequestIntakeConfig,
    private readonly clock: Clock,
  ) {}

  private async available(requestId: string): Promise<StoredPackage> {
    const p = await this.repo.ofRequest(this.dataSource.manager, requestId);
    if (!p) throw new AppError(HttpStatus.NOT_FOUND, ErrorCode.NotFound, `request ${requestId} has no package (yet)`);
    if (p.deletedAt)
      throw new AppError(
        HttpStatus.GONE,
        ErrorCode.Gone,
        `the package of request ${requestId} was deleted at the end of its keeping period`,
      );
    return p;
  }

  /**
   * The zip, as a stream. Its first bytes are decrypted before this returns, so a package
   * that does not open (wrong key, altered) is a 500 rather than a cut download; a fault
   * further on (a chunk altered or missing) ends the stream with an error.
   */
  async download(requestId: string): Promise<{ zip: Readable; filename: string }> {
    const p = await this.available(requestId);
    const m = this.dataSource.manager;
    const encrypted = Readable.from(p.whole ? this.repo.wholeOf(m, p.packageId) : this.repo.chunksOf(m, p.packageId));
    const decrypt = decryptPackageStream(this.keys.encryption, requestId);
    encrypted.on('error', (e: Error) => decrypt.destroy(e));
    const zip = await started(encrypted.pipe(decrypt));
    this.logger.log(`request ${requestId}: package ${p.packageId} downloaded`);
    return { zip, filename: `${p.requestType}-${requestId}.zip` };
  }

  async link(requestId: string): Promise<PackageLink> {
    await this.available(requestId);
    return packageLink(this.keys.linkSecret, requestId, this.config.PACKAGE_LINK_TTL, this.clock.now());
  }

  /** One batch of deletions; returns how many packages were deleted. */
  async deleteExpired(limit: number, now = this.clock.now()): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const expired = await this.repo.takeExpired(m, now, limit);
      for (const p of expired) {
        await this.repo.markDeleted(m, p.packageId, now);
        await this.publisher.unitOfWork(m, 'by-request').publish('packageDeleted', {
          requestId: p.requestId,
          packageId: p.packageId,
          deletedAt: now.toISOString(),
          reason: `keeping period ${this.config.PACKAGE_RETENTION} ended`,
        });
      }
      if (expired.length) this.logger.log(`${expired.length} packages deleted at the end of their keeping period`);
      return expired.length;
    });
  }
}

/** The same stream, its first chunk already read: throws if it fails before yielding anything. */
async function started(stream: Readable): Promise<Readable> {
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await it.next();
  return Readable.from(
    (async function* () {
      try {
        if (first.done) return;
        yield first.value;
        for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
      } finally {
        await it.return?.(); // the client went away: stop reading chunks
      }
    })(),
    { objectMode: false },
  );
}
