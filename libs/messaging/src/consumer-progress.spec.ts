import type { Kafka } from 'kafkajs';
import { CLOCK_SKEW_MS, ConsumerProgress } from './consumer-progress';
import type { KafkaSettings } from './kafka.config';

/** A fake admin: one data-event topic whose end moves when a test appends, and the group's commit. */
function fakeKafka() {
  const state = { end: 10, committed: 10, calls: 0 };
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    listTopics: async () => (state.calls++, ['pdata.events.crm.v1', 'dsr.requests.v1']),
    fetchTopicOffsets: async () => (state.calls++, [{ partition: 0, low: '0', high: String(state.end) }]),
    fetchOffsets: async () => (
      state.calls++,
      [{ topic: 'pdata.events.crm.v1', partitions: [{ partition: 0, offset: String(state.committed) }] }]
    ),
  };
  return { kafka: { admin: () => admin } as unknown as Kafka, state };
}

const FAMILY = { name: 'pdata.events.{systemId}.v1' };
const settings = { topicPrefix: '' } as KafkaSettings;

describe('ConsumerProgress.behindSince', () => {
  it('asks Kafka once for every event older than a caught-up snapshot, and again for a newer event', async () => {
    const { kafka, state } = fakeKafka();
    const progress = new ConsumerProgress(kafka, settings, { service: 'test', schema: 'test', groupId: 'g' });
    const past = new Date(Date.now() - 10 * CLOCK_SKEW_MS);

    expect(await progress.behindSince(FAMILY, past)).toEqual({
      targets: { 'pdata.events.crm.v1': { 0: 10 } },
      behind: 0,
    });
    const first = state.calls;
    expect(first).toBeGreaterThan(0);
    // Older events: the caught-up snapshot answers, no Kafka call.
    expect((await progress.behindSince(FAMILY, past)).behind).toBe(0);
    expect(state.calls).toBe(first);

    // An event written after that snapshot began (beyond the clock skew): a new snapshot, which sees the new data.
    state.end = 15;
    const later = new Date(Date.now() + 5 * CLOCK_SKEW_MS);
    expect(await progress.behindSince(FAMILY, later)).toEqual({
      targets: { 'pdata.events.crm.v1': { 0: 15 } },
      behind: 5,
    });
    expect(state.calls).toBeGreaterThan(first);
  });

  it('checks the group again while a snapshot is not read yet, and stops asking once it is', async () => {
    const { kafka, state } = fakeKafka();
    const progress = new ConsumerProgress(kafka, settings, { service: 'test', schema: 'test', groupId: 'g' });
    const past = new Date(Date.now() - 10 * CLOCK_SKEW_MS);
    state.committed = 4;

    expect((await progress.behindSince(FAMILY, past)).behind).toBe(6);
    // Still behind: the group's offsets are read again (never a stale "caught up").
    state.committed = 8;
    expect((await progress.behindSince(FAMILY, past)).behind).toBe(2);
    state.committed = 10;
    expect((await progress.behindSince(FAMILY, past)).behind).toBe(0);
    const calls = state.calls;
    // Data appended after the snapshot does not concern events older than it.
    state.end = 20;
    expect((await progress.behindSince(FAMILY, past)).behind).toBe(0);
    expect(state.calls).toBe(calls);
  });
});
