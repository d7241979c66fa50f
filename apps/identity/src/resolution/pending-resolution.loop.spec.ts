import type { DataSource } from 'typeorm';
import type { ConsumerProgress, OffsetTargets } from '@datarights/messaging';
import type { Clock } from '@datarights/service-kit';
import type { IdentityConfig } from '../config/app.config';
import type { IdentityRequestEntity } from './entities/identity-request.entity';
import { PendingResolutionLoop } from './pending-resolution.loop';
import type { ResolutionRepository } from './resolution.repository';
import type { ResolutionService } from './resolution.service';

const NOW = new Date('2026-12-07T10:00:00.000Z');
const targets: OffsetTargets = { 'pdata.events.crm.v1': { '0': 12 } };

function waiting(requestId: string, resolveBy: Date): IdentityRequestEntity {
  return { requestId, status: 'indexing', indexTargets: targets, resolveBy } as IdentityRequestEntity;
}

function loopWith(rows: IdentityRequestEntity[], behind: (t: OffsetTargets) => Promise<number>) {
  const resolved: Array<{ requestId: string; unindexed?: number }> = [];
  let reads = 0;
  const tx = { tx: true };
  const loop = new PendingResolutionLoop(
    { transaction: (fn: (m: unknown) => Promise<number>) => fn(tx) } as unknown as DataSource,
    { takeIndexing: async () => rows } as unknown as ResolutionRepository,
    {
      resolveAgain: async (_tx: unknown, r: IdentityRequestEntity, unindexed?: number) => {
        resolved.push({ requestId: r.requestId, unindexed });
      },
    } as unknown as ResolutionService,
    {
      behindEach: async (list: OffsetTargets[]) => {
        reads++;
        const out: number[] = [];
        for (const t of list) out.push(await behind(t));
        return out;
      },
    } as unknown as ConsumerProgress,
    { now: () => NOW } as Clock,
    { RESOLUTION_POLL_MS: 1000 } as IdentityConfig,
  );
  return { loop, resolved, reads: () => reads };
}

describe('PendingResolutionLoop', () => {
  const later = new Date(NOW.getTime() + 30_000);
  const earlier = new Date(NOW.getTime() - 1);

  it('leaves a request waiting while the index is behind and its wait has not run out', async () => {
    const { loop, resolved } = loopWith([waiting('a', later)], async () => 3);
    expect(await loop.runOnce()).toBe(0);
    expect(resolved).toEqual([]);
  });

  it('resolves a request as soon as the index has read the offsets it waited for', async () => {
    const seen: OffsetTargets[] = [];
    const { loop, resolved } = loopWith([waiting('a', later)], async (t) => (seen.push(t), 0));
    expect(await loop.runOnce()).toBe(1);
    expect(seen).toEqual([targets]);
    expect(resolved).toEqual([{ requestId: 'a', unindexed: undefined }]);
  });

  it("reads the group's offsets from Kafka once for every waiting request, not once each", async () => {
    const { loop, resolved, reads } = loopWith(
      [waiting('a', later), waiting('b', later), waiting('c', later)],
      async () => 0,
    );
    expect(await loop.runOnce()).toBe(3);
    expect(resolved.map((r) => r.requestId)).toEqual(['a', 'b', 'c']);
    expect(reads()).toBe(1);
  });

  it('resolves a request whose wait ran out, with how many data events were still unread', async () => {
    const { loop, resolved } = loopWith([waiting('a', earlier), waiting('b', later)], async () => 7);
    expect(await loop.runOnce()).toBe(1);
    expect(resolved).toEqual([{ requestId: 'a', unindexed: 7 }]);
  });

  it('resolves a request whose wait ran out when Kafka cannot say how far the index is, and keeps waiting otherwise', async () => {
    const { loop, resolved } = loopWith([waiting('a', earlier), waiting('b', later)], async () => {
      throw new Error('broker down');
    });
    expect(await loop.runOnce()).toBe(1);
    expect(resolved).toEqual([{ requestId: 'a', unindexed: undefined }]);
  });
});
