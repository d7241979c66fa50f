/**
 * The executor's metrics against real Kafka and PostgreSQL: a plan sends commands to two
 * systems, one replies; /metrics then shows that system's round trip and last reply, and
 * the other's pending command (what the SystemStoppedReplying alert reads).
 */
import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { commandTopic, EVENTS, TOPICS, type PlanItem } from '@datarights/contracts';
import {
  cleanup,
  isolate,
  RawKafka,
  startTestService,
  usePolicy,
  waitFor,
  type Isolation,
  type Received,
} from '@datarights/testing';
import { AppModule, SCHEMA, SERVICE } from '../app.module';
import { ExecutorMetrics } from './executor-metrics';

// Commands never time out during the test: the pending one stays pending.
const POLICY = `
version: 1
profile: test
deadlines: { response: P1M, extensionMax: P2M, proofPeriod: P5Y }
commands: { respondWithin: PT1H, maxAttempts: 2, retryBackoff: PT1M }
categories:
  default: { action: erase }
`;

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
  let iso: Isolation;
  let app: NestExpressApplication;
  let raw: RawKafka;
  let commands: Received[];
  let restorePolicy: (() => void) | undefined;
  const replying = `crm-${randomUUID().slice(0, 6)}`;
  const quiet = `quiet-${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    iso = isolate('erasure-executor');
    restorePolicy = usePolicy(POLICY);
    raw = new RawKafka(iso.topicPrefix);
    await raw.ensureTopics([commandTopic(replying), commandTopic(quiet)]);
    app = await startTestService(AppModule, SERVICE, SCHEMA);
    commands = await raw.collect([commandTopic(replying), commandTopic(quiet)]);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await raw?.close();
    if (iso) await cleanup(iso);
    restorePolicy?.();
  });

  it('shows the round trip and last reply of the system that replied, and the pending command of the one that did not', async () => {
    const requestId = randomUUID();
    const started = Date.now() / 1000;
    const item = (systemId: string) =>
      ({
        systemId,
        role: 'controller',
        categories: ['identification'],
        capabilities: ['erase'],
        records: 1,
      }) as PlanItem;
    await raw.sendEvent(
      TOPICS.plans.name,
      requestId,
      EVENTS.planBuilt.type,
      {
        requestId,
        requestType: 'erasure',
        subjectRef: 'subj-metrics',
        subjectKeys: { email: ['metrics@example.test'] },
        items: [item(replying), item(quiet)],
      },
      { correlationid: requestId },
    );
    const erase = await raw.waitForMessage(
      commands,
      (r) => r.topic === commandTopic(replying) && r.envelope?.correlationid === requestId,
      'the erase command',
      45_000,
    );
    const { commandId } = erase.envelope!.data as { commandId: string };
    await raw.sendEvent(TOPICS.replies.name, requestId, EVENTS.commandCompleted.type, {
      commandId,
      requestId,
      systemId: replying,
      outcome: 'done',
      affectedRecords: 1,
    });

    const metrics = app.get(ExecutorMetrics);
    const scrape = async () => (await request(app.getHttpServer()).get('/metrics').expect(200)).text;
    const text = await waitFor(
      async () => {
        await metrics.refresh();
        const t = await scrape();
        return series(t, 'dsr_command_round_trip_seconds_count', { system_id: replying }) === 1 ? t : undefined;
      },
      'the completed command in the round-trip histogram',
      45_000,
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
