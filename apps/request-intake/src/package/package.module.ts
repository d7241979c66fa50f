/**
 * Packages (owns `package_parts`, `packages`): the access and portability packages
 * data-locator assembles, stored encrypted, served to the DPO or the subject's signed
 * link, deleted after PACKAGE_RETENTION (the deletion is an audited event).
 */
import { Module } from '@nestjs/common';
import { PackageAccessGuard } from './package-access.guard';
import { PackageConsumer } from './package.consumer';
import { PackageController } from './package.controller';
import { PackageDeletionJob } from './package-deletion.job';
import { packageKeysProvider } from './package-keys';
import { PackageRepository } from './package.repository';
import { PackageService } from './package.service';

@Module({
  controllers: [PackageController, PackageConsumer],
  providers: [packageKeysProvider, PackageRepository, PackageService, PackageAccessGuard, PackageDeletionJob],
  exports: [PackageService],
})
export class PackageModule {}
