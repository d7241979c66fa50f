/** mail-gateway: bootstrap only (config, logger, Kafka transport, listen). */
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
      title: 'datarights mail-gateway',
      description:
        'Sends the notices of dsr.notifications.v1 as e-mail over SMTP. No API of its own: health and metrics only.',
    },
  });
}

runMain(main);
