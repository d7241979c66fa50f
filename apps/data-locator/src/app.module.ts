/**
 * data-locator: the inventory of systems (the Art. 30 register), the personal-data index
 * learnt from data events, the plan of every verified request, and the collection of the
 * access and portability packages, and the purge of records past their periods (Art. 5(1)(e)).
 */
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard, ClockModule, ServiceKitModule } from '@datarights/service-kit';
import { CollectionModule } from './collection/collection.module';
import { InventoryModule } from './inventory/inventory.module';
import { SystemEntity } from './inventory/entities/system.entity';
import { MIGRATIONS } from './migrations';
import { PdataIndexModule } from './pdata-index/pdata-index.module';
import { PlanEntity } from './plan/entities/plan.entity';
import { PlanModule } from './plan/plan.module';
import { PurgeModule } from './purge/purge.module';

export const SERVICE = 'data-locator';
export const SCHEMA = 'data_locator';

@Module({
  imports: [
    ServiceKitModule.forRoot({
      service: SERVICE,
      schema: SCHEMA,
      entities: [SystemEntity, PlanEntity],
      migrations: MIGRATIONS,
    }),
    ClockModule,
    PdataIndexModule,
    InventoryModule,
    PlanModule,
    CollectionModule,
    PurgeModule,
  ],
  providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
})
export class AppModule {}
