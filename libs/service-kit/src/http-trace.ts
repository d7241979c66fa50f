/**
 * Trace context from HTTP into Kafka: a request that arrives with a W3C `traceparent`
 * (set by the ingress or the caller) is handled inside that trace, so the events it
 * publishes carry it on (messaging's tracing.ts). When a tracing SDK with HTTP
 * instrumentation is registered, it has already made its server span active: that one is
 * kept.
 */
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { ensureTracePropagation, traceIdOf } from '@datarights/messaging';

export function httpTraceContext() {
  ensureTracePropagation();
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (traceIdOf() || !req.headers.traceparent) return next();
    const incoming = propagation.extract(ROOT_CONTEXT, req.headers);
    const sc = trace.getSpanContext(incoming);
    if (!sc || !trace.isSpanContextValid(sc)) return next();
    context.with(incoming, next);
  };
}
