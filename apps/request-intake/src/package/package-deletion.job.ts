/** Deletes packages past their keeping period, every PACKAGE_DELETION_CHECK_MS (see package.service.ts). */
import { Injectable, Logger } from '@nestjs/common';
import { RequestIntakeConfig } from '../config/app.config';
import { PackageService } from './package.service';
import { PeriodicJob } from '@datarights/service-kit';

@Injectable()
export class PackageDeletionJob extends PeriodicJob {
  protected readonly logger = new Logger(PackageDeletionJob.name);
  protected readonly everyMs: number;

  constructor(
    private readonly packages: PackageService,
    config: RequestIntakeConfig,
  ) {
    super();
    this.everyMs = config.PACKAGE_DELETION_CHECK_MS;
  }

  runOnce(): Promise<number> {
    return this.packages.deleteExpired(this.batchSize);
  }
}
