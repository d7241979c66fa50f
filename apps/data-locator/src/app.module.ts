import { Module } from '@nestjs/common';
import { ServiceKitModule } from '@datarights/service-kit';
import { MIGRATIONS } from './migrations';

export const SERVICE = 'data-locator';
export const SCHEMA = 'data_locator';

@Module({
  imports: [ServiceKitModule.forRoot({ service: SERVICE, schema: SCHEMA, entities: [], migrations: MIGRATIONS })],
})
export class AppModule {}
