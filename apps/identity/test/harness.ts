/**
 * identity against real Kafka and PostgreSQL, for the integration specs: the service in its
 * own schema and topics, a plain kafkajs client playing request-intake and the company
 * systems, every log line captured (to check that nothing personal is logged), and the
 * subject graph seeded: `sam` in crm (email, customer number; customer number, phone: the CRM
 * is authoritative for all three, so they link strongly), `tom` in crm.
 */
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import { EVENTS, TOPICS, type RecordEvent, type RequestSubmitted, type SubjectResolved } from '@datarights/contracts';
import {
  aRecordEvent,
  cleanup,
  isolate,
  RawKafka,
  startTestService,
  waitFor,
  withPg,
  type aSubject,
  type Isolation,
  type Received,
} from '@datarights/testing';
import { AppModule, SCHEMA, SERVICE } from '../src/app.module';

type Subject = ReturnType<typeof aSubject>;

export interface IdentityHarness {
  iso: Isolation;
  app: NestExpressApplication;
  kafka: RawKafka;
  received: Received[];
  logged: string[];
}

export async function startIdentityHarness(sam: Subject, tom: Subject): Promise<IdentityHarness> {
  const logged: string[] = [];
  for (const level of ['log', 'warn', 'error', 'debug', 'verbose'] as const) {
    jest.spyOn(Logger.prototype, level).mockImplementation(function (this: Logger, ...args: unknown[]) {
      logged.push(JSON.stringify(args));
    });
  }
  const iso = isolate(SERVICE);
  const app = await startTestService(AppModule, SERVICE, SCHEMA);
  const kafka = new RawKafka(iso.topicPrefix);
  const received = await kafka.collect([TOPICS.identity.name, TOPICS.notifications.name]);
  const h = { iso, app, kafka, received, logged };
  const events: RecordEvent[] = [
    aRecordEvent('crm', { email: sam.email, customerId: sam.customerId }),
    aRecordEvent('crm', { customerId: sam.customerId, phone: sam.phone }, { category: 'billing' }),
    aRecordEvent('crm', { email: tom.email, customerId: tom.customerId }),
  ];
  const ids: string[] = [];
  for (const e of events)
    ids.push(
      (await kafka.sendEvent(TOPICS.dataEvents.name, `${e.systemId}:${e.recordRef}`, EVENTS.recordStored.type, e)).id,
    );
  await waitFor(
    async () =>
      (await sqlIn<{ n: number }>(h, `SELECT count(*)::int AS n FROM inbox WHERE event_id = ANY($1)`, [ids]))[0]!.n ===
      ids.length,
    'data events applied',
  );
  return h;
}

export async function stopIdentityHarness(h: IdentityHarness | undefined): Promise<void> {
  jest.restoreAllMocks();
  await h?.kafka.close();
  await h?.app.close();
  if (h) await cleanup(h.iso);
}

/** A query in the service's schema. */
export const sqlIn = <T = Record<string, unknown>>(
  h: IdentityHarness,
  query: string,
  params: unknown[] = [],
): Promise<T[]> =>
  withPg(async (c) => {
    await c.query(`SET search_path TO "${h.iso.schema}"`);
    return (await c.query(query, params)).rows as T[];
  });

/** The events of a type about a request received so far (a function: call it again for the latest). */
export const eventsOf =
  <T>(h: IdentityHarness, type: string, requestId: string) =>
  () =>
    h.received
      .filter((r) => r.envelope?.type === type && (r.envelope.data as { requestId: string }).requestId === requestId)
      .map((r) => r.envelope!.data as T);

/** A subject's own request, as request-intake publishes it; waits until identity has resolved it. */
export async function fileRequest(
  h: IdentityHarness,
  over: Partial<RequestSubmitted> & Pick<RequestSubmitted, 'subject'>,
): Promise<{ requestId: string; resolved: SubjectResolved }> {
  const requestId = randomUUID();
  const now = new Date();
  const data: RequestSubmitted = {
    requestId,
    type: 'erasure',
    channel: 'portal',
    filedBy: 'subject',
    receivedAt: now.toISOString(),
    dueAt: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
    ...over,
  };
  await h.kafka.sendEvent(TOPICS.requests.name, requestId, EVENTS.requestSubmitted.type, data, {
    correlationid: requestId,
  });
  const resolved = eventsOf<SubjectResolved>(h, EVENTS.subjectResolved.type, requestId);
  await waitFor(async () => resolved().length === 1, `subjectResolved for ${requestId}`);
  return { requestId, resolved: resolved()[0]! };
}
