/**
 * The relay isolates a row Kafka refuses (issue 15), against real Kafka and PostgreSQL: a
 * row for a topic that does not exist and a row larger than the broker accepts no longer
 * stop the service's other events; the refused row's key waits behind it while it is
 * retried; it ends parked with a reason, counted in the metrics.
 */
import { Module, type INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { register, type Counter, type Gauge } from 'prom-client';
import { TOPICS } from '@datarights/contracts';
import { ServiceKitModule } from '@datarights/service-kit';
import { cleanup, isolate, RawKafka, startTestService, type Isolation, type Received } from '@datarights/testing';
import { KAFKA, KAFKA_SETTINGS } from './messaging.options';
import { MessagingServer } from './messaging.server';
import { OutboxRelay } from './outbox.relay';

@Module({
  imports: [
    ServiceKitModule.forRoot({ service: 'request-intake', schema: 'outbox_relay_test', entities: [], migrations: [] }),
  ],
})
class TestModule {}

const MISSING_TOPIC = 'dsr.does-not-exist.v1';
const GOOD_TOPIC = TOPICS.requests.name;

interface Stored {
  attempts: number;
  waiting: boolean;
  last_error: string | null;
  parked_at: Date | null;
  park_reason: string | null;
  sent_at: Date | null;
}

describe('outbox relay isolating a refused row (real Kafka and PostgreSQL)', () => {
  let iso: Isolation;
  let app: INestApplication;
  let ds: DataSource;
  let relay: OutboxRelay;
  let raw: RawKafka;
  let onTopic: Received[];

  /** Writes an outbox row as `publish` would (the relay only reads topic, key, envelope, headers). */
  const write = async (topic: string, key: string, data: Record<string, unknown> = {}) => {
    const id = randomUUID();
    await ds.query(`INSERT INTO outbox (id, topic, key, envelope) VALUES ($1, $2, $3, $4)`, [
      id,
      topic,
      key,
      JSON.stringify({ specversion: '1.0', id, type: 'test.outbox-relay', source: 'request-intake', data }),
    ]);
    return id;
  };
  const stored = async (id: string): Promise<Stored> =>
    (
      await ds.query(
        `SELECT attempts, next_attempt_at > now() AS waiting, last_error, parked_at, park_reason, sent_at FROM outbox WHERE id = $1`,
        [id],
      )
    )[0];
  /** The clock moves on past the refused row's backoff (no waiting in the test). */
  const retryDue = (id: string) => ds.query(`UPDATE outbox SET next_attempt_at = now() WHERE id = $1`, [id]);
  const onKafka = (id: string) => onTopic.filter((r) => r.envelope?.id === id);
  const failures = async (topic: string, reason: string) =>
    (await (register.getSingleMetric('messaging_outbox_send_failures_total') as Counter).get()).values.find(
      (v) => v.labels.topic === topic && v.labels.reason === reason,
    )?.value ?? 0;
  const gauge = async (name: string) => (await (register.getSingleMetric(name) as Gauge).get()).values[0]?.value;

  beforeAll(async () => {
    iso = isolate('outbox-relay-test');
    app = await startTestService(TestModule, 'request-intake', 'outbox_relay_test', { OUTBOX_RELAY: 'off' });
    ds = app.get(DataSource);
    // A relay of the test's own, on the service's Kafka client: few attempts and a long
    // backoff, which the test moves past (retryDue) instead of waiting.
    relay = new OutboxRelay(ds, app.get(KAFKA), app.get(KAFKA_SETTINGS), app.get(MessagingServer), {
      service: 'request-intake',
      schema: iso.schema,
      relayMaxAttempts: 3,
      relayRetryBaseMs: 600_000,
      relayRetryMaxMs: 600_000,
    });
    await relay.connect();
    raw = new RawKafka(iso.topicPrefix);
    await raw.ensureTopics([GOOD_TOPIC]);
    onTopic = await raw.collect([GOOD_TOPIC]);
  });

  afterAll(async () => {
    await relay?.stop();
    await raw?.close();
    await app?.close();
    if (iso) await cleanup(iso);
  });

  it('sends the other rows while a row for a missing topic is retried, holds its key, then parks it', async () => {
    const [keyA, keyB, keyC, keyD] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const failuresBefore = await failures(MISSING_TOPIC, 'UNKNOWN_TOPIC_OR_PARTITION');
    const bad = await write(MISSING_TOPIC, keyA);
    const b1 = await write(GOOD_TOPIC, keyB);
    const a2 = await write(GOOD_TOPIC, keyA);
    const c1 = await write(GOOD_TOPIC, keyC);

    // Before issue 15 the whole batch failed here, and every round after.
    expect(await relay.drainOnce()).toBe(2);
    expect((await stored(b1)).sent_at).not.toBeNull();
    expect((await stored(c1)).sent_at).not.toBeNull();
    expect(await stored(bad)).toMatchObject({ attempts: 1, waiting: true, parked_at: null });
    expect((await stored(bad)).last_error).toMatch(/^UNKNOWN_TOPIC_OR_PARTITION/);
    // Same key as the refused row: not sent before it.
    expect((await stored(a2)).sent_at).toBeNull();

    // While the refused row waits for its retry, new rows of other keys go; its key's stay.
    const d1 = await write(GOOD_TOPIC, keyD);
    const a3 = await write(GOOD_TOPIC, keyA);
    expect(await relay.drainOnce()).toBe(1);
    expect((await stored(d1)).sent_at).not.toBeNull();
    expect((await stored(a2)).sent_at).toBeNull();
    expect((await stored(a3)).sent_at).toBeNull();
    expect((await stored(bad)).attempts).toBe(1);

    // Retried until the attempts are spent, its key still held; then parked.
    await retryDue(bad);
    expect(await relay.drainOnce()).toBe(0);
    expect(await stored(bad)).toMatchObject({ attempts: 2, waiting: true, parked_at: null });
    expect((await stored(a2)).sent_at).toBeNull();
    await retryDue(bad);
    expect(await relay.drainOnce()).toBe(0);
    const parked = await stored(bad);
    expect(parked).toMatchObject({ attempts: 3, sent_at: null });
    expect(parked.parked_at).not.toBeNull();
    expect(parked.park_reason).toMatch(/^refused 3 times, last: UNKNOWN_TOPIC_OR_PARTITION/);

    // Parked: no longer selected, and its key's later rows flow, in order.
    expect(await relay.drainOnce()).toBe(2);
    expect(await relay.drainOnce()).toBe(0);
    expect((await stored(bad)).attempts).toBe(3);
    await raw.waitForMessage(onTopic, (r) => r.envelope?.id === a3, 'the last row of the refused key');
    for (const id of [b1, c1, d1, a2]) expect(onKafka(id).length).toBeGreaterThan(0);
    const keyAOrder = onTopic.filter((r) => r.key === keyA).map((r) => r.envelope?.id);
    expect(keyAOrder).toEqual([a2, a3]);

    expect(await failures(MISSING_TOPIC, 'UNKNOWN_TOPIC_OR_PARTITION')).toBe(failuresBefore + 3);
    await relay.updateMetrics();
    expect(await gauge('messaging_outbox_parked')).toBe(1);
    expect(await gauge('messaging_outbox_pending')).toBe(0);
  });

  it('keeps of a sent row its envelope and ids but not its payload, which is on Kafka; an unsent row keeps it all', async () => {
    const requestId = randomUUID();
    const data = { requestId, systemId: 'crm', subjectKeys: { email: ['jeanne.sent@example.test'] }, note: 'C-000042' };
    const sent = await write(GOOD_TOPIC, requestId, data);
    const unsent = await write(MISSING_TOPIC, randomUUID(), data);
    expect(await relay.drainOnce()).toBe(1);
    await raw.waitForMessage(onTopic, (r) => r.envelope?.id === sent, 'the sent row on its topic');
    expect(onKafka(sent)[0]!.envelope!.data).toEqual(data);
    const envelopeOf = async (id: string) =>
      (await ds.query(`SELECT envelope FROM outbox WHERE id = $1`, [id]))[0].envelope as Record<string, unknown>;
    expect(await envelopeOf(sent)).toEqual({
      specversion: '1.0',
      id: sent,
      type: 'test.outbox-relay',
      source: 'request-intake',
      data: { requestId, systemId: 'crm' },
    });
    expect((await envelopeOf(unsent)).data).toEqual(data);
    // Out of the way of the next test's counts.
    await ds.query(`DELETE FROM outbox WHERE id = $1`, [unsent]);
  });

  it('parks at once a row larger than the broker accepts, and sends the rest of its batch', async () => {
    const [keyE, keyF] = [randomUUID(), randomUUID()];
    // Past the broker's default max.message.bytes (1 MiB).
    const big = await write(GOOD_TOPIC, keyE, { padding: 'x'.repeat(2 * 1024 * 1024) });
    const f1 = await write(GOOD_TOPIC, keyF);
    const e2 = await write(GOOD_TOPIC, keyE);

    expect(await relay.drainOnce()).toBe(1);
    const parked = await stored(big);
    expect(parked).toMatchObject({ attempts: 1, sent_at: null });
    expect(parked.parked_at).not.toBeNull();
    expect(parked.park_reason).toMatch(/^refused, and retrying cannot help: MESSAGE_TOO_LARGE/);
    expect((await stored(e2)).sent_at).toBeNull();

    expect(await relay.drainOnce()).toBe(1);
    await raw.waitForMessage(onTopic, (r) => r.envelope?.id === e2, "the big row's key's next row");
    expect(onKafka(f1).length).toBeGreaterThan(0);
    expect(onKafka(big)).toHaveLength(0);
    expect(await gauge('messaging_outbox_parked')).toBe(2);
  });
});
