/**
 * Bounded growth of the inbox (issue 15): a row only has to outlive every copy of its event
 * that Kafka may still deliver. Topics that delete keep an event 7 days (dsr.*) or 14 days
 * (a system's own topics; deploy/kafka), so rows older than `inboxRetentionDays` (15 by
 * default) are deleted, hourly, in small batches. Rows of compacted topics (the register,
 * the audit checkpoints) are kept: compaction keeps an event for as long as its key lives,
 * and a consumer group whose offsets expired reads it again.
 */
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isTopicNamed } from '@datarights/contracts';
import { logicalTopic, type KafkaSettings } from './kafka.config';
import { messagingMetrics } from './messaging.metrics';
import { COMPACTED } from './topics.admin';
import { KAFKA_SETTINGS, MESSAGING_OPTIONS, resolvedOptions, type MessagingOptions } from './messaging.options';

const PRUNE_EVERY_MS = 3600_000;
/** Rows deleted per statement: short transactions, no long lock on a busy table. */
const BATCH = 5_000;

@Injectable()
export class InboxPruner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(InboxPruner.name);
  private readonly retentionDays: number;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<unknown>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    @Inject(MESSAGING_OPTIONS) options: MessagingOptions,
  ) {
    this.retentionDays = resolvedOptions(options).inboxRetentionDays;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.inFlight) return;
      this.inFlight = this.pruneOnce()
        .catch((err: Error) => this.logger.warn(`inbox not pruned: ${err.message}`))
        .finally(() => (this.inFlight = undefined));
    }, PRUNE_EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }

  /** Deletes the rows past retention (compacted topics' excepted); returns how many. Public for tests. */
  async pruneOnce(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.retentionDays * 86_400_000);
    const topics: { topic: string }[] = await this.dataSource.query(`SELECT DISTINCT topic FROM inbox`);
    const kept = topics
      .map((r) => r.topic)
      .filter((t) => [...COMPACTED].some((name) => isTopicNamed(name, logicalTopic(this.settings, t))));
    let total = 0;
    for (;;) {
      const [, deleted] = (await this.dataSource.query(
        `DELETE FROM inbox WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM inbox WHERE handled_at < $1 AND topic <> ALL($2::text[]) LIMIT ${BATCH}))`,
        [cutoff, kept],
      )) as [unknown[], number];
      total += deleted;
      if (deleted < BATCH) break;
    }
    if (total > 0) {
      messagingMetrics.inboxPruned.inc(total);
      this.logger.log(`inbox: ${total} rows older than ${this.retentionDays} days pruned`);
    }
    return total;
  }
}
