/**
 * Request gauges for Prometheus (default registry, scraped at /metrics): requests by type and
 * status, open requests past their due date (Art. 12(3)), and those due within the policy's
 * deadlines.dueSoonWithin (P3D by default), so that an alert fires before a deadline is
 * missed. Read with the Clock. Refreshed from the database on an interval (unref'd: it
 * never keeps the process alive; cleared on shutdown).
 */
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { REQUEST_TYPES } from '@datarights/contracts';
import { parseDuration, Policy } from '@datarights/policy';
import { RequestIntakeConfig } from '../config/app.config';
import { dueSoonUntil } from '../requests/deadlines';
import { REQUEST_STATUSES } from '../requests/request-state';
import { RequestsRepository } from '../requests/requests.repository';
import { Clock } from '@datarights/service-kit';

/** The gauge's `within` label: `3d` for whole days (as dashboards read it), else the ISO duration. */
export function withinLabel(duration: string): string {
  const d = parseDuration(duration);
  const onlyDays = !d.years && !d.months && !d.hours && !d.minutes && !d.seconds;
  return onlyDays ? `${d.weeks * 7 + d.days}d` : duration;
}

function gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> {
  return (
    (register.getSingleMetric(name) as Gauge<L> | undefined) ??
    new Gauge<L>({ name, help, labelNames: [...labelNames] })
  );
}

@Injectable()
export class RequestMetrics implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RequestMetrics.name);
  private readonly byStatus = gauge('dsr_requests', 'Requests by type and status.', ['type', 'status'] as const);
  private readonly overdue = gauge(
    'dsr_requests_overdue',
    'Open requests past their due date (GDPR Art. 12(3)).',
    [] as const,
  );
  private readonly dueSoon = gauge('dsr_requests_due_soon', 'Open requests due within the window.', [
    'within',
  ] as const);
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;

  constructor(
    private readonly repo: RequestsRepository,
    private readonly config: RequestIntakeConfig,
    private readonly policy: Policy,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.config.METRICS_REFRESH_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** Reads the counts once; every known type and status is set, to 0 when there are none. */
  async refresh(): Promise<void> {
    const now = this.clock.now();
    const [counts, deadlines] = await Promise.all([
      this.repo.countsByTypeAndStatus(),
      this.repo.deadlineCounts(now, dueSoonUntil(now, this.policy.deadlines)),
    ]);
    const found = new Map(counts.map((c) => [`${c.type}\u0000${c.status}`, c.count]));
    this.byStatus.reset();
    const types = new Set<string>([...REQUEST_TYPES, ...counts.map((c) => c.type)]);
    for (const type of types)
      for (const status of REQUEST_STATUSES)
        this.byStatus.set({ type, status }, found.get(`${type}\u0000${status}`) ?? 0);
    this.overdue.set(deadlines.overdue);
    this.dueSoon.reset();
    this.dueSoon.set({ within: withinLabel(this.policy.deadlines.dueSoonWithin) }, deadlines.dueSoon);
  }

  private tick(): void {
    if (this.inFlight) return;
    this.inFlight = this.refresh()
      .catch((err: unknown) =>
        this.logger.warn(`request metrics not refreshed: ${err instanceof Error ? err.message : String(err)}`),
      )
      .finally(() => (this.inFlight = undefined));
  }
}
