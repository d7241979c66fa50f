/**
 * The config spine (docs/conventions.md, "Configuration and secrets"): what the shared libs
 * read — logs, HTTP limits, authentication, tracing, migrations, PostgreSQL, Kafka — validated
 * once at boot from the environment the entry point hands over (`bootstrapService(…, { env:
 * process.env })` in main.ts), then given to the libs through DI (`RuntimeConfig` is the
 * token) or as parameters. No lib reads process.env (lint: `no-restricted-properties`).
 */
import { DynamicModule, Global, Module } from '@nestjs/common';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { kafkaSettingsFromEnv, type KafkaSettings } from '@datarights/messaging';
import { databaseSettingsFromEnv, type DatabaseSettings } from '@datarights/persistence';
import { loadConfig } from './config.loader';
import { httpRateLimitFromEnv } from './http-rate-limit';
import { trustProxyFromEnv } from './trust-proxy';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export class RuntimeConfig {
  /** Production unless `development` or `test` (environment.ts): unset means production. */
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'production';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** Proxies whose X-Forwarded-For is believed (bootstrap.ts); checked into `trustProxy`. */
  @IsOptional()
  @IsString()
  TRUST_PROXY?: string;

  /** Checked into `httpRateLimitPerMinute` (http-rate-limit.ts). */
  @IsOptional()
  @IsString()
  HTTP_RATE_LIMIT_PER_MINUTE?: string;

  /** `false`: migrations are left to a `--migrate-only` run (a Kubernetes Job). */
  @IsOptional()
  @IsString()
  RUN_MIGRATIONS?: string;

  /** The role the service runs as, when it is not the role that migrates (migrations.runner.ts). */
  @IsOptional()
  @IsString()
  DATABASE_RUNTIME_ROLE?: string;

  /** A schema of the run's own instead of the service's name (test runs). */
  @IsOptional()
  @IsString()
  DATABASE_SCHEMA?: string;

  @IsOptional()
  @IsString()
  KAFKA_GROUP_ID?: string;

  /** Development tokens (auth.guard.ts): secrets, refused in production. Never logged. */
  @IsOptional()
  @IsString()
  DPO_TOKEN?: string;

  @IsOptional()
  @IsString()
  OPERATOR_TOKEN?: string;

  @IsOptional()
  @IsString()
  AUDITOR_TOKEN?: string;

  /** OIDC (auth.jwt.ts): required in production by a service that authenticates people. */
  @IsOptional()
  @IsString()
  AUTH_JWKS_URL?: string;

  @IsOptional()
  @IsString()
  AUTH_ISSUER?: string;

  @IsOptional()
  @IsString()
  AUTH_AUDIENCE?: string;

  @IsOptional()
  @IsString()
  AUTH_CLOCK_TOLERANCE_SECONDS?: string;

  @IsOptional()
  @IsString()
  AUTH_ROLES_CLAIM?: string;

  @IsOptional()
  @IsString()
  AUTH_CUSTOMER_CLAIM?: string;

  /** Tracing switches (telemetry.ts); the OTLP exporter reads its own OTEL_EXPORTER_OTLP_* settings. */
  @IsOptional()
  @IsString()
  OTEL_SDK_DISABLED?: string;

  @IsOptional()
  @IsString()
  OTEL_TRACES_EXPORTER?: string;

  @IsOptional()
  @IsString()
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  @IsOptional()
  @IsString()
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;

  @IsOptional()
  @IsString()
  OTEL_SERVICE_NAME?: string;

  /** Resolved by `loadRuntimeConfig` with the libs' own checks (each names its variable). */
  trustProxy?: number | string;
  httpRateLimitPerMinute!: number;
  /** PostgreSQL: DATABASE_URL (with DATABASE_USER / DATABASE_PASSWORD, a secret), SSL, pool. */
  database!: DatabaseSettings;
  /** Kafka: brokers, SASL credentials (a secret), topic prefix, consumer tuning. */
  kafka!: KafkaSettings;
}

/** Reads and checks the environment once; a bad or missing variable throws, naming it. */
export function loadRuntimeConfig(env: NodeJS.ProcessEnv): RuntimeConfig {
  const config = loadConfig(RuntimeConfig, env);
  config.trustProxy = trustProxyFromEnv(config);
  config.httpRateLimitPerMinute = httpRateLimitFromEnv(config);
  config.database = databaseSettingsFromEnv(env);
  config.kafka = kafkaSettingsFromEnv(env);
  return config;
}

/** The runtime config as a global provider: every module of the app can inject `RuntimeConfig`. */
@Global()
@Module({})
export class RuntimeConfigModule {
  static forRoot(config: RuntimeConfig): DynamicModule {
    return {
      module: RuntimeConfigModule,
      providers: [{ provide: RuntimeConfig, useValue: config }],
      exports: [RuntimeConfig],
    };
  }
}
