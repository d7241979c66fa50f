/** The inventory of company systems (the Art. 30 register) and their command topics. */
import { Module } from '@nestjs/common';
import { PdataIndexModule } from '../pdata-index/pdata-index.module';
import { CommandTopicProvisioner } from './command-topic.provisioner';
import { InventoryConsumer } from './inventory.consumer';
import { InventoryController } from './inventory.controller';
import { InventoryRepository } from './inventory.repository';
import { InventoryService } from './inventory.service';

@Module({
  imports: [PdataIndexModule],
  controllers: [InventoryController, InventoryConsumer],
  providers: [InventoryRepository, InventoryService, CommandTopicProvisioner],
  exports: [InventoryRepository, CommandTopicProvisioner],
})
export class InventoryModule {}
