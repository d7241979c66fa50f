/**
 * `messaging_consumer_lag`: how far the service's consumer group is behind the end of each
 * partition, from the broker's point of view (end offset − committed offset), refreshed on
 * a timer. Measured this way, the gauge keeps rising when the consumer is stuck or down,
 * which a value updated only when a batch is handled would not show, and after a
 * rebalance no replica reports a partition it no longer reads with a stale value. Every
 * replica reports the whole group: dashboards take max() per partition.
 */
import { Logger } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { nextOffset } from './consumer-progress';
import { messagingMetrics } from './messaging.metrics';

export class ConsumerLagMonitor {
  private readonly logger = new Logger(ConsumerLagMonitor.name);
  private admin?: Admin;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    /** The physical topics the group reads (resolved at each refresh: command topics come and go). */
    private readonly topics: (admin: Admin) => Promise<string[]>,
    /** The name the metric reports (without the test topic prefix). */
    private readonly logical: (topic: string) => string,
  ) {}

  start(everyMs = 15_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (!this.inFlight)
        this.inFlight = this.refresh()
          .catch((err: Error) => this.logger.debug(`consumer lag not refreshed: ${err.message}`))
          .finally(() => (this.inFlight = undefined));
    }, everyMs);
    this.timer.unref();
  }

  async refresh(): Promise<void> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    const admin = this.admin;
    const topics = await this.topics(admin);
    if (topics.length === 0) return;
    const committed = await admin.fetchOffsets({ groupId: this.groupId, topics });
    for (const t of committed) {
      const ends = new Map((await admin.fetchTopicOffsets(t.topic)).map((p) => [p.partition, p]));
      for (const p of t.partitions) {
        const end = ends.get(p.partition);
        if (!end) continue;
        // No commit yet: the group starts from the beginning, so everything retained is behind.
        const from = nextOffset(p.offset, end.low);
        messagingMetrics.consumerLag.set(
          { topic: this.logical(t.topic), partition: String(p.partition), group: this.groupId },
          Math.max(0, Number(end.high) - from),
        );
      }
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = undefined;
  }
}
