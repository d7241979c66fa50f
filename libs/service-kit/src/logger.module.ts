import { LoggerModule } from 'nestjs-pino';
import type { DynamicModule } from '@nestjs/common';
import type { LoggerOptions } from 'pino';
import { messageLogFields } from '@datarights/messaging';
import { REDACT_PATHS, REDACTED, scrubDeep, scrubPersonalData } from './redaction';
import { RuntimeConfig } from './runtime.config';

/**
 * Structured JSON logs (pino), personal data redacted at the logger. A line logged while a
 * Kafka message is handled carries its `correlationId` (the request id), `eventId` and
 * `traceId` (from the messaging lib's message scope); an HTTP request's lines carry the
 * caller's `x-correlation-id`.
 */
export function serviceLoggerModule(service: string): DynamicModule {
  return LoggerModule.forRootAsync({
    // LOG_LEVEL from the runtime config, read once at boot (runtime.config.ts).
    inject: [RuntimeConfig],
    useFactory: (config: RuntimeConfig) => ({
      pinoHttp: {
        ...serviceLogOptions(service, config.LOG_LEVEL),
        customProps: (req) => ({ correlationId: (req.headers['x-correlation-id'] as string | undefined) ?? undefined }),
        autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') || req.url === '/metrics' },
        serializers: {
          req: (req: { method: string; url: string; id: unknown }) => ({
            id: req.id,
            method: req.method,
            url: scrubPersonalData(req.url),
          }),
        },
      },
    }),
  });
}

/** The pino options of every service's logger (the HTTP ones aside); `level`: LOG_LEVEL. */
export function serviceLogOptions(service: string, level = 'info'): LoggerOptions {
  return {
    level,
    base: { service },
    // Ids of the Kafka message being handled, if any (no payload: no personal data).
    mixin: () => messageLogFields(),
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    formatters: { log: (obj: Record<string, unknown>) => scrubDeep(obj) as Record<string, unknown> },
    hooks: {
      logMethod(args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? scrubPersonalData(a) : a)),
        );
      },
    },
  };
}
