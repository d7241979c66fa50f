import { Module } from '@nestjs/common';
import { ServiceKitModule } from '@datarights/service-kit';
import { MIGRATIONS } from './migrations';

export const SERVICE = 'demo-systems';
export const SCHEMA = 'demo_systems';

@Module({
  imports: [ServiceKitModule.forRoot({ service: SERVICE, schema: SCHEMA, entities: [], migrations: MIGRATIONS })],
})
export class AppModule {}
