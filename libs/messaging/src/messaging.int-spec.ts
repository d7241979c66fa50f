/**
 * The messaging guarantees, against real Kafka and PostgreSQL: outbox atomicity, effect
 * once despite a relay dying between send and mark, inbox deduplication, dead letters
 * that never block a partition, bounded retries, and the documented envelope written by
 * a plain kafkajs producer, and messages set aside until an event of another topic is read.
 */
import { Controller, Module } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DataSource } from 'typeorm';
import { register, type Counter } from 'prom-client';
import { createEnvelope, systemTopic, TOPICS, type CommandCompleted, type RequestClosed } from '@datarights/contracts';
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
import { EventPublisher } from './event.publisher';
import { AwaitingEvent } from './handler.errors';
import { MessagingServer } from './messaging.server';
import { OnEvent } from './handler.decorators';
import { MessageContext } from './message.context';
import { OutboxRelay } from './outbox.relay';

/** requestId → how many more times the handler fails for it (Infinity: always). */
const failures = new Map<string, number>();
const attempts = new Map<string, number>();
/** requestId → how many more times the handler meets an unreachable database. */
const outages = new Map<string, number>();
/** requestId → the request whose reply (on a system's replies topic) it waits for. */
const awaits = new Map<string, string>();

class EffectsTable1700000000001 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE effects (event_id text NOT NULL, request_id uuid NOT NULL)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE effects`);
  }
}

@Controller()
class TestHandlers {
  /** Subscribes the service to the replies topic, the one every company system may write. */
  @OnEvent('commandCompleted')
  async onCompleted(@Payload() data: CommandCompleted, @Ctx() ctx: MessageContext): Promise<void> {
    await ctx.manager.query(`INSERT INTO effects (event_id, request_id) VALUES ($1, $2)`, [
      ctx.envelope.id,
      data.requestId,
    ]);
  }

  @OnEvent('requestClosed')
  async onClosed(@Payload() data: RequestClosed, @Ctx() ctx: MessageContext): Promise<void> {
    attempts.set(data.requestId, (attempts.get(data.requestId) ?? 0) + 1);
    const other = awaits.get(data.requestId);
    if (other) {
      const [{ n }] = await ctx.manager.query(`SELECT count(*)::int AS n FROM effects WHERE request_id = $1`, [other]);
      if (n === 0) throw new AwaitingEvent(`the reply for ${other} is not here`, { topic: TOPICS.replies.name });
    }
    const left = failures.get(data.requestId) ?? 0;
    await ctx.manager.query(`INSERT INTO effects (event_id, request_id) VALUES ($1, $2)`, [
      ctx.envelope.id,
      data.requestId,
    ]);
    if (left > 0) {
      failures.set(data.requestId, left - 1);
      // Thrown after the write: the rollback must undo it.
      throw new Error('transient failure');
    }
    const down = outages.get(data.requestId) ?? 0;
    if (down > 0) {
      outages.set(data.requestId, down - 1);
      // What pg throws while PostgreSQL is unreachable.
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    }
  }
}

@Module({
  imports: [
    ServiceKitModule.forRoot({
      // Plays request-intake: the registry's producer of the events it publishes here.
      service: 'request-intake',
      schema: 'messaging_test',
      entities: [],
      migrations: [EffectsTable1700000000001],
      // The first look at a message set aside comes after 3 s (50 ms in a service), leaving
      // the test time to send the awaited event after it was set aside: a look that finds
      // the awaited topic read as far as it stood, without the event, dead-letters it.
      awaiting: { awaitFirstLookMs: 3000, awaitPollMs: 3000 },
    }),
  ],
  controllers: [TestHandlers],
})
class TestModule {}

function closed(requestId = randomUUID()): RequestClosed {
  const now = new Date().toISOString();
  return {
    requestId,
    type: 'erasure',
    outcome: 'completed',
    closedAt: now,
    dueAt: now,
    receivedAt: now,
  } as RequestClosed;
}

describe('messaging (real Kafka and PostgreSQL)', () => {
  let iso: Isolation;
  let app: INestApplication;
  let ds: DataSource;
  let publisher: EventPublisher;
  let relay: OutboxRelay;
  let raw: RawKafka;
  let onTopic: Received[];
  let dlq: Received[];

  const effects = async (requestId: string) =>
    (await ds.query(`SELECT count(*)::int AS n FROM effects WHERE request_id = $1`, [requestId]))[0].n as number;

  beforeAll(async () => {
    iso = isolate('messaging-test');
    app = await startTestService(TestModule, 'request-intake', 'messaging_test', { OUTBOX_RELAY: 'off' });
    ds = app.get(DataSource);
    publisher = app.get(EventPublisher);
    relay = app.get(OutboxRelay);
    raw = new RawKafka(iso.topicPrefix);
    onTopic = await raw.collect([TOPICS.requests.name]);
    dlq = await raw.collect([`${TOPICS.requests.name}.dlq`, `${TOPICS.replies.name}.dlq`]);
  });

  afterAll(async () => {
    await raw?.close();
    await app?.close();
    if (iso) await cleanup(iso);
  });

  it('never sends an event whose transaction rolled back, and sends one that committed', async () => {
    const rolledBack = closed();
    await expect(
      ds.transaction(async (m) => {
        await publisher.publish(m, 'requestClosed', rolledBack, { correlationId: rolledBack.requestId });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    const committed = closed();
    await ds.transaction((m) =>
      publisher.publish(m, 'requestClosed', committed, { correlationId: committed.requestId }),
    );

    await relay.connect();
    expect(await relay.drainOnce()).toBe(1);
    const got = await raw.waitForMessage(
      onTopic,
      (r) => r.envelope?.correlationid === committed.requestId,
      'the committed event',
    );
    expect(got.key).toBe(committed.requestId);
    expect(got.headers['content-type']).toBe('application/cloudevents+json');
    expect(got.envelope).toMatchObject({
      specversion: '1.0',
      type: 'dsr.request.closed.v1',
      source: 'request-intake',
      data: committed,
    });
    expect(
      await ds.query(`SELECT 1 FROM outbox WHERE (envelope->'data'->>'requestId') = $1`, [rolledBack.requestId]),
    ).toHaveLength(0);
    expect(onTopic.some((r) => r.envelope?.correlationid === rolledBack.requestId)).toBe(false);
  });

  it('has its effect once when the relay dies after sending and before marking sent', async () => {
    const event = closed();
    await ds.transaction((m) => publisher.publish(m, 'requestClosed', event));
    await expect(
      relay.drainOnce({
        afterSend: async () => {
          throw new Error('relay killed');
        },
      }),
    ).rejects.toThrow('relay killed');
    expect(await ds.query(`SELECT 1 FROM outbox WHERE sent_at IS NULL`)).toHaveLength(1);
    await relay.drainOnce();
    expect(await ds.query(`SELECT 1 FROM outbox WHERE sent_at IS NULL`)).toHaveLength(0);

    await relay.start();
    await waitFor(
      async () =>
        onTopic.filter((r) => r.envelope?.data && (r.envelope.data as RequestClosed).requestId === event.requestId)
          .length === 2,
      'the event sent twice',
    );
    await waitFor(async () => (await effects(event.requestId)) === 1, 'the effect');
    // Give a second handling every chance to show up before asserting it did not.
    await waitFor(
      async () =>
        (
          await ds.query(
            `SELECT 1 FROM inbox WHERE event_id = (SELECT id::text FROM outbox WHERE envelope->'data'->>'requestId' = $1)`,
            [event.requestId],
          )
        ).length === 1,
      'the inbox row',
    );
    expect(await effects(event.requestId)).toBe(1);
  });

  it('handles a duplicate delivery once', async () => {
    const data = closed();
    const envelope = await raw.sendEvent(TOPICS.requests.name, data.requestId, 'dsr.request.closed.v1', data);
    await raw.send(TOPICS.requests.name, data.requestId, envelope);
    const marker = closed();
    await raw.sendEvent(TOPICS.requests.name, data.requestId, 'dsr.request.closed.v1', marker);
    // Same key, same partition: once the marker is handled, both copies have been seen.
    await waitFor(async () => (await effects(marker.requestId)) === 1, 'the marker after the duplicates');
    expect(await effects(data.requestId)).toBe(1);
  });

  it('dead-letters an invalid message with its reason and goes on with the partition', async () => {
    const key = randomUUID();
    await raw.send(TOPICS.requests.name, key, '{"not": "an event"');
    const bad = closed();
    await raw.sendEvent(TOPICS.requests.name, key, 'dsr.request.closed.v1', { ...bad, outcome: 'maybe' });
    const next = closed();
    await raw.sendEvent(TOPICS.requests.name, key, 'dsr.request.closed.v1', next);

    await waitFor(async () => (await effects(next.requestId)) === 1, 'the valid message after the invalid ones');
    const notJson = await raw.waitForMessage(
      dlq,
      (r) => r.key === key && r.headers['x-dlq-reason']?.startsWith('invalid-envelope'),
      'the non-JSON message in the DLQ',
    );
    expect(notJson.headers['x-dlq-reason']).toContain('not JSON');
    expect(notJson.headers['x-dlq-original-topic']).toBe(`${iso.topicPrefix}${TOPICS.requests.name}`);
    const invalid = await raw.waitForMessage(
      dlq,
      (r) => r.key === key && r.headers['x-dlq-reason']?.startsWith('invalid-payload'),
      'the invalid payload in the DLQ',
    );
    expect(invalid.headers['x-dlq-reason']).toContain('outcome');
    expect(await effects(bad.requestId)).toBe(0);
  });

  it('retries a transient failure until it succeeds, and dead-letters one that always fails after the configured tries', async () => {
    const transient = closed();
    failures.set(transient.requestId, 2);
    await raw.sendEvent(TOPICS.requests.name, transient.requestId, 'dsr.request.closed.v1', transient);
    const always = closed();
    failures.set(always.requestId, Number.POSITIVE_INFINITY);
    await raw.sendEvent(TOPICS.requests.name, always.requestId, 'dsr.request.closed.v1', always);

    await waitFor(async () => (await effects(transient.requestId)) === 1, 'the transient failure to succeed');
    expect(attempts.get(transient.requestId)).toBe(3);
    const dead = await raw.waitForMessage(
      dlq,
      (r) => (r.envelope?.data as RequestClosed | undefined)?.requestId === always.requestId,
      'the failing message in the DLQ',
      30_000,
    );
    expect(dead.headers['x-dlq-reason']).toMatch(/^handler-failed: failed after 5 attempts: transient failure/);
    expect(attempts.get(always.requestId)).toBe(5);
    expect(await effects(always.requestId)).toBe(0);
  });

  it('retries an unreachable database beyond the attempts budget and never dead-letters it: the outage only delays', async () => {
    const during = closed();
    outages.set(during.requestId, 7);
    const counterValue = async (name: string) =>
      (await (register.getSingleMetric(name) as Counter).get()).values.find(
        (v) => v.labels.topic === TOPICS.requests.name,
      )?.value ?? 0;
    const retriedBefore = await counterValue('messaging_handler_transient_failures_total');
    await raw.sendEvent(TOPICS.requests.name, during.requestId, 'dsr.request.closed.v1', during);

    await waitFor(
      async () => (await effects(during.requestId)) === 1,
      'the event handled once the outage ends',
      60_000,
    );
    expect(attempts.get(during.requestId)).toBe(8); // 7 failures, more than the 5 attempts of a failing handler
    expect(dlq.some((r) => (r.envelope?.data as RequestClosed | undefined)?.requestId === during.requestId)).toBe(
      false,
    );
    expect(await counterValue('messaging_handler_transient_failures_total')).toBe(retriedBefore + 7);
  });

  it('handles the events of one batch in one transaction, and one that fails alone: the others once, in order, it dead-lettered', async () => {
    const key = randomUUID();
    const [first, failing, last] = [closed(), closed(), closed()];
    failures.set(failing.requestId, Infinity);
    const sent = await raw.sendEvents(
      TOPICS.requests.name,
      key,
      [first, failing, last].map((data) => ({ type: 'dsr.request.closed.v1', data })),
    );
    await waitFor(async () => (await effects(last.requestId)) === 1, 'the event after the failing one');
    expect(await effects(first.requestId)).toBe(1);
    // Its write was rolled back with its savepoint, every time it was tried.
    expect(await effects(failing.requestId)).toBe(0);
    const dead = await raw.waitForMessage(dlq, (m) => m.value?.includes(failing.requestId) ?? false, 'the dead letter');
    // Its try in the shared transaction counts: 5 attempts in all, as alone.
    expect(dead.headers['x-dlq-reason']).toMatch(/^handler-failed: failed after 5 attempts/);
    expect(attempts.get(failing.requestId)).toBe(5);
    // The inbox times each hop: received from Kafka, then handled (bench/erasure/hops.ts).
    const rows: { received_at: Date; handled_at: Date }[] = await ds.query(
      `SELECT received_at, handled_at FROM inbox WHERE event_id = ANY($1) AND status = 'handled'`,
      [[sent[0].id, sent[2].id]],
    );
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r.received_at.getTime()).toBeLessThanOrEqual(r.handled_at.getTime());
  });

  it('consumes an event written by a plain kafkajs producer in the documented envelope', async () => {
    const requestId = randomUUID();
    const now = '2026-11-28T10:00:00Z';
    // Hand-written JSON, as a system in another language would produce it; unknown attributes are ignored.
    const value = `{"specversion":"1.0","id":"${randomUUID()}","source":"request-intake","type":"dsr.request.closed.v1","time":"${now}","datacontenttype":"application/json","correlationid":"${requestId}","somethingelse":42,"data":{"requestId":"${requestId}","type":"erasure","outcome":"completed","closedAt":"${now}","dueAt":"${now}","receivedAt":"${now}"}}`;
    await raw.send(TOPICS.requests.name, requestId, value);
    await waitFor(async () => (await effects(requestId)) === 1, "the plain producer's event to be handled");
  });

  it('refuses an event on a topic that is not its own, or from a source that may not produce it', async () => {
    const rejected = () => register.getSingleMetric('dsr_events_rejected_total') as Counter;
    const count = async (reason: string, topic: string) =>
      (await rejected().get()).values.find((v) => v.labels.reason === reason && v.labels.topic === topic)?.value ?? 0;
    const crmReplies = systemTopic(TOPICS.replies, 'crm');
    const wrongTopicBefore = await count('wrong-topic', crmReplies);
    const wrongProducerBefore = await count('wrong-producer', TOPICS.requests.name);

    // An internal decision, written on the topic every company system may write.
    const onReplies = closed();
    await raw.sendEvent(crmReplies, onReplies.requestId, 'dsr.request.closed.v1', onReplies);
    // The right topic, but not from request-intake.
    const forged = closed();
    await raw.sendEvent(TOPICS.requests.name, forged.requestId, 'dsr.request.closed.v1', forged, { source: 'crm' });
    const next = closed();
    await raw.sendEvent(TOPICS.requests.name, forged.requestId, 'dsr.request.closed.v1', next);

    const wrongTopic = await raw.waitForMessage(
      dlq,
      (r) => (r.envelope?.data as RequestClosed | undefined)?.requestId === onReplies.requestId,
      'the event on the wrong topic in the DLQ',
    );
    expect(wrongTopic.topic).toBe(`${TOPICS.replies.name}.dlq`);
    expect(wrongTopic.headers['x-dlq-reason']).toBe(
      'wrong-topic: dsr.request.closed.v1 is only accepted on dsr.requests.v1, it arrived on pdata.replies.crm.v1',
    );
    const wrongProducer = await raw.waitForMessage(
      dlq,
      (r) => (r.envelope?.data as RequestClosed | undefined)?.requestId === forged.requestId,
      'the forged event in the DLQ',
    );
    expect(wrongProducer.headers['x-dlq-reason']).toBe(
      'wrong-producer: dsr.request.closed.v1 may only come from request-intake; source "crm" may not produce it',
    );
    await waitFor(async () => (await effects(next.requestId)) === 1, 'the genuine event after the forged one');
    expect(await effects(onReplies.requestId)).toBe(0);
    expect(await effects(forged.requestId)).toBe(0);
    expect(await count('wrong-topic', crmReplies)).toBe(wrongTopicBefore + 1);
    expect(await count('wrong-producer', TOPICS.requests.name)).toBe(wrongProducerBefore + 1);
  });

  it("reads a system's topic created after start-up, and refuses there what speaks for another system", async () => {
    // A new system, after the service started: its replies topic did not exist then.
    const systemId = `late-${randomUUID().slice(0, 8)}`;
    const reply = (requestId: string, system: string): CommandCompleted =>
      ({
        commandId: randomUUID(),
        requestId,
        systemId: system,
        outcome: 'done',
        affectedRecords: 1,
      }) as CommandCompleted;
    const own = reply(randomUUID(), systemId);
    await raw.sendEvent(systemTopic(TOPICS.replies, systemId), own.requestId, 'pdata.command.completed.v1', own);
    await waitFor(
      async () => (await effects(own.requestId)) === 1,
      "the new system's reply, without a restart",
      60_000,
    );

    // On its own topic, a reply naming another system; and one signed as another system.
    const namesOther = reply(randomUUID(), 'crm');
    await raw.send(systemTopic(TOPICS.replies, systemId), namesOther.requestId, {
      ...createEnvelope({ type: 'pdata.command.completed.v1', source: systemId, data: namesOther }),
    });
    const signedOther = reply(randomUUID(), systemId);
    await raw.sendEvent(
      systemTopic(TOPICS.replies, systemId),
      signedOther.requestId,
      'pdata.command.completed.v1',
      signedOther,
      {
        source: 'crm',
      },
    );
    const named = await raw.waitForMessage(
      dlq,
      (r) => (r.envelope?.data as CommandCompleted | undefined)?.requestId === namesOther.requestId,
      'the reply naming another system in the DLQ',
    );
    expect(named.actualTopic).toBe(`pdata.replies.${systemId}.v1.dlq`);
    expect(named.headers['x-dlq-reason']).toBe(
      `wrong-system: pdata.replies.${systemId}.v1 is ${systemId}'s topic; the event speaks for "crm"`,
    );
    const signed = await raw.waitForMessage(
      dlq,
      (r) => (r.envelope?.data as CommandCompleted | undefined)?.requestId === signedOther.requestId,
      'the reply signed as another system in the DLQ',
    );
    expect(signed.headers['x-dlq-reason']).toBe(
      `wrong-system: pdata.replies.${systemId}.v1 is ${systemId}'s topic; source "crm" may not write on it`,
    );
    expect(await effects(namesOther.requestId)).toBe(0);
    expect(await effects(signedOther.requestId)).toBe(0);
  });

  describe('a handler waiting for an event of another topic', () => {
    const reply = (requestId: string, systemId: string): CommandCompleted =>
      ({ commandId: randomUUID(), requestId, systemId, outcome: 'done', affectedRecords: 1 }) as CommandCompleted;
    const aside = async (requestId: string) =>
      (
        await ds.query(
          `SELECT count(*)::int AS n FROM awaiting_messages WHERE convert_from(kafka_value, 'UTF8')::jsonb->'data'->>'requestId' = $1`,
          [requestId],
        )
      )[0].n as number;

    it('sets the message aside without holding its partition, and handles it once the awaited event is read', async () => {
      const systemId = `awaited-${randomUUID().slice(0, 8)}`;
      const first = reply(randomUUID(), systemId);
      // The system's replies topic exists and is read before the test starts.
      await raw.sendEvent(systemTopic(TOPICS.replies, systemId), first.requestId, 'pdata.command.completed.v1', first);
      await waitFor(async () => (await effects(first.requestId)) === 1, 'the system topic read', 60_000);

      const waiting = closed();
      const awaited = reply(randomUUID(), systemId);
      awaits.set(waiting.requestId, awaited.requestId);
      await raw.sendEvent(TOPICS.requests.name, waiting.requestId, 'dsr.request.closed.v1', waiting);
      // Same key, after it: handled although the first one waits (the partition is not held).
      const behind = closed();
      await raw.sendEvent(TOPICS.requests.name, waiting.requestId, 'dsr.request.closed.v1', behind);
      await waitFor(async () => (await effects(behind.requestId)) === 1, 'the next message on the same key');
      expect(await aside(waiting.requestId)).toBe(1);
      expect(await effects(waiting.requestId)).toBe(0);

      await raw.sendEvent(
        systemTopic(TOPICS.replies, systemId),
        awaited.requestId,
        'pdata.command.completed.v1',
        awaited,
      );
      await waitFor(async () => (await effects(waiting.requestId)) === 1, 'the message set aside, handled', 60_000);
      expect(await aside(waiting.requestId)).toBe(0);
      // Looked at again, it is not handled twice.
      await app.get(MessagingServer).lookAgainAtAwaiting();
      expect(await effects(waiting.requestId)).toBe(1);
    });

    it('dead-letters the message once the awaited topic is read as far as it stood and the event did not come', async () => {
      const waiting = closed();
      awaits.set(waiting.requestId, randomUUID());
      await raw.sendEvent(TOPICS.requests.name, waiting.requestId, 'dsr.request.closed.v1', waiting);
      const dead = await raw.waitForMessage(
        dlq,
        (r) => (r.envelope?.data as RequestClosed | undefined)?.requestId === waiting.requestId,
        'the message whose awaited event never came, in the DLQ',
        60_000,
      );
      expect(dead.headers['x-dlq-reason']).toMatch(
        /^handler-rejected: the reply for .* is not here \(waited \d+ s for pdata\.replies\.\{systemId\}\.v1: read as far as it stood, and it did not come\)$/,
      );
      // The dead letter is sent inside the transaction that deletes the row: it can be read a
      // moment before that transaction commits.
      await waitFor(async () => (await aside(waiting.requestId)) === 0, 'the row set aside, deleted');
      expect(await effects(waiting.requestId)).toBe(0);
    });
  });
});
