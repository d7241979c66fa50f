/** request-intake: bootstrap only (config, logger, Kafka transport, listen). */
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
    bodyLimit: config.BODY_LIMIT,
    openApi: {
      title: 'datarights request-intake',
      description:
        "Data-subject requests for the DPO and operators: file a request, follow it to its end (status, deadline, per-system outcomes, legal holds, timeline), and take the decisions that are the DPO's.",
    },
  });
}

runMain(main);
