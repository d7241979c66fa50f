/**
 * Where this service's consumer group stands against a point in a topic family's history:
 * "has the index read everything that existed when this request was filed?" A snapshot
 * takes the end offset of every partition of every topic of the family now (a system's
 * topic the consumer has not picked up yet included); `behind` then says how many of those
 * messages the group has not yet committed. Committed offsets are the broker's: the
 * messaging server commits after each handled batch, i.e. once its transaction committed,
 * so "committed" means "in the database".
 */
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { isTopicNamed, type TopicDefinition } from '@datarights/contracts';
import { logicalTopic, type KafkaSettings } from './kafka.config';
import { KAFKA, KAFKA_SETTINGS, MESSAGING_OPTIONS, resolvedOptions, type MessagingOptions } from './messaging.options';

/** Physical topic → partition → the offset the group must have committed (the end offset at the snapshot). */
export type OffsetTargets = Record<string, Record<string, number>>;

/** The offset a group reads next on a partition: its commit, or the partition's start when it never committed. */
export const nextOffset = (committed: string | number, low: string | number): number =>
  Number(committed) >= 0 ? Number(committed) : Number(low);

/**
 * How far apart two services' clocks may be, at most, for `behindSince`: a snapshot taken
 * this long after an event's time is surely later than the event.
 */
export const CLOCK_SKEW_MS = 1000;

/** The last check of a family (`behindSince`): when its snapshot began, and whether the group had read it all. */
interface LastCheck {
  readonly startedAt: number;
  readonly targets: OffsetTargets;
  caughtUp: boolean;
}

@Injectable()
export class ConsumerProgress implements OnModuleDestroy {
  private admin?: Promise<Admin>;
  private readonly groupId: string;
  private readonly lastChecks = new Map<string, LastCheck>();

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    @Inject(MESSAGING_OPTIONS) options: MessagingOptions,
  ) {
    this.groupId = resolvedOptions(options).groupId;
  }

  /** The end of every non-empty partition of every topic of `family` (a fixed topic or a per-system family) now. */
  async snapshot(family: Pick<TopicDefinition, 'name'>): Promise<OffsetTargets> {
    const admin = await this.connected();
    const topics = (await admin.listTopics()).filter((t) => isTopicNamed(family.name, logicalTopic(this.settings, t)));
    const targets: OffsetTargets = {};
    for (const topic of topics.sort()) {
      const ends: Record<string, number> = {};
      for (const p of await admin.fetchTopicOffsets(topic))
        if (Number(p.high) > Number(p.low)) ends[String(p.partition)] = Number(p.high);
      if (Object.keys(ends).length > 0) targets[topic] = ends;
    }
    return targets;
  }

  /**
   * "Has the group read `family` as far as it stood at `since`?" — `snapshot` then `behind`,
   * without asking Kafka again when it need not: a snapshot begun after `since` (plus
   * CLOCK_SKEW_MS) is as good as one taken now, since whatever existed at `since` is in it,
   * and once the group has read a snapshot it stays read (commits only move forward). Under
   * a burst of requests, one snapshot and one caught-up answer serve every event older
   * than it, where each event cost ~2 + 2×(topics of the family) admin round trips.
   * `targets` is the snapshot that was judged (for `AwaitingEvent`).
   */
  async behindSince(
    family: Pick<TopicDefinition, 'name'>,
    since: Date,
  ): Promise<{ targets: OffsetTargets; behind: number }> {
    const last = this.lastChecks.get(family.name);
    if (last && last.startedAt >= since.getTime() + CLOCK_SKEW_MS) {
      if (last.caughtUp) return { targets: last.targets, behind: 0 };
      const behind = await this.behind(last.targets);
      if (behind === 0) last.caughtUp = true;
      return { targets: last.targets, behind };
    }
    const startedAt = Date.now();
    const targets = await this.snapshot(family);
    const behind = await this.behind(targets);
    const latest = this.lastChecks.get(family.name);
    if (!latest || latest.startedAt < startedAt)
      this.lastChecks.set(family.name, { startedAt, targets, caughtUp: behind === 0 });
    return { targets, behind };
  }

  /** How many messages before `targets` the group has not committed yet (0: caught up). A deleted topic counts as read. */
  async behind(targets: OffsetTargets): Promise<number> {
    return (await this.behindEach([targets]))[0]!;
  }

  /** `behind` for many targets at once, reading the group's offsets once per topic. */
  async behindEach(list: OffsetTargets[]): Promise<number[]> {
    const topics = [...new Set(list.flatMap((t) => Object.keys(t)))];
    if (topics.length === 0) return list.map(() => 0);
    const admin = await this.connected();
    const existing = new Set(await admin.listTopics());
    const next = new Map<string, number>();
    for (const t of await admin.fetchOffsets({
      groupId: this.groupId,
      topics: topics.filter((x) => existing.has(x)),
    })) {
      const lows = new Map((await admin.fetchTopicOffsets(t.topic)).map((p) => [p.partition, p.low]));
      for (const p of t.partitions)
        next.set(`${t.topic}:${p.partition}`, nextOffset(p.offset, lows.get(p.partition) ?? 0));
    }
    return list.map((targets) => {
      let behind = 0;
      for (const [topic, ends] of Object.entries(targets)) {
        if (!existing.has(topic)) continue;
        for (const [partition, target] of Object.entries(ends))
          behind += Math.max(0, target - (next.get(`${topic}:${partition}`) ?? 0));
      }
      return behind;
    });
  }

  async onModuleDestroy(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await (await admin?.catch(() => undefined))?.disconnect().catch(() => undefined);
  }

  private connected(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      this.admin = admin.connect().then(() => admin);
      // A failed connect is not cached: the next call tries again.
      this.admin.catch(() => (this.admin = undefined));
    }
    return this.admin;
  }
}
