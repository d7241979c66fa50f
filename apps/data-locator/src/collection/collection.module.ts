/**
 * Collection for access and portability requests (owns `export_requests`,
 * `export_commands`, `export_parts`): export commands, their replies, retries and
 * escalations, and the package sent to request-intake. Reads the policy (POLICY_FILE) and
 * the package encryption key (PACKAGE_ENCRYPTION_KEY).
 */
import { Logger, Module } from '@nestjs/common';
import { loadPolicy, resolvePolicyPath } from '@datarights/policy';
import { appConfig, DataLocatorConfig } from '../config/app.config';
import { InventoryModule } from '../inventory/inventory.module';
import { PdataIndexModule } from '../pdata-index/pdata-index.module';
import { CollectionConsumer } from './collection.consumer';
import { CollectionRepository } from './collection.repository';
import { CollectionService, PACKAGE_KEY, POLICY } from './collection.service';
import { ExportTimeoutLoop } from './export-timeout.loop';
import { PackageAssembler } from './package-assembler';
import { PackageSenderLoop } from './package-sender.loop';
import { resolvePackageKey } from '@datarights/service-kit';

@Module({
  imports: [InventoryModule, PdataIndexModule],
  controllers: [CollectionConsumer],
  providers: [
    { provide: DataLocatorConfig, useFactory: appConfig },
    {
      provide: POLICY,
      useFactory: (c: DataLocatorConfig) => loadPolicy(resolvePolicyPath(c.POLICY_FILE)),
      inject: [DataLocatorConfig],
    },
    {
      provide: PACKAGE_KEY,
      useFactory: (c: DataLocatorConfig) =>
        resolvePackageKey(c.PACKAGE_ENCRYPTION_KEY, c.NODE_ENV, (m) => new Logger('CollectionModule').warn(m)),
      inject: [DataLocatorConfig],
    },
    CollectionRepository,
    CollectionService,
    PackageAssembler,
    ExportTimeoutLoop,
    PackageSenderLoop,
  ],
  exports: [CollectionService, ExportTimeoutLoop],
})
export class CollectionModule {}
