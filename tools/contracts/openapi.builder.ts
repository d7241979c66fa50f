/**
 * The OpenAPI document of each service with an HTTP API, built from its Nest module in
 * preview mode: controllers and DTOs are read, no provider is instantiated, so neither
 * PostgreSQL nor Kafka is needed.
 */
import { NestFactory } from '@nestjs/core';
import type { Type } from '@nestjs/common';
import { loadRuntimeConfig, openApiDocument, serviceRootModule } from '@datarights/service-kit';

const SERVICES: Record<string, () => Promise<Type<unknown>>> = {
  'request-intake': async () => (await import('../../apps/request-intake/src/app.module')).AppModule,
  identity: async () => (await import('../../apps/identity/src/app.module')).AppModule,
  'data-locator': async () => (await import('../../apps/data-locator/src/app.module')).AppModule,
  'erasure-executor': async () => (await import('../../apps/erasure-executor/src/app.module')).AppModule,
  audit: async () => (await import('../../apps/audit/src/app.module')).AppModule,
  'demo-systems': async () => (await import('../../apps/demo-systems/src/app.module')).AppModule,
};

export async function openApiDocuments(): Promise<Record<string, object>> {
  const docs: Record<string, object> = {};
  for (const [service, load] of Object.entries(SERVICES)) {
    // Under the runtime config its providers expect (defaults: production, as the documented API).
    const root = serviceRootModule(await load(), loadRuntimeConfig({}));
    const app = await NestFactory.create(root, { preview: true, logger: false, abortOnError: false });
    docs[service] = openApiDocument(app, {
      title: `datarights ${service}`,
      description: `HTTP API of the ${service} service.`,
    });
    await app.close();
  }
  return docs;
}
