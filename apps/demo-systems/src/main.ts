/** demo-systems: bootstrap only (config, logger, Kafka transport, listen). */
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
    openApi: {
      title: 'datarights demo-systems',
      description:
        'DEMO ONLY. Four reference company systems (CRM, billing, support, marketing) built on the connector SDK, with fake customers, ' +
        'and a mail sink showing what the services ask the mail gateway to send. Every route is public (no token): never deploy this in production.',
    },
  });
}

runMain(main);
