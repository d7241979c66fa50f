/**
 * request-intake's HTTP API against real Kafka and PostgreSQL: authentication and roles,
 * validation that changes nothing, filing with its event, idempotency, limits, listing,
 * and the OpenAPI document.
 */
import { DateTime } from 'luxon';
import { EVENTS, TOPICS } from '@datarights/contracts';
import { DEFAULT_TIME_ZONE } from '@datarights/policy';
import { openApiDocument } from '@datarights/service-kit';
import { aSubject } from '@datarights/testing';
import { RequestMetrics } from '../src/metrics/request-metrics';
import {
  api,
  AUDITOR,
  countRows,
  DPO,
  erasureBody,
  fileRequest,
  getRequest,
  messagesOf,
  OPERATOR,
  startHarness,
  stopHarness,
  uuid,
  waitForMessage,
  type Harness,
} from './harness';

jest.setTimeout(90_000);

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 120_000);

afterAll(async () => {
  await stopHarness(h);
});

const SUBMITTED = EVENTS.requestSubmitted.type;

describe('authentication and roles', () => {
  it('401 without a token or with an unknown one', async () => {
    const none = await api(h).post('/v1/requests').send(erasureBody());
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ statusCode: 401, error: expect.objectContaining({ code: 'UNAUTHENTICATED' }) });
    expect((await api(h).get('/v1/requests').set('Authorization', 'Bearer nope')).status).toBe(401);
  });

  it('403 for a role that is not allowed: auditors do not file, operators do not attest', async () => {
    expect(
      (await api(h).post('/v1/requests').set('Authorization', `Bearer ${AUDITOR}`).send(erasureBody())).status,
    ).toBe(403);
    const { id } = await fileRequest(h, erasureBody(), OPERATOR);
    const res = await api(h)
      .post(`/v1/requests/${id}/verification`)
      .set('Authorization', `Bearer ${OPERATOR}`)
      .send({ method: 'dpo-attested', note: 'seen' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect(
      (
        await api(h)
          .post(`/v1/requests/${id}/subject-decision`)
          .set('Authorization', `Bearer ${OPERATOR}`)
          .send({ decision: 'no-data-held' })
      ).status,
    ).toBe(403);
    expect((await getRequest(h, id, OPERATOR)).status).toBe('received');
  });
});

