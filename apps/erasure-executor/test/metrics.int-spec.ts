/**
 * The executor's metrics against real Kafka and PostgreSQL: a plan sends commands to two
 * systems, one replies; /metrics then shows that system's round trip and last reply, and
 * the other's pending command (what the SystemStoppedReplying alert reads).
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { waitFor } from '@datarights/testing';
import { ExecutorMetrics } from '../src/metrics/executor-metrics';
import { commandTopic } from '@datarights/contracts';
import {
  dataOf,
  planItem,
  reply,
  sendPlan,
  SLOW,
  startHarness,
  stopHarness,
  testPolicy,
  type Cmd,
  type Harness,
} from './harness';

// Commands never time out during the test: the pending one stays pending.
const POLICY = testPolicy('respondWithin: PT1H, maxAttempts: 2, retryBackoff: PT1M');

/** A metric's value in the Prometheus text exposition, by its exact series. */
function series(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inner = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (Object.entries(labels).every(([k, v]) => inner.includes(`${k}="${v}"`)))
      return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('erasure-executor metrics', () => {
  let h: Harness;
  const replying = `crm-${randomUUID().slice(0, 6)}`;
  const quiet = `quiet-${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    h = await startHarness({ policy: POLICY, systems: [replying, quiet] });
  }, 120_000);

  afterAll(() => stopHarness(h));

  it('shows the round trip and last reply of the system that replied, and the pending command of the one that did not', async () => {
    const requestId = randomUUID();
    const started = Date.now() / 1000;
    const item = (systemId: string) => planItem(systemId, ['identification'], { capabilities: ['erase'], records: 1 });
    await sendPlan(h, requestId, [item(replying), item(quiet)]);
    const erase = await h.kafka.waitForMessage(
      h.received,
      (r) => r.topic === commandTopic(replying) && r.envelope?.correlationid === requestId,
      'the erase command',
      SLOW,
    );
    await reply(h, dataOf<Cmd>(erase), 'commandCompleted', { affectedRecords: 1 });

    const metrics = h.app.get(ExecutorMetrics);
    const scrape = async () => (await request(h.app.getHttpServer()).get('/metrics').expect(200)).text;
    const text = await waitFor(
      async () => {
        await metrics.refresh();
        const t = await scrape();
        return series(t, 'dsr_command_round_trip_seconds_count', { system_id: replying }) === 1 ? t : undefined;
      },
      'the completed command in the round-trip histogram',
      SLOW,
      250,
    );

    expect(series(text, 'dsr_command_round_trip_seconds_sum', { system_id: replying })).toBeGreaterThanOrEqual(0);
    expect(series(text, 'dsr_actions_pending', { system_id: replying })).toBe(0);
    expect(series(text, 'dsr_actions_pending', { system_id: quiet })).toBe(1);
    expect(series(text, 'dsr_system_last_reply_timestamp_seconds', { system_id: replying })).toBeGreaterThanOrEqual(
      Math.floor(started) - 1,
    );
    expect(series(text, 'dsr_system_last_reply_timestamp_seconds', { system_id: quiet })).toBeUndefined();
    expect(series(text, 'dsr_system_unanswered_seconds', { system_id: replying })).toBe(0);
    expect(series(text, 'dsr_system_unanswered_seconds', { system_id: quiet })).toBeGreaterThan(0);
    expect(text).toContain('service="erasure-executor"');

    // Refreshing again observes nothing twice.
    await metrics.refresh();
    expect(series(await scrape(), 'dsr_command_round_trip_seconds_count', { system_id: replying })).toBe(1);
  }, 90_000);
});
