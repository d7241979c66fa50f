import type { Kafka } from 'kafkajs';
import { TOPICS } from '@datarights/contracts';
import { ConsumerProgress } from './consumer-progress';
import { isTransient } from './handler.errors';

/** A broker with two systems' data-event topics (one never read by the group) and another topic. */
function fakeKafka(committed: Record<string, number>) {
  const ends: Record<string, { low: number; high: number }> = {
    'p.pdata.events.crm.v1': { low: 0, high: 10 },
    'p.pdata.events.newcomer.v1': { low: 0, high: 2 },
    'p.dsr.requests.v1': { low: 0, high: 99 },
  };
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    listTopics: async () => [...Object.keys(ends), 'other.pdata.events.crm.v1'],
    fetchTopicOffsets: async (t: string) => [
      { partition: 0, low: String(ends[t]!.low), high: String(ends[t]!.high), offset: String(ends[t]!.high) },
    ],
    fetchOffsets: async ({ topics }: { topics: string[] }) =>
      topics.map((topic) => ({ topic, partitions: [{ partition: 0, offset: String(committed[topic] ?? -1) }] })),
  };
  return { kafka: { admin: () => admin } as unknown as Kafka, ends };
}

describe('ConsumerProgress', () => {
  const committed: Record<string, number> = { 'p.pdata.events.crm.v1': 10 };
  const { kafka, ends } = fakeKafka(committed);
  const progress = new ConsumerProgress(kafka, { topicPrefix: 'p.' } as never, { service: 's', schema: 's' });

  it("snapshots every topic of the family under this prefix, the group's unread ones included", async () => {
    expect(await progress.snapshot(TOPICS.dataEvents)).toEqual({
      'p.pdata.events.crm.v1': { '0': 10 },
      'p.pdata.events.newcomer.v1': { '0': 2 },
    });
    // The newcomer's topic has never been read: its 2 events count.
    expect(await progress.behind(await progress.snapshot(TOPICS.dataEvents))).toBe(2);
  });

  it('asks to be retried while behind, against the offsets of the first attempt, and gives up after the wait', async () => {
    const first = progress.caughtUpOrRetry('event-1', TOPICS.dataEvents, 60_000);
    await expect(first).rejects.toThrow('the index has 2 events of pdata.events.{systemId}.v1 still to read');
    expect(isTransient(await first.catch((e: unknown) => e))).toBe(true);
    // More events arrive after the first attempt: they are not waited for.
    ends['p.pdata.events.newcomer.v1']!.high = 50;
    committed['p.pdata.events.newcomer.v1'] = 2;
    expect(await progress.caughtUpOrRetry('event-1', TOPICS.dataEvents, 60_000)).toBe(0);
    // A new wait with a bound of 0 resolves at once with what is still unread.
    expect(await progress.caughtUpOrRetry('event-2', TOPICS.dataEvents, 0)).toBe(48);
  });
});
