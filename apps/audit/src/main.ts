/** audit: bootstrap only (config, logger, Kafka transport, listen). */
import 'reflect-metadata';
import { bootstrapService, runMain } from '@datarights/service-kit';
import { APPEND_ONLY_TABLES, AppModule, SCHEMA, SERVICE } from './app.module';
import { appConfig } from './config/app.config';

async function main(): Promise<void> {
  const config = appConfig();
  await bootstrapService(AppModule, {
    env: process.env,
    service: SERVICE,
    schema: SCHEMA,
    port: config.PORT,
    appendOnlyTables: APPEND_ONLY_TABLES,
    openApi: { title: 'datarights audit', description: 'datarights audit API of datarights' },
  });
}

runMain(main);
