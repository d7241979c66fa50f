import { Module } from '@nestjs/common';
import { ServiceKitModule } from '@datarights/service-kit';
import { MIGRATIONS } from './migrations';

export const SERVICE = 'audit';
export const SCHEMA = 'audit';

@Module({
  imports: [ServiceKitModule.forRoot({ service: SERVICE, schema: SCHEMA, entities: [], migrations: MIGRATIONS })],
})
export class AppModule {}
