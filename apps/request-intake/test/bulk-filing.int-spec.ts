/**
 * Bulk filing (issue 19 item 7) against real Kafka and PostgreSQL: a CSV or NDJSON list
 * filed at once, a result per line, one request with its own deadline and one
 * dsr.request.submitted.v1 per valid line, nothing twice when the list is posted again,
 * 413 past the limits, 400/401/403/415 for what cannot be filed.
 */
import { EVENTS } from '@datarights/contracts';
import { aSubject } from '@datarights/testing';
import {
  api,
  countRows,
  DPO,
  getRequest,
  OPERATOR,
  startHarness,
  stopHarness,
  uuid,
  waitForMessage,
  type Harness,
} from './harness';

jest.setTimeout(120_000);

const MAX_LINES = 20;
const MAX_BYTES = 8192;
const SUBMITTED = EVENTS.requestSubmitted.type;

let h: Harness;

beforeAll(async () => {
  process.env.BULK_MAX_LINES = String(MAX_LINES);
  process.env.BULK_MAX_BYTES = String(MAX_BYTES);
  h = await startHarness();
}, 120_000);

afterAll(async () => {
  delete process.env.BULK_MAX_LINES;
  delete process.env.BULK_MAX_BYTES;
  await stopHarness(h);
});

const bulk = (body: string, type: string, opts: { token?: string | null; key?: string } = {}) => {
  let req = api(h).post('/v1/requests/bulk').set('Content-Type', type);
  if (opts.token !== null) req = req.set('Authorization', `Bearer ${opts.token ?? DPO}`);
  if (opts.key) req = req.set('Idempotency-Key', opts.key);
  return req.send(body);
};
const csv = (...lines: string[]) => lines.join('\r\n') + '\r\n';
const submittedInOutbox = (ids: string[]) =>
  countRows(h, 'outbox', `envelope->>'type' = $1 AND envelope->'data'->>'requestId' = ANY($2::text[])`, [
    SUBMITTED,
    ids,
  ]);
const filedIds = (lines: Array<{ status: string; requestId?: string }>) =>
  lines.filter((l) => l.status === 'filed').map((l) => l.requestId!);

describe('a CSV list with valid and invalid lines', () => {
  it('files each valid line as its own request with its own deadline, answers each invalid one, and files nothing twice when posted again', async () => {
    const [a, b, c] = [aSubject(), aSubject(), aSubject()];
    const body = csv(
      'type,subject.email,subject.customerId,channel,purposes,receivedAt,receiptEvidence',
      `erasure,${a.email},${a.customerId},email,,2026-11-30T09:00:00Z,breach notice reply #1`,
      `erasure,,,email,,,`,
      `objection,${b.email},,email,prospection|profiling,,`,
      `access,${c.email},,fax,,,`,
      `erasure,${c.email},,email,,2999-01-01T00:00:00Z,from the future`,
    );
    const before = await countRows(h, 'requests');
    const res = await bulk(body, 'text/csv');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ filed: 2, duplicate: 0, invalid: 3 });
    const lines = res.body.lines as Array<{
      line: number;
      status: string;
      requestId?: string;
      dueAt?: string;
      errors?: string[];
    }>;
    expect(lines.map((l) => [l.line, l.status])).toEqual([
      [2, 'filed'],
      [3, 'invalid'],
      [4, 'filed'],
      [5, 'invalid'],
      [6, 'invalid'],
    ]);
    expect(lines[1].errors).toEqual(['subject: subject should not be null or undefined, subject must be an object']);
    expect(lines[3].errors).toEqual([expect.stringMatching(/^channel: channel must be one of/)]);
    expect(lines[4].errors).toEqual([expect.stringMatching(/receivedAt .* is in the future/)]);
    expect(await countRows(h, 'requests')).toBe(before + 2);

    // Each its own request: the first counts from its receipt (Art. 12(3)), the second from now.
    const first = await getRequest(h, lines[0].requestId!);
    expect(first).toMatchObject({ type: 'erasure', status: 'received', receivedAt: '2026-11-30T09:00:00.000Z' });
    expect(first.dueAt).toBe(lines[0].dueAt);
    expect(first.dueAt.startsWith('2026-12-30')).toBe(true);
    const second = await getRequest(h, lines[2].requestId!);
    expect(second).toMatchObject({ type: 'objection', status: 'received', subject: { email: b.email.toLowerCase() } });

    // One dsr.request.submitted.v1 per filed line, in the outbox and then on Kafka.
    const ids = filedIds(lines);
    expect(await submittedInOutbox(ids)).toBe(2);
    const objection = await waitForMessage(h, SUBMITTED, lines[2].requestId!);
    expect(objection.envelope!.data).toMatchObject({
      type: 'objection',
      purposes: ['prospection', 'profiling'],
      filedBy: 'dpo',
    });
    await waitForMessage(h, SUBMITTED, lines[0].requestId!);

    // The same file again (no key anywhere): every filed line is a duplicate of its request.
    const again = await bulk(body, 'text/csv');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ filed: 0, duplicate: 2, invalid: 3 });
    expect(again.body.lines[0]).toEqual({
      line: 2,
      status: 'duplicate',
      requestId: lines[0].requestId,
      dueAt: lines[0].dueAt,
    });
    expect(again.body.lines[2]).toMatchObject({ status: 'duplicate', requestId: lines[2].requestId });
    expect(await countRows(h, 'requests')).toBe(before + 2);
    expect(await submittedInOutbox(ids)).toBe(2);
  });
});

