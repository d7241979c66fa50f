/**
 * OpenTelemetry tracing with an OTLP exporter, switched on by the standard variables and
 * off when they are unset (nothing is exported, nothing is paid):
 *
 * - on when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set, or
 *   OTEL_TRACES_EXPORTER=otlp; off when OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none;
 * - OTLP over HTTP (JSON); the exporter itself reads OTEL_EXPORTER_OTLP_* (endpoint,
 *   headers, timeout, certificate); OTEL_SERVICE_NAME names the service (default: its
 *   own name), OTEL_RESOURCE_ATTRIBUTES adds attributes (e.g. deployment.environment);
 *   OTEL_TRACES_SAMPLER(_ARG) choose the sampling (default: parent-based, always on).
 *
 * Registered before the app starts, so messaging's trace propagation (W3C headers on
 * every Kafka message, a CONSUMER span per handled message) and the HTTP SERVER spans
 * (http-trace.ts) record into it: one trace from the HTTP call through every Kafka hop.
 * Spans carry routes, topics and ids, never personal data.
 */
import { Logger } from '@nestjs/common';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

let provider: NodeTracerProvider | undefined;

/** The OTEL_* switches, from the runtime config (runtime.config.ts). */
export type TelemetryEnv = Partial<
  Record<
    | 'OTEL_SDK_DISABLED'
    | 'OTEL_TRACES_EXPORTER'
    | 'OTEL_EXPORTER_OTLP_ENDPOINT'
    | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'
    | 'OTEL_SERVICE_NAME',
    string
  >
>;

/** Whether the OTEL_* variables ask for traces to be exported. */
export function tracingRequested(env: TelemetryEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((s) => s.trim().toLowerCase());
  if (exporters.includes('none')) return false;
  return (
    exporters.includes('otlp') || Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
  );
}

/** Registers the tracer provider once, when asked for; returns whether tracing is on. */
export function startTelemetry(service: string, env: TelemetryEnv): boolean {
  if (provider) return true;
  if (!tracingRequested(env)) return false;
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || service }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // The W3C propagator and an AsyncLocalStorage context manager, as messaging expects.
  provider.register();
  new Logger('Telemetry').log('tracing on: spans exported over OTLP');
  return true;
}

/** Sends what is buffered and stops (at shutdown, and for tests). */
export async function stopTelemetry(): Promise<void> {
  const p = provider;
  provider = undefined;
  await p?.shutdown();
}

export async function flushTelemetry(): Promise<void> {
  await provider?.forceFlush();
}
