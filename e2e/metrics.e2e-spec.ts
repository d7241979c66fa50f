/**
 * What SREs watch (issue "Operate it", §3; deploy/observability): after an erasure has
 * completed and an invalid message was dead-lettered, /metrics on every service of the
 * stack shows the metrics the dashboard and the alerts read, with sensible values.
 */
import { randomUUID } from 'node:crypto';
import { systemTopic, TOPICS } from '../libs/contracts/src';
import { waitFor } from '../libs/testing/src/infra';
import { RawKafka } from '../libs/testing/src/kafka-client';
import { CUSTOMER_PAGE, demoReady, http, state, waitForStatus } from './support/api';
import { E2E_SERVICES, type ServiceName } from './support/stack';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text exposition format, samples only. */
function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return out;
}

async function scrape(service: ServiceName): Promise<{ text: string; samples: Sample[] }> {
  const res = await fetch(`${state.urls[service]}/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, samples: parse(text) };
}

const find = (samples: Sample[], name: string, labels: Record<string, string | RegExp> = {}) =>
  samples.filter(
    (s) =>
      s.name === name &&
      Object.entries(labels).every(([k, v]) => (typeof v === 'string' ? s.labels[k] === v : v.test(s.labels[k] ?? ''))),
  );

/** Waits until a scrape of `service` has a sample of `name` matching `ok`. */
function waitForSample(
  service: ServiceName,
  name: string,
  labels: Record<string, string | RegExp>,
  ok: (v: number) => boolean,
  timeoutMs = 60_000,
): Promise<Sample> {
  return waitFor(
    async () => find((await scrape(service)).samples, name, labels).find((s) => ok(s.value)),
    `${name} ${JSON.stringify(labels)} on ${service}`,
    timeoutMs,
    1000,
  );
}

const CONSUMERS: ServiceName[] = ['request-intake', 'identity', 'data-locator', 'erasure-executor', 'audit'];

describe('metrics, end to end', () => {
  const raw = new RawKafka(state.topicPrefix, 'e2e-metrics');
  let startedAt: number;

  beforeAll(async () => {
    startedAt = Date.now() / 1000;
    await demoReady();
    // An erasure of our own (tests run in any order): a demo customer the CRM holds.
    const page = await http<{ customers: Array<{ email: string; systems: string[] }> }>(
      'demo-systems',
      'GET',
      `/demo/customers?limit=50&offset=${CUSTOMER_PAGE.metrics}`,
      { token: null },
    );
    expect(page.status).toBe(200);
    const customer = page.body.customers.find((c) => c.systems.includes('crm'));
    if (!customer) throw new Error('no demo customer in the CRM in this page');
    const created = await http('request-intake', 'POST', '/v1/requests', {
      body: { type: 'erasure', subject: { email: customer.email }, channel: 'email' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await waitForStatus(id, ['awaiting-verification']);
    const verified = await http('request-intake', 'POST', `/v1/requests/${id}/verification`, {
      body: { method: 'dpo-attested', note: 'passport seen by the DPO at the counter' },
    });
    expect(verified.status).toBeLessThan(300);
    await waitForStatus(id, ['completed'], 120_000);
    // And a message no one can read, on a topic erasure-executor consumes.
    await raw.send(systemTopic(TOPICS.replies, 'crm'), `metrics-${randomUUID()}`, '{"this is": not json');
  }, 300_000);

  afterAll(async () => {
    await raw.close();
  });

  it('serves process metrics labelled with the service, and the messaging gauges, on every service', async () => {
    for (const { name: service } of E2E_SERVICES) {
      const { samples, text } = await scrape(service);
      expect(find(samples, 'process_cpu_user_seconds_total', { service })).toHaveLength(1);
      expect(find(samples, 'nodejs_heap_size_used_bytes', { service })[0]?.value).toBeGreaterThan(0);
      const pending = find(samples, 'messaging_outbox_pending', { service });
      expect(pending).toHaveLength(1);
      expect(pending[0].value).toBeGreaterThanOrEqual(0);
      expect(find(samples, 'messaging_outbox_lag_seconds', { service })[0]?.value).toBeGreaterThanOrEqual(0);
      for (const declared of [
        'messaging_dead_letters_total',
        'messaging_inbox_duplicates_total',
        'messaging_consumer_lag',
      ])
        expect(text).toContain(`# TYPE ${declared} `);
    }
  });

  it('shows requests by type and status, and the deadline gauges, on request-intake', async () => {
    await waitForSample('request-intake', 'dsr_requests', { type: 'erasure', status: 'completed' }, (v) => v >= 1);
    const { samples } = await scrape('request-intake');
    expect(find(samples, 'dsr_requests_overdue')[0]?.value).toBeGreaterThanOrEqual(0);
    expect(find(samples, 'dsr_requests_due_soon', { within: '3d' })[0]?.value).toBeGreaterThanOrEqual(0);
  });

  it('shows the command round trip, the pending commands and the last reply per system, on erasure-executor', async () => {
    const count = await waitForSample(
      'erasure-executor',
      'dsr_command_round_trip_seconds_count',
      { system_id: 'crm' },
      (v) => v >= 1,
    );
    expect(count.labels.service).toBe('erasure-executor');
    const { samples } = await scrape('erasure-executor');
    const sum = find(samples, 'dsr_command_round_trip_seconds_sum', { system_id: 'crm' })[0];
    // A demo system answers within seconds; the e2e policy gives it 4 s before a re-send.
    expect(sum.value / count.value).toBeGreaterThan(0);
    expect(sum.value / count.value).toBeLessThan(120);
    const inf = find(samples, 'dsr_command_round_trip_seconds_bucket', { system_id: 'crm', le: '+Inf' })[0];
    expect(inf.value).toBe(count.value);
    expect(find(samples, 'dsr_actions_pending', { system_id: 'crm' })[0]?.value).toBeGreaterThanOrEqual(0);
    // Refreshed from the database every 15 s: our own erasure's reply shows at the next refresh.
    const lastReply = await waitForSample(
      'erasure-executor',
      'dsr_system_last_reply_timestamp_seconds',
      { system_id: 'crm' },
      (v) => v >= startedAt - 60,
    );
    expect(lastReply.value).toBeLessThanOrEqual(Date.now() / 1000 + 60);
  });

  it('counts the dead-lettered message, by topic and reason', async () => {
    const dead = await waitForSample(
      'erasure-executor',
      'messaging_dead_letters_total',
      { topic: /pdata\.replies\.crm\.v1$/, reason: 'invalid-envelope' },
      (v) => v >= 1,
    );
    expect(dead.labels.service).toBe('erasure-executor');
  });

  it('reports the consumer lag of every consuming service, caught up after the run', async () => {
    for (const service of CONSUMERS) {
      const lag = await waitFor(
        async () => {
          const series = find((await scrape(service)).samples, 'messaging_consumer_lag', {
            group: `datarights.${service}.${state.id}`,
          });
          return series.length > 0 && series.every((s) => s.value >= 0) ? series : undefined;
        },
        `consumer lag on ${service}`,
        60_000,
        1000,
      );
      expect(lag.some((s) => s.labels.topic.endsWith('.v1'))).toBe(true);
    }
    // erasure-executor has handled every reply by now: nothing behind on crm's replies topic.
    await waitForSample(
      'erasure-executor',
      'messaging_consumer_lag',
      { topic: systemTopic(TOPICS.replies, 'crm'), group: `datarights.erasure-executor.${state.id}` },
      (v) => v === 0,
    );
  });
});
