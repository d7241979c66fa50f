import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { EventPublisher } from './event.publisher';

/** A transaction that records what is written to the outbox. */
function fakeTransaction(active = true) {
  const rows: { key: string; envelope: { correlationid?: string; type: string } }[] = [];
  const manager = {
    queryRunner: { isTransactionActive: active },
    query: async (sql: string, params: unknown[]) => {
      if (sql.startsWith('INSERT INTO outbox'))
        rows.push({ key: params[2] as string, envelope: JSON.parse(params[3] as string) });
      return [];
    },
  } as unknown as EntityManager;
  return { manager, rows };
}

const deleted = (requestId: string) => ({
  requestId,
  packageId: randomUUID(),
  deletedAt: new Date().toISOString(),
  reason: 'keeping period P30D ended',
});

describe('EventPublisher.unitOfWork', () => {
  const publisher = new EventPublisher({ service: 'test', schema: 'test' });

  it('by-request: each event is correlated with the request its payload names', async () => {
    const { manager, rows } = fakeTransaction();
    const uow = publisher.unitOfWork(manager, 'by-request');
    const [a, b] = [randomUUID(), randomUUID()];
    await uow.publish('packageDeleted', deleted(a));
    await uow.publish('packageDeleted', deleted(b));
    expect(uow.manager).toBe(manager);
    expect(rows.map((r) => r.envelope.correlationid)).toEqual([a, b]);
  });

  it('fixed metadata: every event of the unit carries it', async () => {
    const { manager, rows } = fakeTransaction();
    const correlationId = randomUUID();
    const { publish } = publisher.unitOfWork(manager, { correlationId });
    await publish('packageDeleted', deleted(randomUUID()));
    expect(rows[0]!.envelope.correlationid).toBe(correlationId);
  });

  it('refuses to publish outside a transaction, and refuses an invalid payload', async () => {
    await expect(
      publisher.unitOfWork(fakeTransaction(false).manager).publish('packageDeleted', deleted(randomUUID())),
    ).rejects.toThrow(/inside a transaction/);
    const { manager, rows } = fakeTransaction();
    await expect(
      publisher.unitOfWork(manager).publish('packageDeleted', { ...deleted(randomUUID()), requestId: 'not-a-uuid' }),
    ).rejects.toThrow(/refusing to publish an invalid/);
    expect(rows).toHaveLength(0);
  });
});
