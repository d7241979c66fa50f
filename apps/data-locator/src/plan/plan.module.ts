/** Plans: for each verified request, where the subject's data is (owns `plans`). */
import { Module } from '@nestjs/common';
import { appConfig, DataLocatorConfig } from '../config/app.config';
import { InventoryModule } from '../inventory/inventory.module';
import { PdataIndexModule } from '../pdata-index/pdata-index.module';
import { PurgeModule } from '../purge/purge.module';
import { PlanConsumer } from './plan.consumer';
import { PlanRepository } from './plan.repository';
import { PlanService } from './plan.service';

@Module({
  imports: [InventoryModule, PdataIndexModule, PurgeModule],
  controllers: [PlanConsumer],
  providers: [{ provide: DataLocatorConfig, useFactory: appConfig }, PlanRepository, PlanService],
})
export class PlanModule {}
