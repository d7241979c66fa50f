/** erasure-executor: bootstrap only (config, logger, Kafka transport, listen). */
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
    openApi: { title: 'datarights erasure-executor', description: 'datarights erasure-executor API of datarights' },
  });
}

runMain(main);
