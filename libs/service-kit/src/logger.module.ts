import { LoggerModule } from 'nestjs-pino';
import type { DynamicModule } from '@nestjs/common';
import { REDACT_PATHS, REDACTED, scrubDeep, scrubPersonalData } from './redaction';

/** Structured JSON logs (pino), personal data redacted at the logger. */
export function serviceLoggerModule(service: string): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      level: process.env.LOG_LEVEL ?? 'info',
      base: { service },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      formatters: { log: (obj: Record<string, unknown>) => scrubDeep(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args: unknown[], method: (...a: unknown[]) => void) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrubPersonalData(a) : a)));
        },
      },
      customProps: (req) => ({ correlationId: (req.headers['x-correlation-id'] as string | undefined) ?? undefined }),
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') || req.url === '/metrics' },
      serializers: { req: (req: { method: string; url: string; id: unknown }) => ({ id: req.id, method: req.method, url: scrubPersonalData(req.url) }) },
    },
  });
}
