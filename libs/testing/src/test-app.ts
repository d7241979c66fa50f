/** Starts one service in-process against real Kafka and PostgreSQL, as its main.ts would (without the port). */
import type { Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createServiceApp, startServiceApp } from '@datarights/service-kit';

/**
 * The service gets the environment as it stands (the schema, prefix and group `isolate` set),
 * plus `env`: variables of the shared libs' runtime config for this app only (e.g.
 * `{ OUTBOX_RELAY: 'off' }`), given as config instead of being set on process.env around the
 * start. (An app's own config class still reads process.env, in its config/.)
 */
export async function startTestService(
  module: Type<unknown>,
  service: string,
  schema: string,
  env: NodeJS.ProcessEnv = {},
): Promise<NestExpressApplication> {
  const options = { service, schema, port: 0, listen: false, env: { ...process.env, ...env } };
  const app = await createServiceApp(module, options);
  await startServiceApp(app, options);
  return app;
}
