import { Module } from '@nestjs/common';
import { ServiceKitModule } from '@datarights/service-kit';
import { MIGRATIONS } from './migrations';

export const SERVICE = 'identity';
export const SCHEMA = 'identity';

@Module({
  imports: [ServiceKitModule.forRoot({ service: SERVICE, schema: SCHEMA, entities: [], migrations: MIGRATIONS })],
})
export class AppModule {}
