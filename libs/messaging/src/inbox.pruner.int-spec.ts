/** The inbox pruner against real PostgreSQL (a service app, its messaging tables migrated). */
import type { INestApplication } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ServiceKitModule } from '@datarights/service-kit';
import { cleanup, isolate, startTestService, type Isolation } from '@datarights/testing';
import { InboxPruner } from './inbox.pruner';
import { messagingMetrics } from './messaging.metrics';

@Module({
  imports: [
    ServiceKitModule.forRoot({ service: 'data-locator', schema: 'inbox_prune_test', entities: [], migrations: [] }),
  ],
})
class PrunerTestModule {}

describe('inbox pruning (real PostgreSQL)', () => {
  let iso: Isolation;
  let app: INestApplication;
  let ds: DataSource;

  beforeAll(async () => {
    iso = isolate('inbox-prune-test');
    app = await startTestService(PrunerTestModule, 'data-locator', 'inbox_prune_test', { OUTBOX_RELAY: 'off' });
    ds = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
    if (iso) await cleanup(iso);
  });

  it("deletes the rows older than the topics' retention, and keeps recent ones and those of compacted topics", async () => {
    const now = new Date('2026-12-07T12:00:00.000Z');
    const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
    const row = async (topic: string, handledAt: Date) => {
      const id = randomUUID();
      await ds.query(
        `INSERT INTO inbox (consumer, event_id, topic, type, status, handled_at) VALUES ('g', $1, $2, 't', 'handled', $3)`,
        [id, topic, handledAt],
      );
      return id;
    };
    const prefix = iso.topicPrefix;
    const old = await row(`${prefix}pdata.events.crm.v1`, daysAgo(16));
    const oldRequest = await row(`${prefix}dsr.requests.v1`, daysAgo(30));
    const recent = await row(`${prefix}pdata.events.crm.v1`, daysAgo(13));
    const registration = await row(`${prefix}pdata.systems.crm.v1`, daysAgo(400));
    const before = (await messagingMetrics.inboxPruned.get()).values[0]?.value ?? 0;

    expect(await app.get(InboxPruner).pruneOnce(now)).toBe(2);

    const left: { event_id: string }[] = await ds.query(`SELECT event_id FROM inbox WHERE consumer = 'g'`);
    expect(left.map((r) => r.event_id).sort()).toEqual([recent, registration].sort());
    expect(left.map((r) => r.event_id)).not.toContain(old);
    expect(left.map((r) => r.event_id)).not.toContain(oldRequest);
    expect((await messagingMetrics.inboxPruned.get()).values[0]?.value).toBe(before + 2);
  });
});
