/** The inventory of company systems (the Art. 30 register), the DPO's approval of registrations, and their command topics. */
import { Module } from '@nestjs/common';
import { loadPolicy, resolvePolicyPath } from '@datarights/policy';
import { appConfig, DataLocatorConfig } from '../config/app.config';
import { PdataIndexModule } from '../pdata-index/pdata-index.module';
import { CommandTopicProvisioner } from './command-topic.provisioner';
import { InventoryConsumer } from './inventory.consumer';
import { InventoryController } from './inventory.controller';
import { InventoryRepository } from './inventory.repository';
import { InventoryService, REGISTRATIONS_POLICY } from './inventory.service';

@Module({
  imports: [PdataIndexModule],
  controllers: [InventoryController, InventoryConsumer],
  providers: [
    { provide: DataLocatorConfig, useFactory: appConfig },
    {
      provide: REGISTRATIONS_POLICY,
      useFactory: (c: DataLocatorConfig) => loadPolicy(resolvePolicyPath(c.POLICY_FILE)).registrations,
      inject: [DataLocatorConfig],
    },
    InventoryRepository,
    InventoryService,
    CommandTopicProvisioner,
  ],
  exports: [InventoryRepository, CommandTopicProvisioner],
})
export class InventoryModule {}
