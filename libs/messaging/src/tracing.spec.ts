/**
 * Trace context through Kafka headers: what the publisher writes, the consumer reads back
 * with the same trace id, and the message scope gives the logs its ids (and nothing else).
 */
import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { contextFromHeaders, messageLogFields, traceHeaders, traceIdOf, withConsumedMessage } from './tracing';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const traced = () =>
  trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    traceFlags: TraceFlags.SAMPLED,
    isRemote: false,
  });

describe('trace context through Kafka headers (W3C)', () => {
  it('injects a traceparent that extracts to the same trace id', () => {
    const headers = traceHeaders(traced());
    expect(headers.traceparent).toBe(`00-${TRACE_ID}-${SPAN_ID}-01`);
    // As kafkajs delivers them: Buffers.
    const extracted = contextFromHeaders(
      Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
    );
    expect(traceIdOf(extracted)).toBe(TRACE_ID);
  });

  it('writes no header without a trace, and ignores a malformed one', () => {
    expect(traceHeaders(ROOT_CONTEXT)).toEqual({});
    expect(traceIdOf(contextFromHeaders({ traceparent: Buffer.from('00-not-a-trace-01') }))).toBeUndefined();
    expect(traceIdOf(contextFromHeaders(undefined))).toBeUndefined();
  });

  it("runs a handler inside the consumed message's context: what it publishes continues the trace", async () => {
    const incoming = {
      traceparent: Buffer.from(`00-${TRACE_ID}-${SPAN_ID}-01`),
      'content-type': Buffer.from('application/cloudevents+json'),
    };
    const seen = await withConsumedMessage(
      incoming,
      { topic: 'dsr.requests.v1', partition: 0, offset: '7', eventId: 'evt-1', correlationId: 'req-1' },
      async () => {
        await new Promise((r) => setTimeout(r, 5)); // across an await, as a real handler
        return { headers: traceHeaders(), fields: messageLogFields() };
      },
    );
    expect(seen.headers.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
    expect(seen.fields).toEqual({ correlationId: 'req-1', eventId: 'evt-1', traceId: TRACE_ID });
    // Outside the handler: nothing.
    expect(messageLogFields()).toEqual({});
    expect(traceHeaders()).toEqual({});
    expect(traceIdOf(context.active())).toBeUndefined();
  });

  it('keeps values that are not id-shaped out of the logs', async () => {
    const fields = await withConsumedMessage(
      undefined,
      { topic: 't', partition: 0, offset: '1', eventId: 'evt-2', correlationId: 'jane.doe@example.com sent this' },
      async () => messageLogFields(),
    );
    expect(fields).toEqual({ eventId: 'evt-2' });
  });
});
