/**
 * HTTP latency and errors per route, for Prometheus: `http_request_duration_seconds`
 * (histogram) and `http_requests_total` by method, route and status code. The route is
 * Express's template (`/v1/requests/:id`), never the path itself (ids, and sometimes
 * personal data, would make one series per request); a path no route matched counts as
 * `unmatched`. /metrics and the health probes are left out.
 */
import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, register } from 'prom-client';

const LABELS = ['method', 'route', 'status_code'];

export const httpMetrics = {
  duration:
    (register.getSingleMetric('http_request_duration_seconds') as Histogram | undefined) ??
    new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route',
      labelNames: LABELS,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
  requests:
    (register.getSingleMetric('http_requests_total') as Counter | undefined) ??
    new Counter({ name: 'http_requests_total', help: 'HTTP requests by route and status code', labelNames: LABELS }),
};

const SKIPPED = /^\/(metrics|health\/(live|ready))\/?$/;

/** The route template Express matched, with its router's mount path. */
export function routeOf(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof route !== 'string') return 'unmatched';
  return `${req.baseUrl ?? ''}${route}` || '/';
}

export function httpMetricsMiddleware() {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (SKIPPED.test(req.path)) return next();
    const end = httpMetrics.duration.startTimer();
    res.once('finish', () => {
      const labels = { method: req.method, route: routeOf(req), status_code: String(res.statusCode) };
      end(labels);
      httpMetrics.requests.inc(labels);
    });
    next();
  };
}
