/**
 * Trace context from HTTP into Kafka: a request that arrives with a W3C `traceparent`
 * (set by the ingress or the caller) is handled inside that trace, so the events it
 * publishes carry it on (messaging's tracing.ts). When a tracing SDK with HTTP
 * instrumentation is registered, it has already made its server span active: that one is
 * kept.
 */
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { ensureTracePropagation, traceIdOf } from '@datarights/messaging';
import { routeOf } from './http-metrics';

/**
 * With tracing on (telemetry.ts), each request is a SERVER span named after its route
 * template (`POST /v1/requests`), child of an incoming `traceparent`; the events it
 * publishes continue its trace. Status 5xx marks the span as an error.
 */
export function httpTraceContext(options: { spans?: boolean } = {}) {
  ensureTracePropagation();
  if (options.spans) {
    const tracer = trace.getTracer('datarights-http');
    return (req: Request, res: Response, next: NextFunction): void => {
      const parent = propagation.extract(ROOT_CONTEXT, req.headers);
      const span = tracer.startSpan(
        req.method,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } },
        parent,
      );
      res.once('finish', () => {
        const route = routeOf(req);
        span.updateName(`${req.method} ${route}`);
        span.setAttribute('http.route', route);
        span.setAttribute('http.response.status_code', res.statusCode);
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      });
      context.with(trace.setSpan(parent, span), next);
    };
  }
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (traceIdOf() || !req.headers.traceparent) return next();
    const incoming = propagation.extract(ROOT_CONTEXT, req.headers);
    const sc = trace.getSpanContext(incoming);
    if (!sc || !trace.isSpanContextValid(sc)) return next();
    context.with(incoming, next);
  };
}
