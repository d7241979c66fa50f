/**
 * Per-hop latency of erasure requests, from the timestamps the stack already keeps: each
 * event's outbox row (`created_at`: written by its producer's handler; `sent_at`: picked by
 * the relay), its Kafka record (log-append time: the bench sets the stack's topics to
 * `LogAppendTime`), and each consumer's inbox row (`received_at`: its batch arrived;
 * `handled_at`: its handler started). A hop of an event from A to B is split into
 *
 *   relay   A's outbox write → A's relay picks it (commit, NOTIFY, relay wake-up)
 *   send    relay picks it → broker appends it (producer round trip)
 *   fetch   broker append → B's consumer has the batch (fetch wait)
 *   queue   B has the batch → B's handler starts (messages ahead of it, transactions)
 *   handle  B's handler starts → B writes the next event (B's own work)
 *
 * and, for the company systems (no outbox, no inbox: the connector SDK), `system`: command
 * appended → reply appended. Used by erasure.bench.ts after the single request and after
 * each burst.
 */
import { Client } from 'pg';
import { Kafka, logLevel } from 'kafkajs';

export interface HopSample {
  /** `relay`, `send`, `fetch`, `queue`, `handle`, `system`. */
  hop: string;
  /** The event type, without `.v1`. */
  type: string;
  /** Who produced it (relay, send) or consumed it (fetch, queue, handle); the system for `system`. */
  service: string;
  ms: number;
  /** When the hop started (ms since epoch), for the single request's timeline. */
  at: number;
}

interface KafkaEvent {
  id: string;
  type: string;
  source: string;
  causationId?: string;
  appendedAt: number;
  topic: string;
}

const HOP_ORDER = ['relay', 'send', 'fetch', 'queue', 'handle', 'system'];

/** Sets every topic of the stack to the broker's log-append time, so record timestamps are append times. */
export async function useLogAppendTime(brokers: string[], topicPrefix: string): Promise<void> {
  const admin = new Kafka({ clientId: 'bench-hops', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
    await admin.alterConfigs({
      validateOnly: false,
      resources: topics.map((name) => ({
        type: 2, // TOPIC
        name,
        configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }],
      })),
    });
  } finally {
    await admin.disconnect();
  }
}

