/**
 * erasure-executor against real Kafka and PostgreSQL, for the integration specs: the
 * service (one replica or two on the same schema and consumer group) in its own schema and
 * topics, with the test's own policy file and variables; a plain kafkajs client playing
 * data-locator (plans, approved registrations), request-intake (requests, the DPO's
 * decisions) and the company systems (command topics, replies); every log line captured;
 * a subject whose keys the plans carry; and small helpers to send and to wait.
 */
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { commandTopic, EVENTS, TOPICS, type EventEnvelope, type PlanItem } from '@datarights/contracts';
import {
  anApprovedSystem,
  aSubject,
  cleanup,
  isolate,
  RawKafka,
  startTestService,
  usePolicy,
  waitFor,
  withPg,
  type Isolation,
  type Received,
} from '@datarights/testing';
import { AppModule, SERVICE } from '../src/app.module';
import { item } from './plan-items';

/** How long a spec waits for the executor: a consumer group may take a rebalance or two to settle. */
export const SLOW = 45_000;
export const DAY = 86_400_000;

export type EventName = keyof typeof EVENTS;

/** Billing records kept ten years from their own date (Art. 17(3)(b); Code de commerce L123-22): a policy category. */
export const BILLING_RETENTION = `
  billing:
    action: retain
    retention: { period: P10Y, from: record-date, ground: "Art. 17(3)(b)", legalText: "Code de commerce L123-22" }`;

/**
 * A policy file of the test's own (YAML, for `policy`): erase by default, with the spec's
 * command timings (the only timing involved) and its own categories or recipient rules.
 */
export const testPolicy = (commands: string, more: { categories?: string; recipients?: string } = {}) => `
version: 1
profile: test
deadlines: { response: P1M, extensionMax: P2M, proofPeriod: P5Y }
commands: { ${commands} }
${more.recipients ? `recipients: { ${more.recipients} }` : ''}
categories:
  default: { action: erase }${more.categories ?? ''}
`;

export interface HarnessOptions {
  /** A policy file of the test's own (YAML); the repository's policy otherwise. */
  policy?: string;
  /** Variables the service reads at start-up, put back when the harness stops. */
  env?: Record<string, string>;
  /** Systems whose command topics are created before the start and collected (others: the executor creates them). */
  systems?: string[];
  /** Topics collected besides dsr.actions.v1, dsr.notifications.v1 and the systems' command topics. */
  collect?: string[];
  /** Executor instances on the same schema and consumer group (replicas). */
  replicas?: number;
  /** Registrations put in force before the specs run, as data-locator publishes them. */
  approvedSystems?: Parameters<typeof anApprovedSystem>[0][];
}

export interface Harness {
  iso: Isolation;
  /** The first replica. */
  app: NestExpressApplication;
  apps: NestExpressApplication[];
  kafka: RawKafka;
  /** Everything collected since the start. */
  received: Received[];
  logged: string[];
  subject: ReturnType<typeof aSubject>;
  /** The subject's keys, as the plans carry them. */
  subjectKeys: Record<string, string[]>;
  restore: () => void;
}

export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  const logged: string[] = [];
  for (const level of ['log', 'warn', 'error', 'debug', 'verbose'] as const) {
    jest.spyOn(Logger.prototype, level).mockImplementation(function (this: Logger, ...args: unknown[]) {
      logged.push(JSON.stringify(args));
    });
  }
  const iso = isolate(SERVICE);
  const restore = setEnv(o.env ?? {}, o.policy);
  const kafka = new RawKafka(iso.topicPrefix);
  const systems = o.systems ?? [];
  if (systems.length) await kafka.ensureTopics(systems.map(commandTopic));
  const apps: NestExpressApplication[] = [];
  for (let i = 0; i < (o.replicas ?? 1); i++) apps.push(await startTestService(AppModule, SERVICE, iso.schema));
  const received = await kafka.collect([
    TOPICS.actions.name,
    TOPICS.notifications.name,
    ...systems.map(commandTopic),
    ...(o.collect ?? []),
  ]);
  const subject = aSubject();
  const h: Harness = {
    iso,
    app: apps[0]!,
    apps,
    kafka,
    received,
    logged,
    subject,
    subjectKeys: { email: [subject.email], customerId: [subject.customerId] },
    restore,
  };
  if (o.approvedSystems?.length) await approveSystems(h, o.approvedSystems);
  return h;
}

