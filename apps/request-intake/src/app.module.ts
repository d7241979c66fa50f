import { Module } from '@nestjs/common';
import { ServiceKitModule } from '@datarights/service-kit';
import { MIGRATIONS } from './migrations';

export const SERVICE = 'request-intake';
export const SCHEMA = 'request_intake';

@Module({
  imports: [ServiceKitModule.forRoot({ service: SERVICE, schema: SCHEMA, entities: [], migrations: MIGRATIONS })],
})
export class AppModule {}
