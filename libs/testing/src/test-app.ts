/** Starts one service in-process against real Kafka and PostgreSQL, as its main.ts would (without the port). */
import type { Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createServiceApp, startServiceApp } from '@datarights/service-kit';

export async function startTestService(
  module: Type<unknown>,
  service: string,
  schema: string,
): Promise<NestExpressApplication> {
  const options = { service, schema, port: 0, listen: false };
  const app = await createServiceApp(module, options);
  await startServiceApp(app, options);
  return app;
}
