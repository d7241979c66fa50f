/**
 * A service's own readiness conditions, beyond PostgreSQL and Kafka answering: e.g. that
 * demo-systems' connectors are consuming. A service provides one `READINESS_CHECK` in any
 * of its modules; `/health/ready` (health.controller.ts) finds it there and reports down
 * while it says not ready, so an orchestrator and the monitoring see a service that cannot
 * do its work even though its process and its connections are fine.
 */
export interface ReadinessResult {
  ready: boolean;
  /** Shown in the health answer: ids, states, counts, error classes; never personal data. */
  details?: Record<string, unknown>;
}

export interface ReadinessCheck {
  /** The key of this check in the `/health/ready` answer. */
  readonly name: string;
  check(): ReadinessResult | Promise<ReadinessResult>;
}

export const READINESS_CHECK = Symbol('READINESS_CHECK');