describe('NDJSON, with the keys of the list and of its lines', () => {
  it('files under the list key and line, replays a single filing with the same key, and refuses a key reused for another request', async () => {
    const [a, b, c] = [aSubject(), aSubject(), aSubject()];
    const single = `single-${uuid()}`;
    const filedAlone = await api(h)
      .post('/v1/requests')
      .set('Authorization', `Bearer ${DPO}`)
      .set('Idempotency-Key', single)
      .send({ type: 'erasure', subject: { email: c.email }, channel: 'email' });
    expect(filedAlone.status).toBe(201);

    const own = `own-${uuid()}`;
    const lines = [
      { type: 'erasure', subject: { email: a.email }, channel: 'email' },
      { type: 'access', subject: { customerId: b.customerId }, channel: 'post', idempotencyKey: own },
      { type: 'erasure', subject: { email: c.email }, channel: 'email', idempotencyKey: single },
      { type: 'access', subject: { email: a.email }, channel: 'post', idempotencyKey: own },
      { type: 'erasure', subject: { email: a.email }, channel: 'email', colour: 'red' },
    ];
    const body = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
    const listKey = `list-${uuid()}`;
    const res = await bulk(body, 'application/x-ndjson', { key: listKey });
    expect(res.status).toBe(200);
    expect(res.body.lines.map((l: { status: string }) => l.status)).toEqual([
      'filed',
      'filed',
      'duplicate',
      'invalid',
      'invalid',
    ]);
    expect(res.body.lines[2].requestId).toBe(filedAlone.body.id);
    expect(res.body.lines[3].errors).toEqual([
      'idempotencyKey: line 2 of this list already uses it for another request',
    ]);
    expect(res.body.lines[4].errors).toEqual(['colour: property colour should not exist']);
    expect(await countRows(h, 'idempotency_keys', 'key = $1', [`${listKey}:1`])).toBe(1);

    // The list again under its key, its first line changed: that line's key now names another request.
    const changed = [{ ...lines[0], channel: 'post' }, ...lines.slice(1)];
    const again = await bulk(changed.map((l) => JSON.stringify(l)).join('\n'), 'application/x-ndjson', {
      key: listKey,
    });
    expect(again.body.lines[0]).toEqual({
      line: 1,
      status: 'invalid',
      errors: ['idempotencyKey: already used with a different request'],
    });
    expect(again.body.lines[1]).toMatchObject({ status: 'duplicate', requestId: res.body.lines[1].requestId });
    expect(await submittedInOutbox(filedIds(res.body.lines))).toBe(2);
  });
});

describe('what cannot be filed', () => {
  it('413 past the lines or the bytes allowed, and nothing is filed', async () => {
    const before = await countRows(h, 'requests');
    const line = () => `erasure,${aSubject().email},email`;
    const tooMany = await bulk(
      csv('type,subject.email,channel', ...Array.from({ length: MAX_LINES + 1 }, line)),
      'text/csv',
    );
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: expect.stringMatching(/BULK_MAX_LINES/),
    });
    const tooBig = await bulk(
      csv('type,subject.email,channel,note', `erasure,a@example.fr,email,${'x'.repeat(MAX_BYTES)}`),
      'text/csv',
    );
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.message).toMatch(/BULK_MAX_BYTES/);
    expect(await countRows(h, 'requests')).toBe(before);
  });

  it('400 for a body that cannot be read, 415 for another format, 401 without a token, 403 for an operator', async () => {
    const unclosed = await bulk(csv('type,subject.email,channel', '"erasure,a@example.fr,email'), 'text/csv');
    expect(unclosed.status).toBe(400);
    expect(unclosed.body.error.message).toMatch(/CSV line 2: a quoted field is not closed/);
    expect((await bulk('', 'application/x-ndjson')).status).toBe(400);
    expect((await bulk('{"type":"erasure"}', 'application/json')).status).toBe(415);
    const valid = csv('type,subject.email,channel', 'erasure,a@example.fr,email');
    expect((await bulk(valid, 'text/csv', { token: null })).status).toBe(401);
    expect((await bulk(valid, 'text/csv', { token: OPERATOR })).status).toBe(403);
  });
});
