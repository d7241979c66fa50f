/**
 * Tracing is off unless the OTEL_* variables ask for it; when on, HTTP requests become
 * SERVER spans named by route, exported over OTLP/HTTP to the configured endpoint, and
 * the events they publish carry the span's trace; HTTP latency and errors are counted per
 * route template.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { register } from 'prom-client';
import { httpMetricsMiddleware } from './http-metrics';
import { httpTraceContext } from './http-trace';
import { tracingRequested } from './telemetry';

/** A stand-in OTLP collector on this machine: keeps every JSON export it is sent. */
const PORT = 4491;
const received: Array<{ resourceSpans: any[] }> = [];
let collector: Server;

beforeAll(async () => {
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url === '/v1/traces') received.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => collector.listen(PORT, '127.0.0.1', r));
});

afterAll(async () => {
  await new Promise((r) => collector.close(r));
});

describe('tracingRequested', () => {
  it('is off without the OTEL_* variables, and when disabled', () => {
    expect(tracingRequested({})).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' })).toBe(
      false,
    );
  });

  it('is on with an OTLP endpoint or OTEL_TRACES_EXPORTER=otlp', () => {
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' })).toBe(true);
    expect(tracingRequested({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
  });
});

describe('with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  it('exports a SERVER span per request, named by route, whose trace the published events carry', async () => {
    const caller = '4bf92f3577b34da6a3ce929d0e0e4736';
    // Asynchronously: the collector answers from this process's event loop.
    const run = await promisify(execFile)(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        join(__dirname, '../test/telemetry-fixture.ts'),
      ],
      {
        cwd: join(__dirname, '../../..'),
        encoding: 'utf8',
        timeout: 60_000,
        env: {
          ...process.env,
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${PORT}`,
          OTEL_SERVICE_NAME: 'svc-under-test',
          CALLER_TRACEPARENT: `00-${caller}-00f067aa0ba902b7-01`,
          TS_NODE_PROJECT: 'tsconfig.json',
        },
      },
    );
    expect(run.stderr).not.toMatch(/Error/);
    const out = JSON.parse(run.stdout.slice(run.stdout.indexOf('{"on"')));
    expect(out.on).toBe(true);
    expect(out.published.traceparent).toMatch(new RegExp(`^00-${caller}-[0-9a-f]{16}-01$`));

    const spans = received.flatMap((r) =>
      r.resourceSpans.flatMap((rs) =>
        rs.scopeSpans.flatMap((ss: any) =>
          ss.spans.map((s: any) => ({
            service: rs.resource.attributes.find((a: any) => a.key === 'service.name')?.value.stringValue,
            ...s,
          })),
        ),
      ),
    );
    const thing = spans.find((s) => s.name === 'GET /things/:id');
    expect(thing).toMatchObject({ service: 'svc-under-test', kind: 2, traceId: caller });
    // The events the handler publishes are children of this very span.
    expect(out.published.traceparent).toContain(`-${thing.spanId}-`);
    expect(spans.find((s) => s.name === 'GET /boom')?.status?.code).toBe(2);
  }, 120_000);
});

describe('HTTP metrics', () => {
  it('counts latency and status per route template, never per path', async () => {
    const app = express();
    app.use(httpMetricsMiddleware());
    app.use(httpTraceContext());
    app.get('/things/:id', (_req, res) => res.json({}));
    app.get('/boom', (_req, res) => res.status(503).end());
    await request(app).get('/things/abc');
    await request(app).get('/boom');
    await request(app).get('/nowhere/at/all');
    const metrics = await register.metrics();
    expect(metrics).toMatch(/http_requests_total\{method="GET",route="\/things\/:id",status_code="200"[^}]*\} 1/);
    expect(metrics).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/boom",status_code="503"[^}]*\} 1/,
    );
    expect(metrics).toMatch(/http_requests_total\{method="GET",route="unmatched",status_code="404"[^}]*\} 1/);
    expect(metrics).not.toContain('/things/abc');
    expect(metrics).not.toContain('/nowhere');
  });
});
