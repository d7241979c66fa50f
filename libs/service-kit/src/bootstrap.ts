/**
 * Starts a service: the environment the entry point hands over checked once into the
 * runtime config (runtime.config.ts; the app's own config is validated by its module
 * factories), development tokens refused in production, then logs, security headers, body limit (413), a per-client
 * rate limit (429), an incoming `traceparent` as the trace context, validation (400,
 * unknown fields refused), one error shape, OpenAPI,
 * migrations under a lock, the outbox relay, the Kafka consumer, HTTP.
 * `--migrate-only` runs the migrations and exits (a Kubernetes Job or init container).
 */
import { Logger as NestLogger, Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { MessagingServer } from '@datarights/messaging';
import { resolveSchema, runMigrations } from '@datarights/persistence';
import { assertDevTokenAllowed } from './auth.guard';
import { ClockModule, ClockRouteModule } from './clock/clock.module';
import { isProduction } from './environment';
import { HttpErrorFilter } from './http-error.filter';
import { HttpValidationPipe } from './http-validation.pipe';
import { httpRateLimit } from './http-rate-limit';
import { httpMetricsMiddleware } from './http-metrics';
import { httpTraceContext } from './http-trace';
import { loadRuntimeConfig, RuntimeConfig, RuntimeConfigModule } from './runtime.config';
import { startTelemetry, stopTelemetry } from './telemetry';

export interface BootstrapOptions {
  service: string;
  schema: string;
  port: number;
  host?: string;
  /** JSON body limit; larger bodies get 413. */
  bodyLimit?: string;
  openApi?: { title: string; description: string; version?: string };
  /** Tests: do not listen on a port. */
  listen?: boolean;
  /** Tables the runtime role may only read and append to (migrations.runner.ts). */
  appendOnlyTables?: readonly string[];
  /** The environment, read by the entry point (main.ts: `process.env`); checked here, once. */
  env: NodeJS.ProcessEnv;
}

@Module({})
class ServiceRootModule {}

/** The app's module under the runtime config (global) and, outside production, the clock's route. */
export function serviceRootModule(module: Type<unknown>, config: RuntimeConfig): DynamicModule {
  // In production the clock's route does not exist at all, and its guard is never built.
  const clock = !isProduction(config) && importsModule(module, ClockModule) ? [ClockRouteModule] : [];
  return { module: ServiceRootModule, imports: [RuntimeConfigModule.forRoot(config), module, ...clock] };
}

/** Whether `module` imports `target`, directly or through the modules it imports. */
function importsModule(module: unknown, target: Type<unknown>, seen = new Set<unknown>()): boolean {
  if (!module || seen.has(module)) return false;
  seen.add(module);
  if (module === target) return true;
  const dynamic = typeof module === 'function' ? undefined : (module as DynamicModule);
  const cls = dynamic ? dynamic.module : module;
  // A forward reference or a promised module has no metadata to read: not followed.
  const declared = typeof cls === 'function' ? ((Reflect.getMetadata('imports', cls) as unknown[]) ?? []) : [];
  const found: unknown[] = [...declared, ...(dynamic?.imports ?? [])];
  return found.some((m) => importsModule(m, target, seen));
}

export async function createServiceApp(module: Type<unknown>, o: BootstrapOptions): Promise<NestExpressApplication> {
  // Before anything else: a bad variable, or DPO_TOKEN & co. in production, stop the process
  // with a message naming it.
  const config = loadRuntimeConfig(o.env);
  assertDevTokenAllowed(config);
  // Tracing (OTEL_* variables), registered before anything creates a span or a context.
  const tracing = startTelemetry(o.service, config);
  // abortOnError: false, so that a start-up error (a missing setting) reaches main's catch
  // and its message is printed, instead of Nest aborting the process.
  const app = await NestFactory.create<NestExpressApplication>(serviceRootModule(module, config), {
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  // Spans still buffered go out when the app closes (SIGTERM, tests).
  const close = app.close.bind(app);
  app.close = async () => {
    await close();
    await stopTelemetry();
  };
  // Behind a reverse proxy or the privacy centre, the client's address (rate limits) comes
  // from X-Forwarded-For, but only the hops named here are believed (never `true`).
  if (config.trustProxy !== undefined) app.set('trust proxy', config.trustProxy);
  app.use(helmet());
  app.use(httpRateLimit(config.httpRateLimitPerMinute));
  app.use(httpMetricsMiddleware());
  app.use(httpTraceContext({ spans: tracing }));
  app.useBodyParser('json', { limit: o.bodyLimit ?? '256kb' });
  app.useGlobalPipes(new HttpValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
  app.enableShutdownHooks();
  if (o.openApi)
    SwaggerModule.setup('docs', app, openApiDocument(app, o.openApi), { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}

export function openApiDocument(app: INestApplication, info: NonNullable<BootstrapOptions['openApi']>): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(info.title)
    .setDescription(info.description)
    .setVersion(info.version ?? '1')
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Migrations, then init (relay), then the Kafka consumer, then HTTP. */
export async function startServiceApp(app: NestExpressApplication, o: BootstrapOptions): Promise<void> {
  const log = new NestLogger(o.service);
  const config = app.get(RuntimeConfig);
  if (config.RUN_MIGRATIONS !== 'false' || process.argv.includes('--migrate-only')) {
    const done = await runMigrations(app.get(DataSource), resolveSchema(o.schema, config), {
      runtimeRole: config.DATABASE_RUNTIME_ROLE || undefined,
      appendOnlyTables: o.appendOnlyTables,
    });
    if (done.length) log.log(`migrations run: ${done.join(', ')}`);
  }
  if (process.argv.includes('--migrate-only')) {
    await app.close();
    return;
  }
  // The Kafka transport keeps its own (empty) config: HTTP pipes, guards and filters don't
  // apply to handlers, which get contract-validated payloads (see messaging's handler decorators).
  app.connectMicroservice({ strategy: app.get(MessagingServer) }, { inheritAppConfig: false });
  await app.init();
  await app.startAllMicroservices();
  if (o.listen !== false) {
    await app.listen(o.port, o.host ?? '0.0.0.0');
    log.log(`${o.service} listening on ${o.port}`);
  }
}

export async function bootstrapService(module: Type<unknown>, o: BootstrapOptions): Promise<NestExpressApplication> {
  const app = await createServiceApp(module, o);
  await startServiceApp(app, o);
  return app;
}

/**
 * A service's entry point: runs `main`; a start-up error is printed with its stack (code
 * locations only: errors here carry no payloads) and the process exits with 1.
 */
export function runMain(main: () => Promise<unknown>): void {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
}
