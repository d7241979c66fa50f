/**
 * Trace context through Kafka (OpenTelemetry, W3C Trace Context) and the scope of the
 * message being handled, for the logs (issue "Operate it", §3).
 *
 * - The publisher writes the active context into the outbox row's headers (`traceparent`,
 *   `tracestate`); the relay sends them as Kafka headers.
 * - The messaging server extracts them from a consumed message and runs the handler inside
 *   that context (a CONSUMER span when a tracing SDK is registered), so that what the
 *   handler publishes continues the same trace.
 * - The handler also runs inside a message scope (AsyncLocalStorage) holding the
 *   correlation id, event id and trace id: the logger adds them to every line logged while
 *   handling it. Ids only, never the payload (no personal data in logs).
 *
 * No SDK or exporter is needed here: without one, a W3C propagator and an
 * AsyncLocalStorage context manager are installed, so headers still flow from message to
 * message. A service that wants spans exported registers an SDK before it starts (e.g.
 * `node --require ./otel.js main.js`); what it registers is then used as is.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  context,
  createContextKey,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type TextMapGetter,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { IHeaders } from 'kafkajs';

export const TRACE_HEADERS = ['traceparent', 'tracestate'] as const;

let installed = false;

/** Installs the W3C propagator and a context manager unless an SDK registered its own. Idempotent. */
export function ensureTracePropagation(): void {
  if (installed) return;
  installed = true;
  // The API's default propagator is a no-op with no fields.
  if (propagation.fields().length === 0) propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  if (!hasContextManager()) context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

function hasContextManager(): boolean {
  const probe = createContextKey('datarights.context-manager-probe');
  return context.with(ROOT_CONTEXT.setValue(probe, true), () => context.active().getValue(probe) === true);
}

/** The trace headers of a context (the active one by default); empty when there is no valid trace. */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  ensureTracePropagation();
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  const out: Record<string, string> = {};
  for (const h of TRACE_HEADERS) if (typeof carrier[h] === 'string') out[h] = carrier[h];
  return out;
}

const kafkaHeaderGetter: TextMapGetter<IHeaders | undefined> = {
  keys: (carrier) => Object.keys(carrier ?? {}),
  get: (carrier, key) => {
    const v = carrier?.[key];
    if (v === undefined) return undefined;
    return Array.isArray(v) ? v.map((x) => x.toString()) : v.toString();
  },
};

/** The context carried by a Kafka message's headers (ROOT_CONTEXT when there is none). */
export function contextFromHeaders(headers: IHeaders | undefined): Context {
  ensureTracePropagation();
  return propagation.extract(ROOT_CONTEXT, headers, kafkaHeaderGetter);
}

/** The trace id of a context, when it carries a valid one. */
export function traceIdOf(ctx: Context = context.active()): string | undefined {
  const sc = trace.getSpanContext(ctx);
  return sc && trace.isSpanContextValid(sc) ? sc.traceId : undefined;
}

/** What the logs say about the message being handled: ids only. */
export interface MessageScope {
  topic: string;
  partition: number;
  offset: string;
  eventId?: string;
  eventType?: string;
  correlationId?: string;
  traceId?: string;
}

const scope = new AsyncLocalStorage<MessageScope>();

export function currentMessageScope(): MessageScope | undefined {
  return scope.getStore();
}

// Correlation ids come from other systems too: only id-shaped values reach the logs.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fields for the logger's mixin while a message is handled (empty otherwise). */
export function messageLogFields(): Record<string, string> {
  const s = scope.getStore();
  if (!s) return {};
  const out: Record<string, string> = {};
  if (s.correlationId && SAFE_ID.test(s.correlationId)) out.correlationId = s.correlationId;
  if (s.eventId && SAFE_ID.test(s.eventId)) out.eventId = s.eventId;
  if (s.traceId) out.traceId = s.traceId;
  return out;
}

const tracer = trace.getTracer('@datarights/messaging');

/**
 * Runs `fn` as the handling of one consumed message: inside the trace context its headers
 * carry (a CONSUMER span, when an SDK records spans) and inside its message scope.
 */
export function withConsumedMessage<T>(
  headers: IHeaders | undefined,
  info: Omit<MessageScope, 'traceId'>,
  fn: () => Promise<T>,
): Promise<T> {
  const parent = contextFromHeaders(headers);
  const attributes = {
    'messaging.system': 'kafka',
    'messaging.operation': 'process',
    'messaging.destination.name': info.topic,
    'messaging.kafka.destination.partition': info.partition,
    'messaging.kafka.message.offset': Number(info.offset),
    ...(info.eventId ? { 'messaging.message.id': info.eventId } : {}),
    ...(info.eventType ? { 'cloudevents.event_type': info.eventType } : {}),
  };
  return tracer.startActiveSpan(
    `${info.topic} process`,
    { kind: SpanKind.CONSUMER, attributes },
    parent,
    async (span) => {
      try {
        return await scope.run({ ...info, traceId: traceIdOf() }, fn);
      } catch (err) {
        // The error's class only: messages may quote data, and spans leave the cluster.
        span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'error' });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}