export async function stopHarness(h: Harness | undefined): Promise<void> {
  jest.restoreAllMocks();
  if (!h) return;
  for (const app of h.apps) await app.close();
  await h.kafka.close();
  await cleanup(h.iso);
  h.restore();
}

/** Stops a replica and starts it again on the same schema (its schedules are rows: they survive). */
export async function restartReplica(h: Harness, i: number): Promise<NestExpressApplication> {
  await h.apps[i]!.close();
  h.apps[i] = await startTestService(AppModule, SERVICE, h.iso.schema);
  if (i === 0) h.app = h.apps[0]!;
  return h.apps[i]!;
}

function setEnv(env: Record<string, string>, policy: string | undefined): () => void {
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const restorePolicy = policy === undefined ? undefined : usePolicy(policy);
  return () => {
    restorePolicy?.();
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** No log line names the subject (docs/conventions.md: no personal data in logs); lines were logged, so this can fail. */
export function expectNothingPersonalLogged(h: Harness): void {
  expect(h.logged.length).toBeGreaterThan(0);
  const all = h.logged.join('\n').toLowerCase();
  for (const key of [h.subject.email, h.subject.customerId, h.subject.phone])
    expect(all).not.toContain(key.toLowerCase());
}

/** A query in the service's schema. */
export const sql = <T = Record<string, unknown>>(h: Harness, query: string, params: unknown[] = []): Promise<T[]> =>
  withPg(async (c) => {
    await c.query(`SET search_path TO "${h.iso.schema}"`);
    return (await c.query(query, params)).rows as T[];
  });

/** Rows the executor wrote to its outbox: committed with the handling of each event, in order. */
export const outboxCount = async (h: Harness, type: string, field: string, value: string): Promise<number> =>
  (
    await sql<{ n: number }>(
      h,
      `SELECT count(*)::int AS n FROM outbox WHERE envelope->>'type' = $1 AND envelope->'data'->>$2 = $3`,
      [type, field, value],
    )
  )[0]!.n;

/** Waits until the executor has handled these events (their inbox rows are committed). */
export const handled = (h: Harness, events: Pick<EventEnvelope, 'id'>[], what: string) =>
  waitFor(
    async () =>
      (
        await sql<{ n: number }>(h, `SELECT count(*)::int AS n FROM inbox WHERE event_id = ANY($1)`, [
          events.map((e) => e.id),
        ])
      )[0]!.n === events.length,
    what,
    SLOW,
  );

/** Puts registrations in force, as data-locator publishes them once the DPO approved them, and waits until they are handled. */
export async function approveSystems(h: Harness, systems: Parameters<typeof anApprovedSystem>[0][]) {
  const sent: EventEnvelope[] = [];
  for (const s of systems) {
    const approved = anApprovedSystem(s);
    sent.push(
      await h.kafka.sendEvent(TOPICS.systemApprovals.name, approved.systemId, EVENTS.systemApproved.type, approved),
    );
  }
  await handled(h, sent, 'the registrations handled');
}

export const dataOf = <T = Record<string, unknown>>(r: Received) => r.envelope?.data as T;

const isEvent = (r: Received, name: EventName, requestId: string) =>
  r.envelope?.type === EVENTS[name].type && dataOf<{ requestId: string }>(r).requestId === requestId;

/** The events of a type about a request received so far, their data. */
export const eventsOf = <T = Record<string, unknown>>(h: Harness, name: EventName, requestId: string) =>
  h.received.filter((r) => isEvent(r, name, requestId)).map((r) => dataOf<T>(r));

/** Waits for an event of a type about a request (and `pred`), in `list` (what the harness collected by default). */
export const waitEvent = async <T = Record<string, unknown>>(
  h: Harness,
  name: EventName,
  requestId: string,
  pred: (d: T) => boolean = () => true,
  list = h.received,
): Promise<T> =>
  dataOf<T>(
    await h.kafka.waitForMessage(
      list,
      (r) => isEvent(r, name, requestId) && pred(dataOf<T>(r)),
      `${name} of ${requestId}`,
      SLOW,
    ),
  );

/** Waits until `n` events of a type about a request have come; all of them. */
export const waitEvents = <T = Record<string, unknown>>(h: Harness, name: EventName, requestId: string, n = 1) =>
  waitFor(
    async () => (eventsOf<T>(h, name, requestId).length >= n ? eventsOf<T>(h, name, requestId) : undefined),
    `${n} ${name} of ${requestId}`,
    SLOW,
  );

/** What a command carries (the fields the specs read). */
export interface Cmd {
  type: string;
  key: string | null;
  commandId: string;
  requestId: string;
  systemId: string;
  categories: string[];
  respondBy: string;
  subjectKeys: Record<string, string[]>;
  ground?: string;
  until?: string;
  action?: string;
  fromSystemId?: string;
  changes?: Record<string, string>;
  purposes?: string[];
  reminder?: number;
  recordRefs?: string[];
  createdBefore?: string;
}

/** The commands sent to a system's command topic about a request, in order. */
export const commandsTo = (h: Harness, systemId: string, requestId: string, list = h.received): Cmd[] =>
  list
    .filter((r) => r.topic === commandTopic(systemId) && dataOf<Cmd>(r).requestId === requestId)
    .map((r) => ({ ...dataOf<Cmd>(r), type: r.envelope!.type, key: r.key }));

/** Waits until `n` commands have been sent to a system about a request; all of them. */
export const waitCommands = (h: Harness, systemId: string, requestId: string, n = 1, list = h.received) =>
  waitFor(
    async () =>
      commandsTo(h, systemId, requestId, list).length >= n ? commandsTo(h, systemId, requestId, list) : undefined,
    `${n} commands to ${systemId}`,
    SLOW,
  );

/** Waits for the first command of a type sent to a system about a request. */
export const waitCommandOf = (h: Harness, systemId: string, requestId: string, type: EventName) =>
  waitFor(
    async () => commandsTo(h, systemId, requestId).find((c) => c.type === EVENTS[type].type),
    `${type} of ${requestId}`,
    SLOW,
  );

/** A system's part of a plan, as data-locator builds it: a controller system that exports and erases. */
export const planItem = (systemId: string, categories: string[], o: Partial<PlanItem> = {}): PlanItem =>
  item({ systemId, categories, capabilities: ['export', 'erase'], records: 2, ...o });

/** A plan for a request, as data-locator publishes it, carrying the subject's keys. */
export const sendPlan = (
  h: Harness,
  requestId: string,
  items: PlanItem[],
  requestType = 'erasure',
  subjectKeys = h.subjectKeys,
) =>
  h.kafka.sendEvent(
    TOPICS.plans.name,
    requestId,
    EVENTS.planBuilt.type,
    { requestId, requestType, subjectRef: `subj-${requestId.slice(0, 8)}`, subjectKeys, items },
    { correlationid: requestId },
  );

/** A request as request-intake publishes it (the parameters of a right: changes, purposes, ground). */
export const submit = (h: Harness, requestId: string, type: string, extra: object = {}, key = requestId) =>
  h.kafka.sendEvent(TOPICS.requests.name, key, EVENTS.requestSubmitted.type, {
    requestId,
    type,
    subject: { email: h.subject.email },
    channel: 'email',
    receivedAt: new Date().toISOString(),
    dueAt: new Date(Date.now() + 30 * DAY).toISOString(),
    filedBy: 'dpo',
    ...extra,
  });

/** Waits until the executor stored the parameters of a submitted request. */
export const parametersStored = (h: Harness, requestId: string) =>
  waitFor(
    async () => (await sql(h, `SELECT 1 FROM request_parameters WHERE request_id = $1`, [requestId]))[0],
    'the parameters stored',
    SLOW,
  );

/** A system's reply to a command: done with 2 records unless told otherwise. */
export const reply = (
  h: Harness,
  c: Pick<Cmd, 'commandId' | 'requestId' | 'systemId'>,
  type: 'commandCompleted' | 'commandFailed' = 'commandCompleted',
  extra: object = {},
) =>
  h.kafka.sendEvent(TOPICS.replies.name, c.requestId, EVENTS[type].type, {
    commandId: c.commandId,
    requestId: c.requestId,
    systemId: c.systemId,
    outcome: type === 'commandFailed' ? 'failed' : 'done',
    affectedRecords: 2,
    ...extra,
  });
