/**
 * The hold aggregate: data a legal obligation keeps (Art. 17(3)(b)), per system and
 * category, until its period ends; the table is also the durable schedule of the erasures
 * that follow. Works in the caller's transaction.
 */
import type { EntityManager } from 'typeorm';
import { HoldEntity } from '../entities/hold.entity';

export type NewHold = Pick<
  HoldEntity,
  | 'holdId'
  | 'requestId'
  | 'systemId'
  | 'category'
  | 'ground'
  | 'legalText'
  | 'period'
  | 'periodFrom'
  | 'until'
  | 'canErase'
> &
  Partial<Pick<HoldEntity, 'recordRefs' | 'startPending' | 'status'>>;

export class HoldStore {
  constructor(private readonly m: EntityManager) {}

  async insert(h: NewHold): Promise<void> {
    await this.m.insert(HoldEntity, h);
  }

  ofRequest(requestId: string): Promise<HoldEntity[]> {
    return this.m.find(HoldEntity, { where: { requestId }, order: { systemId: 'ASC', category: 'ASC' } });
  }

  /**
   * Claims the holds whose period has ended: `active` → `expired`, in the caller's
   * transaction (with the erase command and the event it publishes). The inner SELECT
   * skips rows another replica holds (FOR UPDATE SKIP LOCKED) and the UPDATE only takes
   * rows still active: a hold fires once, whatever the number of replicas.
   */
  async claimExpired(now: Date, limit: number): Promise<HoldEntity[]> {
    const rows = (await this.m.query(
      `UPDATE hold SET status = 'expired', expired_at = $1
        WHERE hold_id IN (SELECT hold_id FROM hold WHERE status = 'active' AND until <= $1 ORDER BY until LIMIT $2 FOR UPDATE SKIP LOCKED)
          AND status = 'active'
        RETURNING hold_id`,
      [now, limit],
    )) as [Array<{ hold_id: string }>, number] | Array<{ hold_id: string }>;
    // pg's UPDATE ... RETURNING comes back as [rows, count] through TypeORM.
    const returned = Array.isArray(rows[0])
      ? (rows[0] as Array<{ hold_id: string }>)
      : (rows as Array<{ hold_id: string }>);
    if (returned.length === 0) return [];
    return this.m
      .getRepository(HoldEntity)
      .createQueryBuilder('h')
      .where('h.hold_id IN (:...ids)', { ids: returned.map((r) => r.hold_id) })
      .orderBy('h.until', 'ASC')
      .getMany();
  }

  async setCommand(holdId: string, commandId: string): Promise<void> {
    await this.m.update(HoldEntity, { holdId }, { eraseCommandId: commandId });
  }
}
