/**
 * The executor's metrics for Prometheus (default registry, served at /metrics by
 * service-kit; names fixed by deploy/observability):
 *
 * - `dsr_command_round_trip_seconds{system_id}` (histogram): from a command's first send
 *   to the reply that completed it. Observed when this process first sees the completed
 *   action in the database, which avoids touching the reply handler; every replica
 *   observes every completion, so quantiles are right and counts are per replica (take
 *   max() across replicas for counts, as for the gauges).
 * - `dsr_actions_pending{system_id}` (gauge): commands waiting for a reply (sent, or
 *   failed and waiting for their retry).
 * - `dsr_system_last_reply_timestamp_seconds{system_id}` (gauge): the last completing
 *   reply of each system; absent for a system that never replied, so that the
 *   SystemStoppedReplying alert also fires for one that never answered.
 * - `dsr_system_unanswered_seconds{system_id}` (gauge): how long a system has left its
 *   oldest pending command unanswered while replying to nothing since it was sent (0 when
 *   it has replied since, or has nothing pending). A system that went silent shows within
 *   a refresh, long before its commands time out and are escalated (issue 15): with the
 *   default policy that is 15 hours (1 + 2 + 4 + 8 h of re-sends).
 * - `dsr_recipient_notices{recipient_system_id,status}` (gauge): Art. 19 notices to
 *   recipients by status (`awaiting-acknowledgement`, `acknowledged`, `declined`,
 *   `unacknowledged`, `not-notified`); `none` for recipients without a command topic.
 *
 * Refreshed from PostgreSQL every 15 s, on an unref'd timer that shutdown clears.
 */
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Gauge, Histogram, register } from 'prom-client';
import { ExecutorMetricsRepository, type SystemSnapshot } from './executor-metrics.repository';

export const METRICS_REFRESH_MS = 15_000;
/** Rows are re-read this far behind the high-water mark: an update's time is set before its commit. */
const OVERLAP_MS = 5 * 60_000;
/** From a demo system's milliseconds to a nightly batch system's days. */
export const ROUND_TRIP_BUCKETS = [
  0.1,
  0.5,
  1,
  5,
  15,
  60,
  300,
  900,
  3600,
  4 * 3600,
  12 * 3600,
  86_400,
  3 * 86_400,
  7 * 86_400,
];

function gauge(name: string, help: string): Gauge<'system_id'> {
  return (
    (register.getSingleMetric(name) as Gauge<'system_id'> | undefined) ??
    new Gauge({ name, help, labelNames: ['system_id'] })
  );
}
function histogram(name: string, help: string): Histogram<'system_id'> {
  return (
    (register.getSingleMetric(name) as Histogram<'system_id'> | undefined) ??
    new Histogram({ name, help, labelNames: ['system_id'], buckets: ROUND_TRIP_BUCKETS })
  );
}

@Injectable()
export class ExecutorMetrics implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ExecutorMetrics.name);
  readonly roundTrip = histogram(
    'dsr_command_round_trip_seconds',
    "Time from a command's first send to the reply that completed it, per system.",
  );
  readonly pending = gauge(
    'dsr_actions_pending',
    "Commands waiting for a system's reply (sent, or failed and waiting for a retry).",
  );
  readonly recipientNotices =
    (register.getSingleMetric('dsr_recipient_notices') as Gauge<'recipient_system_id' | 'status'> | undefined) ??
    new Gauge({
      name: 'dsr_recipient_notices',
      help: 'Art. 19 notices to recipients, per recipient system and status.',
      labelNames: ['recipient_system_id', 'status'],
    });
  readonly lastReply = gauge(
    'dsr_system_last_reply_timestamp_seconds',
    'Unix time of the last reply that completed a command, per system.',
  );
  readonly unanswered = gauge(
    'dsr_system_unanswered_seconds',
    'Seconds since the oldest pending command of a system was sent, while the system has replied to nothing since.',
  );
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  /** Completions newer than this are looked for; those already observed are remembered until they fall behind the overlap. */
  private highWater?: Date;
  private readonly observed = new Map<string, number>();

  constructor(private readonly repo: ExecutorMetricsRepository) {}

  onApplicationBootstrap(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), METRICS_REFRESH_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** One refresh: the gauges from a snapshot, the histogram from the completions not yet observed. */
  async refresh(): Promise<void> {
    if (!this.highWater) {
      // Completions before this process started were observed by its predecessor: remember, don't count.
      const now = await this.repo.now();
      for (const c of await this.repo.completedSince(new Date(now.getTime() - OVERLAP_MS)))
        this.observed.set(c.commandId, c.completedAt.getTime());
      this.highWater = now;
    }
    const [systems, completed, notices, now] = await Promise.all([
      this.repo.systems(),
      this.repo.completedSince(new Date(this.highWater.getTime() - OVERLAP_MS)),
      this.repo.recipientNotices(),
      // The database's clock, the one the action rows were stamped with.
      this.repo.now(),
    ]);
    // Set synchronously after reset: a scrape never sees the gauges half-filled.
    this.pending.reset();
    this.lastReply.reset();
    this.unanswered.reset();
    this.recipientNotices.reset();
    for (const n of notices) this.recipientNotices.set({ recipient_system_id: n.recipient, status: n.status }, n.count);
    for (const s of systems) {
      this.pending.set({ system_id: s.systemId }, s.pending);
      if (s.lastReplyAt) this.lastReply.set({ system_id: s.systemId }, s.lastReplyAt.getTime() / 1000);
      this.unanswered.set({ system_id: s.systemId }, unansweredSeconds(s, now));
    }
    for (const c of completed) {
      if (this.observed.has(c.commandId)) continue;
      this.observed.set(c.commandId, c.completedAt.getTime());
      this.roundTrip.observe({ system_id: c.systemId }, c.roundTripSeconds);
      if (c.completedAt > this.highWater) this.highWater = c.completedAt;
    }
    const forget = this.highWater.getTime() - OVERLAP_MS;
    for (const [id, at] of this.observed) if (at <= forget) this.observed.delete(id);
  }

  private tick(): void {
    if (this.inFlight) return;
    this.inFlight = this.refresh()
      .catch((err: unknown) =>
        this.logger.warn(`executor metrics not refreshed: ${err instanceof Error ? err.message : String(err)}`),
      )
      .finally(() => (this.inFlight = undefined));
  }
}

/** How long the system has been silent on its oldest pending command (0 if it replied since). */
export function unansweredSeconds(s: Pick<SystemSnapshot, 'oldestPendingAt' | 'lastReplyAt'>, now: Date): number {
  if (!s.oldestPendingAt) return 0;
  if (s.lastReplyAt && s.lastReplyAt >= s.oldestPendingAt) return 0;
  return Math.max(0, (now.getTime() - s.oldestPendingAt.getTime()) / 1000);
}
