/** Shared set-up of request-intake's integration tests: the app on real Kafka + PostgreSQL, tokens, helpers. */
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { EVENTS, TOPICS, type EventName } from '@datarights/contracts';
import {
  aSubject,
  cleanup,
  isolate,
  RawKafka,
  startTestService,
  waitFor,
  withPg,
  type Isolation,
  type Received,
} from '@datarights/testing';
import { AppModule, SERVICE } from '../src/app.module';
import type { RequestViewDto } from '../src/requests/dto/request-view.dto';

export const DPO = 'int-dpo-token-0123456789';
export const OPERATOR = 'int-operator-token-0123456789';
export const AUDITOR = 'int-auditor-token-0123456789';

export interface Harness {
  iso: Isolation;
  app: NestExpressApplication;
  kafka: RawKafka;
  /** Everything on dsr.requests.v1 and dsr.notifications.v1 since the start. */
  received: Received[];
}

export async function startHarness(): Promise<Harness> {
  const iso = isolate(SERVICE);
  process.env.DPO_TOKEN = DPO;
  process.env.OPERATOR_TOKEN = OPERATOR;
  process.env.AUDITOR_TOKEN = AUDITOR;
  process.env.RATE_LIMIT_POST_PER_MINUTE = '10000';
  const app = await startTestService(AppModule, SERVICE, iso.schema);
  const kafka = new RawKafka(iso.topicPrefix);
  const received = await kafka.collect([TOPICS.requests.name, TOPICS.notifications.name]);
  return { iso, app, kafka, received };
}

export async function stopHarness(h: Harness | undefined): Promise<void> {
  if (!h) return;
  await h.app.close();
  await h.kafka.close();
  await cleanup(h.iso);
}

export const api = (h: Harness) => request(h.app.getHttpServer());

export function erasureBody(subject: Partial<ReturnType<typeof aSubject>> = aSubject()) {
  return { type: 'erasure', subject, channel: 'email' };
}

export async function fileRequest(
  h: Harness,
  body: object = erasureBody(),
  token = DPO,
): Promise<{ id: string; receivedAt: string; dueAt: string; status: string }> {
  const res = await api(h).post('/v1/requests').set('Authorization', `Bearer ${token}`).send(body);
  if (res.status !== 201) throw new Error(`filing failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function getRequest(h: Harness, id: string, token = DPO): Promise<RequestViewDto> {
  const res = await api(h).get(`/v1/requests/${id}`).set('Authorization', `Bearer ${token}`);
  if (res.status !== 200) throw new Error(`GET failed: ${res.status}`);
  return res.body;
}

/** Waits until the request reaches a status (or another condition on its view). */
export function waitForRequest(h: Harness, id: string, what: string, ok: (view: RequestViewDto) => boolean) {
  return waitFor(async () => {
    const view = await getRequest(h, id);
    return ok(view) ? view : undefined;
  }, `request ${id}: ${what}`);
}

export const waitForStatus = (h: Harness, id: string, status: string) =>
  waitForRequest(h, id, `status ${status}`, (v) => v.status === status);

/** Sends an event as the service that owns it would (identity, data-locator, erasure-executor), by hand. */
export async function send<N extends EventName>(
  h: Harness,
  name: N,
  data: Record<string, unknown> & { requestId: string },
) {
  const def = EVENTS[name];
  if (def.topic === 'command') throw new Error('not a dsr topic');
  return h.kafka.sendEvent(def.topic.name, data.requestId, def.type, data, { correlationid: data.requestId });
}

export function messagesOf(h: Harness, type: string, requestId: string): Received[] {
  return h.received.filter((m) => m.envelope?.type === type && m.key === requestId);
}

export function waitForMessage(
  h: Harness,
  type: string,
  requestId: string,
  extra: (m: Received) => boolean = () => true,
) {
  return h.kafka.waitForMessage(
    h.received,
    (m) => m.envelope?.type === type && m.key === requestId && extra(m),
    `${type} for ${requestId}`,
  );
}

export function countRows(h: Harness, table: string, where = 'true', params: unknown[] = []): Promise<number> {
  return withPg(async (c) =>
    Number(
      (await c.query(`SELECT count(*)::int AS n FROM "${h.iso.schema}"."${table}" WHERE ${where}`, params)).rows[0].n,
    ),
  );
}

export const uuid = () => randomUUID();