describe('filing a request', () => {
  it('201 with the due date one calendar month later, and dsr.request.submitted.v1 keyed by the request id', async () => {
    const subject = aSubject({ email: 'Jeanne.Martin@Example.TEST' });
    const res = await api(h)
      .post('/v1/requests')
      .set('Authorization', `Bearer ${OPERATOR}`)
      .send({ ...erasureBody(subject), channel: 'post', note: 'letter 2025-017' });
    expect(res.status).toBe(201);
    const { id, status, receivedAt, dueAt } = res.body;
    expect(Object.keys(res.body).sort()).toEqual(['dueAt', 'id', 'receivedAt', 'status']);
    expect(status).toBe('received');
    // POST routes are rate-limited per token (429 past the limit: see post-throttler.guard.spec.ts).
    expect(res.headers['x-ratelimit-limit-post']).toBe('10000');
    // Art. 12(3): one month; the same day of the next month, or its last day, to the end of
    // that day (Regulation 1182/71), counted in the controller's time zone: between 23:00 and
    // midnight UTC the request is already received the next day in Paris (the UTC day this
    // test once compared failed every night at that hour).
    const expected = DateTime.fromISO(receivedAt, { zone: DEFAULT_TIME_ZONE }).plus({ months: 1 }).endOf('day');
    expect(dueAt).toBe(expected.toUTC().toISO());

    const msg = await waitForMessage(h, SUBMITTED, id);
    expect(msg.topic).toBe(TOPICS.requests.name);
    expect(msg.headers['content-type']).toBe('application/cloudevents+json');
    expect(msg.envelope).toMatchObject({
      specversion: '1.0',
      source: 'request-intake',
      type: SUBMITTED,
      datacontenttype: 'application/json',
      correlationid: id,
    });
    expect(msg.envelope!.data).toEqual({
      requestId: id,
      type: 'erasure',
      subject: {
        email: 'jeanne.martin@example.test',
        customerId: subject.customerId,
        phone: subject.phone,
        name: subject.name,
      },
      channel: 'post',
      receivedAt,
      dueAt,
      filedBy: 'operator',
    });
    expect(msg.value).not.toContain('letter 2025-017');

    const view = await getRequest(h, id);
    expect(view).toMatchObject({
      id,
      type: 'erasure',
      status: 'received',
      channel: 'post',
      receivedAt,
      dueAt,
      closedAt: null,
      outcome: null,
      overdue: false,
      note: 'letter 2025-017',
    });
    expect(view.timeline).toEqual([
      {
        at: expect.any(String),
        event: SUBMITTED,
        summary: expect.stringContaining('erasure request filed by operator'),
      },
    ]);
    expect(Date.parse(view.timeline[0].at)).toBeGreaterThanOrEqual(Date.parse(receivedAt));
    // The filing note is the DPO's.
    expect((await getRequest(h, id, OPERATOR)).note).toBeUndefined();
  });

  it('filedBy is dpo for the DPO', async () => {
    const { id } = await fileRequest(h, erasureBody(aSubject()), DPO);
    expect((await waitForMessage(h, SUBMITTED, id)).envelope!.data).toMatchObject({ filedBy: 'dpo' });
  });

  it.each([
    [
      'an unknown field',
      (marker: string) => ({ ...erasureBody(aSubject({ customerId: marker })), priority: 'urgent' }),
      'property priority should not exist',
    ],
    [
      'an unknown subject field',
      (marker: string) => erasureBody({ customerId: marker, address: '1 rue de la Paix' } as never),
      'property address should not exist',
    ],
    ['a name alone', (marker: string) => ({ ...erasureBody({ name: marker }) }), 'a name alone cannot find anyone'],
    [
      'a restriction without its ground',
      (marker: string) => ({ ...erasureBody(aSubject({ customerId: marker })), type: 'restriction' }),
      'ground is required for, and only allowed with, type restriction',
    ],
  ])('400 for %s: nothing recorded, nothing published', async (_, makeBody, message) => {
    const marker = `MARK-${uuid()}`;
    const before = await countRows(h, 'requests');
    const res = await api(h).post('/v1/requests').set('Authorization', `Bearer ${DPO}`).send(makeBody(marker));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(res.body.error)).toContain(message);
    expect(await countRows(h, 'requests')).toBe(before);
    // The outbox is sent in order: once a later filing's event is on the topic, the refused one would be too.
    const { id } = await fileRequest(h);
    await waitForMessage(h, SUBMITTED, id);
    expect(h.received.filter((m) => m.value?.includes(marker))).toEqual([]);
  });

  it('413 for an oversized body', async () => {
    const res = await api(h)
      .post('/v1/requests')
      .set('Authorization', `Bearer ${DPO}`)
      .send({ ...erasureBody(), note: 'x'.repeat(300 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('Idempotency-Key', () => {
  it('same key and body: the same request, replayed; another body: 409; another principal: its own request', async () => {
    const key = `file-${uuid()}`;
    const body = erasureBody(aSubject());
    const first = await api(h)
      .post('/v1/requests')
      .set('Authorization', `Bearer ${DPO}`)
      .set('Idempotency-Key', key)
      .send(body);
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    const again = await api(h)
      .post('/v1/requests')
      .set('Authorization', `Bearer ${DPO}`)
      .set('Idempotency-Key', key)
      .send(body);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);

    const other = await api(h)
      .post('/v1/requests')
      .set('Authorization', `Bearer ${DPO}`)
      .set('Idempotency-Key', key)
      .send({ ...body, channel: 'phone' });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('CONFLICT');

    const byOperator = await api(h)
      .post('/v1/requests')
      .set('Authorization', `Bearer ${OPERATOR}`)
      .set('Idempotency-Key', key)
      .send(body);
    expect(byOperator.status).toBe(201);
    expect(byOperator.body.id).not.toBe(first.body.id);

    expect(await countRows(h, 'requests', 'id = $1', [first.body.id])).toBe(1);
    expect(await countRows(h, 'idempotency_keys', 'key = $1', [key])).toBe(2);
    await waitForMessage(h, SUBMITTED, byOperator.body.id);
    expect(messagesOf(h, SUBMITTED, first.body.id)).toHaveLength(1);
  });

  it('400 for a malformed key', async () => {
    expect(
      (
        await api(h)
          .post('/v1/requests')
          .set('Authorization', `Bearer ${DPO}`)
          .set('Idempotency-Key', 'has space')
          .send(erasureBody())
      ).status,
    ).toBe(400);
  });
});

describe('transitions the state does not allow', () => {
  it('409 INVALID_TRANSITION on verification while received, and nothing changes', async () => {
    const { id } = await fileRequest(h);
    const res = await api(h)
      .post(`/v1/requests/${id}/verification`)
      .set('Authorization', `Bearer ${DPO}`)
      .send({ method: 'dpo-attested', note: 'passport seen' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('INVALID_TRANSITION');
    const view = await getRequest(h, id);
    expect(view.status).toBe('received');
    expect(view.verification).toMatchObject({ attestedAt: null, note: null });
    expect(view.timeline).toHaveLength(1);
  });

  it('409 on a subject decision while received; 404 closing an action the request does not have', async () => {
    const { id } = await fileRequest(h);
    expect(
      (
        await api(h)
          .post(`/v1/requests/${id}/subject-decision`)
          .set('Authorization', `Bearer ${DPO}`)
          .send({ decision: 'no-data-held' })
      ).status,
    ).toBe(409);
    expect(
      (
        await api(h)
          .post(`/v1/requests/${id}/actions/${uuid()}/close`)
          .set('Authorization', `Bearer ${DPO}`)
          .send({ reason: 'x' })
      ).status,
    ).toBe(404);
  });

  it('404 for an unknown request, 400 for a malformed id', async () => {
    expect((await api(h).get(`/v1/requests/${uuid()}`).set('Authorization', `Bearer ${DPO}`)).status).toBe(404);
    const bad = await api(h).get('/v1/requests/not-a-uuid').set('Authorization', `Bearer ${DPO}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('listing', () => {
  it('filters by status and type, pages, and flags overdue requests', async () => {
    const mine = await fileRequest(h);
    const page = await api(h)
      .get('/v1/requests?status=received&type=erasure&overdue=false&limit=100')
      .set('Authorization', `Bearer ${OPERATOR}`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ limit: 100, offset: 0 });
    expect(page.body.total).toBeGreaterThanOrEqual(1);
    expect(page.body.items).toContainEqual({
      id: mine.id,
      type: 'erasure',
      status: 'received',
      channel: 'email',
      receivedAt: mine.receivedAt,
      dueAt: mine.dueAt,
      closedAt: null,
      overdue: false,
      dueSoon: false,
    });
    expect(page.body.items.every((i: { status: string }) => i.status === 'received')).toBe(true);

    // By the channel it came through (the DPO console's queue filter).
    const byEmail = await api(h).get('/v1/requests?channel=email&limit=100').set('Authorization', `Bearer ${DPO}`);
    expect(byEmail.body.items.map((i: { id: string }) => i.id)).toContain(mine.id);
    expect(byEmail.body.items.every((i: { channel: string }) => i.channel === 'email')).toBe(true);
    const byPost = await api(h).get('/v1/requests?channel=post&limit=100').set('Authorization', `Bearer ${DPO}`);
    expect(byPost.body.items.map((i: { id: string }) => i.id)).not.toContain(mine.id);
    expect((await api(h).get('/v1/requests?channel=fax').set('Authorization', `Bearer ${DPO}`)).status).toBe(400);

    const overdue = await api(h).get('/v1/requests?overdue=true').set('Authorization', `Bearer ${DPO}`);
    expect(overdue.body.items.map((i: { id: string }) => i.id)).not.toContain(mine.id);

    const dueSoon = await api(h)
      .get(`/v1/requests?dueBefore=${encodeURIComponent(new Date(Date.parse(mine.dueAt) + 1).toISOString())}`)
      .set('Authorization', `Bearer ${DPO}`);
    expect(dueSoon.body.items.map((i: { id: string }) => i.id)).toContain(mine.id);
    const early = await api(h)
      .get(`/v1/requests?dueBefore=${encodeURIComponent(mine.receivedAt)}`)
      .set('Authorization', `Bearer ${DPO}`);
    expect(early.body.items.map((i: { id: string }) => i.id)).not.toContain(mine.id);

    const firstPage = await api(h).get('/v1/requests?limit=1').set('Authorization', `Bearer ${DPO}`);
    expect(firstPage.body.items).toHaveLength(1);
    expect(firstPage.body.total).toBeGreaterThan(1);
    expect((await api(h).get('/v1/requests?limit=101').set('Authorization', `Bearer ${DPO}`)).status).toBe(400);
    expect((await api(h).get('/v1/requests?status=finished').set('Authorization', `Bearer ${DPO}`)).status).toBe(400);
  });
});

describe('metrics and OpenAPI', () => {
  it('leaves the probes and the Prometheus scrape open', async () => {
    expect((await api(h).get('/health/live')).status).toBe(200);
    expect((await api(h).get('/metrics')).status).toBe(200);
  });

  it('exposes request gauges refreshed from the database', async () => {
    await h.app.get(RequestMetrics).refresh();
    const text = (await api(h).get('/metrics')).text;
    const received = /dsr_requests\{[^}]*type="erasure"[^}]*status="received"[^}]*\} (\d+)/.exec(text);
    expect(Number(received?.[1])).toBe(await countRows(h, 'requests', `status = 'received'`));
    expect(text).toMatch(/dsr_requests_overdue(\{[^}]*\})? 0/);
    expect(text).toMatch(/dsr_requests_due_soon\{[^}]*within="3d"[^}]*\} \d+/);
  });

  it('documents every route with its DTOs, enums, bearer auth and errors', () => {
    const doc = openApiDocument(h.app, { title: 'request-intake', description: 'test' });
    const paths = doc.paths;
    expect(Object.keys(paths).sort()).toEqual(
      expect.arrayContaining([
        '/v1/requests',
        '/v1/requests/{id}',
        '/v1/requests/{id}/verification',
        '/v1/requests/{id}/subject-decision',
        '/v1/requests/{id}/actions/{commandId}/close',
      ]),
    );
    const post = paths['/v1/requests'].post!;
    expect(post.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(post.responses).sort()).toEqual(['201', '400', '401', '403', '409', '413', '429']);
    const schemas = doc.components!.schemas! as Record<string, { properties?: Record<string, { enum?: string[] }> }>;
    expect(schemas.RequestViewDto.properties!.status.enum).toEqual(
      expect.arrayContaining(['received', 'awaiting-verification', 'needs-attention', 'completed', 'closed']),
    );
    expect(schemas.SystemActionDto.properties!.outcome.enum).toEqual(
      expect.arrayContaining(['pending', 'done', 'not-found', 'retained']),
    );
    expect(schemas.CreateRequestDto.properties!.channel.enum).toEqual(['email', 'portal', 'post', 'phone']);
  });
});
