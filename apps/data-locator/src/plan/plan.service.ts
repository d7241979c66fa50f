/**
 * Builds a verified request's plan: every system and category holding live records under
 * any key linked to the subject (GDPR Art. 15, 17: the answer must cover all the data,
 * wherever it is). One plan per request.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Policy } from '@datarights/policy';
import { Clock } from '@datarights/service-kit';
import type { EntityManager } from 'typeorm';
import { PLAN_RECORDS_MAX, type IdentityVerified, type PlanBuilt } from '@datarights/contracts';
import { InventoryRepository } from '../inventory/inventory.repository';
import { PdataIndexRepository } from '../pdata-index/pdata-index.repository';
import { groupPlanItems, normalisedKeys, withRecordDates } from './plan-builder';
import { PlanRepository } from './plan.repository';
import { startPendingRecords } from '../purge/purge-planner';
import { PurgeRepository } from '../purge/purge.repository';
import { PURGE_POLICY } from '../purge/purge.tokens';

@Injectable()
export class PlanService {
  private readonly logger = new Logger(PlanService.name);

  constructor(
    private readonly index: PdataIndexRepository,
    private readonly inventory: InventoryRepository,
    private readonly plans: PlanRepository,
    private readonly purge: PurgeRepository,
    private readonly clock: Clock,
    @Inject(PURGE_POLICY) private readonly policy: Policy,
  ) {}

  /**
   * Builds and stores the plan in the caller's transaction. Returns the `planBuilt`
   * payload to publish, or undefined when the request already has a plan.
   */
  async build(tx: EntityManager, v: IdentityVerified, eventId: string): Promise<PlanBuilt | undefined> {
    const holdings = await this.index.holdingsOf(tx, normalisedKeys(v.subjectKeys));
    const systems = await this.inventory.findByIds(tx, [...new Set(holdings.map((h) => h.systemId))]);
    const grouped = groupPlanItems(holdings, systems);
    const { unregistered } = grouped;
    // An erasure holds each record from its own start (issue 14): the plan lists the records
    // whose system reported their retention dates (one more than the budget is read, so that
    // a cut list is never taken for a whole one).
    const items =
      v.requestType === 'erasure'
        ? withRecordDates(
            grouped.items,
            holdings,
            await this.index.datedRecordsOf(tx, normalisedKeys(v.subjectKeys), PLAN_RECORDS_MAX + 1),
            PLAN_RECORDS_MAX,
          )
        : grouped.items;
    for (const systemId of unregistered) {
      this.logger.warn(
        `system ${systemId} holds indexed records but never registered: its plan item will be escalated`,
      );
    }
    const stored = await this.plans.insertOnce(tx, {
      requestId: v.requestId,
      requestType: v.requestType,
      subjectRef: v.subjectRef,
      items,
      causedBy: eventId,
    });
    if (!stored) {
      this.logger.log(`request ${v.requestId} already has a plan: not built again`);
      return undefined;
    }
    // Records held until a start that has not happened (an active contract): the purge
    // erases each once its system reports the start and the period from it is over.
    if (v.requestType === 'erasure')
      await this.purge.watch(
        tx,
        v.requestId,
        this.clock.now(),
        startPendingRecords(this.policy, items, this.clock.now()),
      );
    this.logger.log(
      `plan of request ${v.requestId}: ${items.length} systems, ${items.reduce((n, i) => n + i.records, 0)} records`,
    );
    return {
      requestId: v.requestId,
      requestType: v.requestType,
      subjectRef: v.subjectRef,
      subjectKeys: v.subjectKeys,
      items,
    };
  }
}
