/**
 * The purge (issue 14; storage limitation, GDPR Art. 5(1)(e)): every PURGE_POLL_MS, outside
 * any request, the records of the policy's `purge.categories` whose every period is over
 * (prospects three years after the last contact from the prospect, CNIL délibération
 * 2021-130; connection data one year after the connection, décret 2021-1362), each counted
 * from the record's own dates, get an erase command naming that record (`recordRefs`), at
 * most PURGE_BATCH per run.
 *
 * Here, in data-locator, because the index is here: it holds every record's reported dates,
 * so no request, plan or copy of the index is needed to find them. The system erases the
 * record and says so with `pdata.record.erased.v1`, which takes it out of the index: a
 * record is asked once (`purge_commands`), again only after PURGE_RESEND_MS if it is still
 * there. The same loop erases the records an erasure request held until a start that had
 * not happened (the contract ran; `erasure_watch`, filled when the plan is built), once
 * their system reports the start and the period from it is over. Audited through the command itself (audit records every command sent to a
 * system, and its reply); logged without keys.
 */
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { LinkedSubjectKeys } from '@datarights/contracts';
import { EventPublisher, TopicAdmin } from '@datarights/messaging';
import {
  DEFAULT_TIME_ZONE,
  purgePeriods,
  ruleFor,
  type CategoryRule,
  type Policy,
  type RetentionRule,
} from '@datarights/policy';
import { Clock, PeriodicJob } from '@datarights/service-kit';
import { DataLocatorConfig } from '../config/app.config';
import { PURGE_POLICY } from './purge.tokens';
import { due, keysOf, purgeRule } from './purge-planner';
import { PurgeRepository, type PurgeCandidate } from './purge.repository';

@Injectable()
export class PurgeLoop extends PeriodicJob {
  protected readonly logger = new Logger(PurgeLoop.name);
  protected readonly everyMs: number;
  protected override readonly batchSize: number;
  private readonly resendMs: number;
  private readonly respondWithinMs = 24 * 3_600_000;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly topics: TopicAdmin,
    private readonly repo: PurgeRepository,
    private readonly clock: Clock,
    @Inject(PURGE_POLICY) private readonly policy: Policy,
    config: DataLocatorConfig,
  ) {
    super();
    this.everyMs = config.PURGE_POLL_MS;
    this.batchSize = config.PURGE_BATCH;
    this.resendMs = config.PURGE_RESEND_MS;
  }

  /** Sends the erase commands due at `now` (the Clock's by default); returns how many. Public for tests. */
  async runOnce(now = this.clock.now()): Promise<number> {
    const zone = this.policy.deadlines?.timeZone ?? DEFAULT_TIME_ZONE;
    return this.dataSource.transaction(async (m) => {
      // One run, one id: the commands' requestId (a purge belongs to no request).
      const runId = randomUUID();
      const resendBefore = new Date(now.getTime() - this.resendMs);
      let left = this.batchSize;
      let sent = 0;
      const pass = async (category: string, periods: RetentionRule[], rule: CategoryRule, watched: boolean) => {
        const { starts } = purgeRule(rule, now, zone, periods);
        if (starts.length === 0 || starts.some((s) => !s.field)) return;
        const candidates = await this.repo.candidates(m, category, starts, resendBefore, left, watched);
        left -= candidates.length;
        for (const c of candidates) {
          const subjectKeys = keysOf(c);
          if (!subjectKeys || !due(periods, c, now, zone)) continue;
          await this.send(m, runId, c, subjectKeys, category, now);
          sent++;
        }
      };
      // 1. The policy's purge: every record of these categories past every period.
      for (const category of this.policy.purge.categories) {
        const found = ruleFor(this.policy, category);
        if (left > 0 && found && found.name === category)
          await pass(category, purgePeriods(found.rule), found.rule, false);
      }
      // 2. Records an erasure request held until their start happened: erased once their
      //    obligations, from the start now reported, are over (Art. 17(3)(b) then 17(1)).
      await this.repo.forgetErased(m);
      for (const [category, rule] of this.policy.categories) {
        if (left > 0 && rule.retentions.length > 0) await pass(category, rule.retentions, rule, true);
      }
      if (sent > 0) this.logger.log(`purge ${runId}: ${sent} records past their periods asked to be erased`);
      return sent;
    });
  }

  /** One erase command naming one record; for a record an erasure request held, cut off at the request. */
  private async send(
    m: EntityManager,
    runId: string,
    c: PurgeCandidate,
    subjectKeys: LinkedSubjectKeys,
    category: string,
    now: Date,
  ): Promise<void> {
    await this.topics.ensureCommandTopic(c.systemId);
    const commandId = randomUUID();
    await this.publisher.unitOfWork(m, 'by-request').publish('eraseCommand', {
      commandId,
      requestId: runId,
      systemId: c.systemId,
      subjectKeys,
      categories: [category],
      recordRefs: [c.recordRef],
      ...(c.requestedAt ? { createdBefore: c.requestedAt.toISOString() } : {}),
      respondBy: new Date(now.getTime() + this.respondWithinMs).toISOString(),
    });
    await this.repo.recordSent(m, c, commandId, now);
  }
}
