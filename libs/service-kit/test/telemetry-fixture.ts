/**
 * Run by telemetry.spec.ts in its own Node process (the OTLP exporter loads its transport
 * with a dynamic import, which jest's module runtime cannot run): an HTTP app with tracing
 * switched on by the OTEL_* variables it is given, two requests, a flush, and it prints
 * what the first request's handler would publish.
 */
import express from 'express';
import request from 'supertest';
import { traceHeaders } from '@datarights/messaging';
import { httpMetricsMiddleware } from '../src/http-metrics';
import { httpTraceContext } from '../src/http-trace';
import { startTelemetry, stopTelemetry } from '../src/telemetry';

async function main(): Promise<void> {
  const on = startTelemetry('svc-under-test', process.env);
  const app = express();
  app.use(httpMetricsMiddleware());
  app.use(httpTraceContext({ spans: on }));
  app.get('/things/:id', (_req, res) => res.json(traceHeaders()));
  app.get('/boom', (_req, res) => res.status(503).end());
  const res = await request(app).get('/things/abc').set('traceparent', process.env.CALLER_TRACEPARENT!);
  await request(app).get('/boom');
  await stopTelemetry();
  process.stdout.write(JSON.stringify({ on, published: res.body }));
}

void main();
