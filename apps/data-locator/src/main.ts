/** data-locator: bootstrap only (config, logger, Kafka transport, listen). */
import 'reflect-metadata';
import { bootstrapService, runMain } from '@datarights/service-kit';
import { AppModule, SCHEMA, SERVICE } from './app.module';
import { appConfig } from './config/app.config';

async function main(): Promise<void> {
  const config = appConfig();
  await bootstrapService(AppModule, {
    env: process.env,
    service: SERVICE,
    schema: SCHEMA,
    port: config.PORT,
    openApi: { title: 'datarights data-locator', description: 'datarights data-locator API of datarights' },
  });
}

runMain(main);
