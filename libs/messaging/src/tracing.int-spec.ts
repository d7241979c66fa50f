/**
 * Trace context and consumer lag against real Kafka and PostgreSQL: a message that arrives
 * with a `traceparent` is handled inside that trace, and what the handler publishes
 * (outbox row, then Kafka headers) carries the same trace id; the consumer lag gauge
 * reads the group's position from the broker.
 */
import { Controller, Module, type INestApplication } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import { TOPICS, type RequestClosed } from '@datarights/contracts';
import { ServiceKitModule } from '@datarights/service-kit';
import {
  cleanup,
  isolate,
  RawKafka,
  startTestService,
  waitFor,
  type Isolation,
  type Received,
} from '@datarights/testing';
import { ConsumerLagMonitor } from './consumer-lag.monitor';
import { OnEvent } from './handler.decorators';
import { KAFKA } from './messaging.options';
import { MessageContext } from './message.context';
import { currentMessageScope } from './tracing';
import type { Kafka } from 'kafkajs';

const scopes = new Map<string, ReturnType<typeof currentMessageScope>>();

@Controller()
class TracedHandlers {
  @OnEvent('requestClosed')
  async onClosed(@Payload() data: RequestClosed, @Ctx() ctx: MessageContext): Promise<void> {
    scopes.set(data.requestId, currentMessageScope());
    await ctx.publish('actionCloseRequested', {
      requestId: data.requestId,
      commandId: randomUUID(),
      reason: 'traced',
      closedBy: 'tracing-test',
    });
  }
}

@Module({
  imports: [
    ServiceKitModule.forRoot({ service: 'tracing-test', schema: 'tracing_test', entities: [], migrations: [] }),
  ],
  controllers: [TracedHandlers],
})
class TracingModule {}

function closed(requestId = randomUUID()): RequestClosed {
  const now = new Date().toISOString();
  return { requestId, type: 'erasure', outcome: 'completed', closedAt: now, dueAt: now, receivedAt: now };
}

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

describe('trace context through Kafka (real Kafka and PostgreSQL)', () => {
  let iso: Isolation;
  let app: INestApplication;
  let raw: RawKafka;
  let requests: Received[];

  beforeAll(async () => {
    iso = isolate('tracing-test');
    app = await startTestService(TracingModule, 'tracing-test', 'tracing_test');
    raw = new RawKafka(iso.topicPrefix);
    requests = await raw.collect([TOPICS.requests.name]);
  });

  afterAll(async () => {
    await raw?.close();
    await app?.close();
    if (iso) await cleanup(iso);
  });

  it('continues the trace of a consumed message in the events its handler publishes', async () => {
    const data = closed();
    await raw.send(
      TOPICS.requests.name,
      data.requestId,
      {
        specversion: '1.0',
        id: randomUUID(),
        source: 'request-intake',
        type: 'dsr.request.closed.v1',
        time: data.closedAt,
        datacontenttype: 'application/json',
        correlationid: data.requestId,
        data,
      },
      {
        'content-type': 'application/cloudevents+json',
        traceparent: `00-${TRACE_ID}-b7ad6b7169203331-01`,
        tracestate: 'vendor=abc',
      },
    );
    const published = await raw.waitForMessage(
      requests,
      (r) =>
        r.envelope?.type === 'dsr.action.close-requested.v1' &&
        (r.envelope.data as { requestId: string }).requestId === data.requestId,
      'the event published by the handler',
    );
    expect(published.headers.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
    expect(published.headers.tracestate).toBe('vendor=abc');
    expect(published.envelope?.correlationid).toBe(data.requestId);
    // The outbox row kept them too (what the relay sent).
    const [row] = await app
      .get(DataSource)
      .query(`SELECT headers FROM outbox WHERE envelope->'data'->>'requestId' = $1`, [data.requestId]);
    expect(row.headers.traceparent).toContain(TRACE_ID);
    // The handler ran in the message's scope: what the logs add to its lines.
    expect(scopes.get(data.requestId)).toMatchObject({
      correlationId: data.requestId,
      traceId: TRACE_ID,
      eventType: 'dsr.request.closed.v1',
    });
  });

  it('publishes without trace headers when the consumed message had none', async () => {
    const data = closed();
    await raw.sendEvent(TOPICS.requests.name, data.requestId, 'dsr.request.closed.v1', data, {
      correlationid: data.requestId,
    });
    const published = await raw.waitForMessage(
      requests,
      (r) =>
        r.envelope?.type === 'dsr.action.close-requested.v1' &&
        (r.envelope.data as { requestId: string }).requestId === data.requestId,
      'the event published by the handler',
    );
    expect(published.headers.traceparent).toBeUndefined();
    expect(scopes.get(data.requestId)?.traceId).toBeUndefined();
  });

  it('measures consumer lag from the broker: zero for the caught-up service, the backlog for a group that never read', async () => {
    const kafka = app.get<Kafka>(KAFKA);
    const topic = `${iso.topicPrefix}${TOPICS.requests.name}`;
    const gaugeFor = async (group: string) => {
      const values = (await register.getSingleMetric('messaging_consumer_lag')!.get()).values.filter(
        (v) => v.labels.group === group,
      );
      return values.reduce((n, v) => n + v.value, 0);
    };
    const service = new ConsumerLagMonitor(
      kafka,
      iso.groupId,
      async () => [topic],
      (t) => t.slice(iso.topicPrefix.length),
    );
    const idle = new ConsumerLagMonitor(
      kafka,
      `${iso.groupId}.never-read`,
      async () => [topic],
      (t) => t.slice(iso.topicPrefix.length),
    );
    try {
      await waitFor(async () => {
        await service.refresh();
        return (await gaugeFor(iso.groupId)) === 0;
      }, "the service's lag to reach 0");
      await idle.refresh();
      // Every message on the topic so far: the two sent and the two the handler published.
      expect(await gaugeFor(`${iso.groupId}.never-read`)).toBeGreaterThanOrEqual(4);
    } finally {
      await service.stop();
      await idle.stop();
    }
  });
});