/** Reads the request events of these requests from the stack's dsr.* and command/reply topics. */
async function kafkaEvents(brokers: string[], topicPrefix: string, requests: Set<string>): Promise<KafkaEvent[]> {
  const kafka = new Kafka({ clientId: 'bench-hops', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter(
    (t) =>
      t.startsWith(topicPrefix) &&
      !t.endsWith('.dlq') &&
      !t.includes('.dlq.') &&
      /^(dsr\.|pdata\.commands\.|pdata\.replies)/.test(t.slice(topicPrefix.length)),
  );
  const ends = new Map<string, number>();
  for (const t of topics)
    for (const p of await admin.fetchTopicOffsets(t))
      if (Number(p.high) > 0) ends.set(`${t}:${p.partition}`, Number(p.high));
  await admin.disconnect();
  const out: KafkaEvent[] = [];
  if (ends.size === 0) return out;
  const consumer = kafka.consumer({ groupId: `bench-hops-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({
    topics: [...new Set([...ends.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))))],
    fromBeginning: true,
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('hops: topics not read within 120 s')), 120_000);
    void consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          try {
            const e = JSON.parse(m.value?.toString() ?? '') as Record<string, string>;
            if (requests.has(e.correlationid))
              out.push({
                id: e.id,
                type: e.type.replace(/\.v\d+$/, ''),
                source: e.source,
                causationId: e.causationid,
                appendedAt: Number(m.timestamp),
                topic: batch.topic.slice(topicPrefix.length),
              });
          } catch {
            /* not an event: not ours */
          }
        }
        const k = `${batch.topic}:${batch.partition}`;
        if (Number(batch.lastOffset()) + 1 >= (ends.get(k) ?? 0)) ends.delete(k);
        if (ends.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return out;
}

/** Collects every hop sample of these requests. `schemas`: service name → its schema. */
export async function collectHops(
  databaseUrl: string,
  brokers: string[],
  topicPrefix: string,
  schemas: Record<string, string>,
  requestIds: string[],
): Promise<HopSample[]> {
  const requests = new Set(requestIds);
  const events = await kafkaEvents(brokers, topicPrefix, requests);
  const byId = new Map(events.map((e) => [e.id, e]));
  const ids = [...byId.keys()];
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  const outbox = new Map<string, { created: number; sent: number | null; service: string }>();
  /** Per consumer service: event id → inbox times. */
  const inbox: { service: string; eventId: string; received: number | null; handled: number }[] = [];
  /** Per service: causation id → first outbox write it caused. */
  const caused = new Map<string, number>();
  try {
    for (const [service, schema] of Object.entries(schemas)) {
      const o = await pg.query<{ id: string; created: Date; sent: Date | null; cause: string | null }>(
        `SELECT id::text, created_at AS created, sent_at AS sent, envelope->>'causationid' AS cause
           FROM "${schema}".outbox WHERE id::text = ANY($1)`,
        [ids],
      );
      for (const r of o.rows) {
        outbox.set(r.id, { created: r.created.getTime(), sent: r.sent?.getTime() ?? null, service });
        if (r.cause) {
          const k = `${service}:${r.cause}`;
          caused.set(k, Math.min(caused.get(k) ?? Infinity, r.created.getTime()));
        }
      }
      const i = await pg.query<{ event_id: string; received: Date | null; handled: Date }>(
        `SELECT event_id, received_at AS received, handled_at AS handled
           FROM "${schema}".inbox WHERE event_id = ANY($1) AND status = 'handled'`,
        [ids],
      );
      for (const r of i.rows)
        inbox.push({
          service,
          eventId: r.event_id,
          received: r.received?.getTime() ?? null,
          handled: r.handled.getTime(),
        });
    }
  } finally {
    await pg.end();
  }
  if (process.env.BENCH_DEBUG)
    console.log(`hops: ${events.length} events on Kafka, ${outbox.size} outbox rows, ${inbox.length} inbox rows`);
  const samples: HopSample[] = [];
  const add = (
    hop: string,
    type: string,
    service: string,
    from: number | null | undefined,
    to: number | null | undefined,
  ) => {
    if (from != null && to != null && Number.isFinite(from) && Number.isFinite(to))
      samples.push({ hop, type, service, ms: to - from, at: from });
  };
  for (const e of events) {
    const o = outbox.get(e.id);
    if (o) {
      add('relay', e.type, o.service, o.created, o.sent);
      add('send', e.type, o.service, o.sent, e.appendedAt);
    } else if (e.causationId && byId.has(e.causationId)) {
      // Written straight to Kafka by a company system (connector SDK): its whole turn.
      add('system', e.type, e.source, byId.get(e.causationId)!.appendedAt, e.appendedAt);
    }
  }
  for (const r of inbox) {
    const e = byId.get(r.eventId);
    if (!e) continue;
    add('fetch', e.type, r.service, e.appendedAt, r.received);
    add('queue', e.type, r.service, r.received, r.handled);
    add('handle', e.type, r.service, r.handled, caused.get(`${r.service}:${r.eventId}`));
  }
  return samples;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
    .join('\n');
}

/** p50 / p99 per hop (all events), then per hop, event type and service. */
export function formatHops(samples: HopSample[], title: string): string {
  const groups = new Map<string, number[]>();
  const push = (k: string, v: number) => groups.set(k, [...(groups.get(k) ?? []), v]);
  for (const s of samples) {
    push(`${s.hop}|*|*`, s.ms);
    push(`${s.hop}|${s.type}|${s.service}`, s.ms);
  }
  const rows = [['hop', 'event → service', 'n', 'p50 ms', 'p99 ms', 'max ms']];
  const keys = [...groups.keys()].sort((a, b) => {
    const [ha, ta] = a.split('|');
    const [hb, tb] = b.split('|');
    return HOP_ORDER.indexOf(ha) - HOP_ORDER.indexOf(hb) || (ta === '*' ? -1 : tb === '*' ? 1 : a.localeCompare(b));
  });
  for (const k of keys) {
    const [hop, type, service] = k.split('|');
    const v = groups.get(k)!.sort((a, b) => a - b);
    rows.push([
      type === '*' ? hop.toUpperCase() : `  ${hop}`,
      type === '*' ? 'all' : `${type} → ${service}`,
      String(v.length),
      pct(v, 50).toFixed(0),
      pct(v, 99).toFixed(0),
      v[v.length - 1].toFixed(0),
    ]);
  }
  return `${title}\n${table(rows)}\n`;
}

/** One request's hops in time order, each with its start relative to the first. */
export function formatTimeline(samples: HopSample[], title: string): string {
  const sorted = [...samples].sort((a, b) => a.at - b.at);
  const t0 = sorted[0]?.at ?? 0;
  const rows = [['t ms', 'hop', 'event → service', 'ms']];
  for (const s of sorted) rows.push([String(s.at - t0), s.hop, `${s.type} → ${s.service}`, s.ms.toFixed(0)]);
  return `${title}\n${table(rows)}\n`;
}

/**
 * Waits until every consumer group of the stack has read all there is (the seed's data
 * events take a while to index): a request filed before would wait behind that backlog
 * and time the seed, not the request.
 */
export async function waitForCatchUp(
  brokers: string[],
  topicPrefix: string,
  groups: string[],
  timeoutMs = 600_000,
): Promise<void> {
  const admin = new Kafka({ clientId: 'bench-hops', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (let lag = Infinity; lag > 0;) {
      if (Date.now() > deadline) {
        console.warn(`consumers still ${lag} messages behind after ${timeoutMs / 1000} s: going on`);
        return;
      }
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
      const high = new Map<string, number>();
      for (const t of topics)
        for (const p of await admin.fetchTopicOffsets(t)) high.set(`${t}:${p.partition}`, Number(p.high));
      lag = 0;
      for (const groupId of groups)
        for (const t of await admin.fetchOffsets({ groupId, topics })) {
          // A topic the group does not read has no committed offsets at all: not lag.
          if (t.partitions.every((p) => Number(p.offset) < 0)) continue;
          for (const p of t.partitions)
            lag += Math.max(0, (high.get(`${t.topic}:${p.partition}`) ?? 0) - Math.max(0, Number(p.offset)));
        }
      if (lag > 0) await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    await admin.disconnect();
  }
}
