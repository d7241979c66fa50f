/**
 * identity against real Kafka and PostgreSQL: a plain kafkajs client plays the company
 * systems (data events) and request-intake (request events), and reads what identity
 * publishes on dsr.identity.v1 and the dead-letter topic.
 */
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import {
  dlqTopic,
  EVENTS,
  TOPICS,
  type IdentityVerified,
  type RecordEvent,
  type RequestSubmitted,
  type SubjectResolved,
} from '@datarights/contracts';
import {
  aRecordEvent,
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
import { AppModule, SCHEMA, SERVICE } from '../src/app.module';

jest.setTimeout(120_000);

let iso: Isolation;
let app: NestExpressApplication;
let kafka: RawKafka;
let received: Received[];

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> =>
  withPg(async (c) => {
    await c.query(`SET search_path TO "${iso.schema}"`);
    return (await c.query(query, params)).rows as T[];
  });

async function dataEvent(type: 'recordStored' | 'recordUpdated' | 'recordErased', data: RecordEvent, id?: string) {
  return kafka.sendEvent(
    TOPICS.dataEvents.name,
    `${data.systemId}:${data.recordRef}`,
    EVENTS[type].type,
    data,
    id ? { id } : {},
  );
}

async function submit(subject: RequestSubmitted['subject']): Promise<string> {
  const requestId = randomUUID();
  const now = new Date();
  const data: RequestSubmitted = {
    requestId,
    type: 'erasure',
    subject,
    channel: 'email',
    filedBy: 'dpo',
    receivedAt: now.toISOString(),
    dueAt: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
  };
  await kafka.sendEvent(TOPICS.requests.name, requestId, EVENTS.requestSubmitted.type, data, {
    correlationid: requestId,
  });
  return requestId;
}

async function resolution(requestId: string, nth = 1): Promise<SubjectResolved> {
  const matching = () =>
    received.filter(
      (r) =>
        r.envelope?.type === EVENTS.subjectResolved.type &&
        (r.envelope.data as SubjectResolved).requestId === requestId,
    );
  await waitFor(async () => matching().length >= nth, `subjectResolved #${nth} for ${requestId}`);
  return matching()[nth - 1]!.envelope!.data as SubjectResolved;
}

async function attest(requestId: string): Promise<void> {
  await kafka.sendEvent(
    TOPICS.requests.name,
    requestId,
    EVENTS.verificationAttested.type,
    { requestId, method: 'dpo-attested', attestedBy: 'dpo-user-7', attestedAt: new Date().toISOString() },
    { correlationid: requestId },
  );
}

/** Data events are applied when their inbox rows exist. */
async function applied(...envelopeIds: string[]): Promise<void> {
  await waitFor(async () => {
    const rows = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM inbox WHERE event_id = ANY($1)`, [
      envelopeIds,
    ]);
    return rows[0]!.n === envelopeIds.length;
  }, `data events ${envelopeIds.length} applied`);
}

const subjectOf = async (kind: string, value: string) =>
  (
    await sql<{ subject_ref: string }>(`SELECT subject_ref FROM subject_keys WHERE kind = $1 AND value = $2`, [
      kind,
      value,
    ])
  )[0]?.subject_ref;

const alice = aSubject();
const alice2 = `Second.${alice.email}`;
const bob = aSubject();
const dora = aSubject();
let doraRecord: RecordEvent;

beforeAll(async () => {
  iso = isolate(SERVICE);
  app = await startTestService(AppModule, SERVICE, SCHEMA);
  kafka = new RawKafka(iso.topicPrefix);
  received = await kafka.collect([TOPICS.identity.name, dlqTopic(TOPICS.requests.name)]);

  // Two CRM records and billing share Alice's customer id (the CRM is authoritative for every
  // kind, billing for customer numbers: strong links); the second CRM record knows her by a
  // second address; support writes her first address in capitals (normalisation joins them).
  const ids = [
    (await dataEvent('recordStored', aRecordEvent('crm', { email: alice.email, customerId: alice.customerId }))).id,
    (
      await dataEvent(
        'recordStored',
        aRecordEvent('crm', { customerId: alice.customerId, email: alice2, phone: alice.phone }),
      )
    ).id,
    (
      await dataEvent(
        'recordStored',
        aRecordEvent('billing', { customerId: alice.customerId }, { category: 'billing' }),
      )
    ).id,
    (
      await dataEvent(
        'recordStored',
        aRecordEvent('support', { email: alice.email.toUpperCase() }, { category: 'relationship' }),
      )
    ).id,
    (await dataEvent('recordStored', aRecordEvent('crm', { email: bob.email }))).id,
  ];
  // Dora's only record was erased; an older "stored" event arrives after the erasure.
  doraRecord = aRecordEvent('crm', { email: dora.email }, { occurredAt: '2024-03-01T10:00:00.000Z' });
  ids.push((await dataEvent('recordErased', { ...doraRecord, occurredAt: '2024-03-02T10:00:00.000Z' })).id);
  ids.push((await dataEvent('recordStored', doraRecord)).id);
  await applied(...ids);
});

afterAll(async () => {
  await kafka?.close();
  await app?.close();
  if (iso) await cleanup(iso);
});

describe('the subject-key graph', () => {
  it('links the keys of authoritative records that share an e-mail or a customer id into one subject', async () => {
    const refs = await Promise.all([
      subjectOf('email', alice.email.toLowerCase()),
      subjectOf('email', alice2.toLowerCase()),
      subjectOf('customerId', alice.customerId),
      subjectOf('phone', alice.phone),
    ]);
    expect(refs[0]).toMatch(/^subj_[0-9a-f-]{36}$/);
    expect(new Set(refs)).toEqual(new Set([refs[0]]));
    expect(await subjectOf('email', bob.email.toLowerCase())).not.toBe(refs[0]);
  });

  it('keeps the erasure when an older event arrives late, as a tombstone that holds no key', async () => {
    const rows = await sql(
      `SELECT erased, keys, occurred_at = '2024-03-02T10:00:00.000Z'::timestamptz AS at_erasure FROM records
        WHERE system_id = 'crm' AND record_ref = $1`,
      [doraRecord.recordRef],
    );
    expect(rows).toEqual([{ erased: true, keys: [], at_erasure: true }]);
    // The late event's keys did not come back into the graph either.
    expect(await subjectOf('email', dora.email.toLowerCase())).toBeUndefined();
  });

  it('changes nothing when a data event is delivered again', async () => {
    const snapshot = () =>
      sql(`SELECT r::text AS row FROM (SELECT system_id, record_ref, keys, category, erased, occurred_at FROM records ORDER BY 1, 2) r
                                UNION ALL SELECT k::text FROM (SELECT kind, value, subject_ref FROM subject_keys ORDER BY 1, 2) k`);
    const before = await snapshot();
    const event = aRecordEvent('crm', { email: alice.email, customerId: alice.customerId }, { recordRef: 'dup-1' });
    const first = await dataEvent('recordStored', event);
    await applied(first.id);
    const withRecord = await snapshot();
    expect(withRecord.length).toBe(before.length + 1);
    // The same envelope again (a redelivery), then the same data under a new id (a replay by the system).
    await kafka.send(TOPICS.dataEvents.name, `crm:dup-1`, first);
    const replay = await dataEvent('recordStored', event);
    await applied(replay.id);
    expect(await snapshot()).toEqual(withRecord);
  });
});

describe('forgetting what every system erased', () => {
  /** Every value of the graph's tables, as text: where a clear identifier would show. */
  const graphText = async () =>
    (
      await sql<{ t: string }>(
        `SELECT r::text AS t FROM records r UNION ALL SELECT k::text FROM subject_keys k
         UNION ALL SELECT a::text FROM subject_aliases a`,
      )
    )
      .map((r) => r.t)
      .join('\n')
      .toLowerCase();

  it('drops a key once no live record holds it, keeps those a live record still holds, then forgets the subject', async () => {
    const frank = aSubject();
    const crm = aRecordEvent('crm', { email: frank.email, customerId: frank.customerId });
    const support = aRecordEvent('support', { email: frank.email, phone: frank.phone }, { category: 'relationship' });
    const stored = [(await dataEvent('recordStored', crm)).id, (await dataEvent('recordStored', support)).id];
    await applied(...stored);
    const frankRef = (await subjectOf('email', frank.email.toLowerCase()))!;
    expect(await subjectOf('customerId', frank.customerId)).toBe(frankRef);

    // The CRM erases its record: the customer number was only there; the e-mail is still in support.
    const later = (ms: number) => new Date(Date.now() + ms).toISOString();
    await applied((await dataEvent('recordErased', { ...crm, occurredAt: later(1_000) })).id);
    expect(await subjectOf('customerId', frank.customerId)).toBeUndefined();
    expect(await subjectOf('email', frank.email.toLowerCase())).toBe(frankRef);
    // Support is not authoritative: its phone is only weakly linked to Frank, a subject of its own.
    expect(await subjectOf('phone', frank.phone)).toMatch(/^subj_/);
    expect(await subjectOf('phone', frank.phone)).not.toBe(frankRef);
    expect(
      await sql(`SELECT keys, erased FROM records WHERE system_id = 'crm' AND record_ref = $1`, [crm.recordRef]),
    ).toEqual([{ keys: [], erased: true }]);

    // Support erases its record too: nothing of Frank is left in clear, and his subject is no one.
    await applied((await dataEvent('recordErased', { ...support, occurredAt: later(2_000) })).id);
    const text = await graphText();
    for (const value of [frank.email, frank.customerId, frank.phone]) expect(text).not.toContain(value.toLowerCase());
    expect(await sql(`SELECT 1 FROM subject_keys WHERE subject_ref = $1`, [frankRef])).toEqual([]);
    // The tombstones stay (a late, older "stored" event must not bring a record back), keyless.
    expect(
      await sql(`SELECT system_id, keys, erased FROM records WHERE record_ref = ANY($1) ORDER BY system_id`, [
        [crm.recordRef, support.recordRef],
      ]),
    ).toEqual([
      { system_id: 'crm', keys: [], erased: true },
      { system_id: 'support', keys: [], erased: true },
    ]);
    const late = await dataEvent('recordStored', { ...support, occurredAt: later(-60_000) });
    await applied(late.id);
    expect(await graphText()).not.toContain(frank.email.toLowerCase());
  });

  it('drops the aliases of a merged subject once its every key is forgotten, and a stored record starts afresh', async () => {
    const gina = aSubject();
    const hugo = aSubject();
    const ginaRecord = aRecordEvent('crm', { email: gina.email, customerId: gina.customerId });
    const hugoRecord = aRecordEvent('crm', { email: hugo.email });
    await applied((await dataEvent('recordStored', ginaRecord)).id, (await dataEvent('recordStored', hugoRecord)).id);
    const hugoRef = (await subjectOf('email', hugo.email.toLowerCase()))!;
    const link = aRecordEvent('crm', { email: hugo.email, customerId: gina.customerId });
    await applied((await dataEvent('recordStored', link)).id);
    const ginaRef = (await subjectOf('email', gina.email.toLowerCase()))!;
    expect(await subjectOf('email', hugo.email.toLowerCase())).toBe(ginaRef);
    expect(await sql(`SELECT subject_ref FROM subject_aliases WHERE old_ref = $1`, [hugoRef])).toEqual([
      { subject_ref: ginaRef },
    ]);

    const at = new Date(Date.now() + 1_000).toISOString();
    await applied(
      ...(await Promise.all(
        [ginaRecord, hugoRecord, link].map(async (r) => (await dataEvent('recordErased', { ...r, occurredAt: at })).id),
      )),
    );
    expect(await sql(`SELECT 1 FROM subject_keys WHERE subject_ref = $1`, [ginaRef])).toEqual([]);
    expect(await sql(`SELECT 1 FROM subject_aliases WHERE subject_ref = $1 OR old_ref = $1`, [ginaRef])).toEqual([]);
    expect(await sql(`SELECT 1 FROM subject_aliases WHERE old_ref = $1`, [hugoRef])).toEqual([]);

    // A new record of Gina's (she signs up again) is a new subject, not the forgotten one.
    await applied((await dataEvent('recordStored', aRecordEvent('crm', { email: gina.email }))).id);
    const again = await subjectOf('email', gina.email.toLowerCase());
    expect(again).toMatch(/^subj_/);
    expect(again).not.toBe(ginaRef);
  });
});

describe('resolving and verifying a request', () => {
  it('matches a request made by customer id, and verification lists every key of the subject', async () => {
    const requestId = await submit({ customerId: alice.customerId, name: alice.name });
    const resolved = await resolution(requestId);
    const aliceRef = await subjectOf('customerId', alice.customerId);
    expect(resolved).toMatchObject({ result: 'matched', subjectRef: aliceRef });
    expect(resolved.candidates).toHaveLength(1);
    // crm (2), billing, support, and the CRM record of the redelivery test.
    expect(resolved.candidates[0]).toMatchObject({ subjectRef: aliceRef, records: 5 });
    expect(resolved.candidates[0]!.hints.join(' ')).not.toContain(alice.customerId);

    await attest(requestId);
    const verified = (
      await kafka.waitForMessage(
        received,
        (r) =>
          r.envelope?.type === EVENTS.identityVerified.type &&
          (r.envelope.data as IdentityVerified).requestId === requestId,
        'identityVerified',
      )
    ).envelope!.data as IdentityVerified;
    expect(verified).toMatchObject({
      requestType: 'erasure',
      subjectRef: aliceRef,
      method: 'dpo-attested',
      attestedBy: 'dpo-user-7',
    });
    expect(verified.subjectKeys.email).toEqual([alice.email.toLowerCase(), alice2.toLowerCase()].sort());
    expect(verified.subjectKeys.customerId).toEqual([alice.customerId]);
    expect(verified.subjectKeys.phone).toEqual([alice.phone]);
    expect(JSON.stringify(verified)).not.toContain('note');
  });

  it("answers 'none' for an unknown key", async () => {
    const resolved = await resolution(await submit({ email: 'nobody-at-all@example.test' }));
    expect(resolved).toEqual(expect.objectContaining({ result: 'none', candidates: [] }));
    expect(resolved.subjectRef).toBeUndefined();
  });

  it("does not answer 'none' before it has read the data events that existed at filing: a system just arrived", async () => {
    // A system identity has never heard of: its topic is new, so identity only reads it once
    // its topic watcher picks it up, seconds after the request below is already handled.
    const carol = aSubject();
    const newcomer = `newcomer-${randomUUID().slice(0, 8)}`;
    await dataEvent('recordStored', aRecordEvent(newcomer, { email: carol.email }));
    const requestId = await submit({ email: carol.email });
    const resolved = await resolution(requestId);
    expect(resolved).toMatchObject({ result: 'matched' });
    expect(resolved.unindexedEvents).toBeUndefined();
    expect(await subjectOf('email', carol.email.toLowerCase())).toBe(resolved.subjectRef);
    const [row] = await sql<{ status: string; index_targets: unknown }>(
      `SELECT status, index_targets FROM requests WHERE request_id = $1`,
      [requestId],
    );
    expect(row).toEqual({ status: 'matched', index_targets: null });
  });

  it("resolves again a request concluded 'none' when data with its identifiers arrives later", async () => {
    const erin = aSubject();
    const requestId = await submit({ email: erin.email });
    expect(await resolution(requestId)).toMatchObject({ result: 'none', candidates: [] });
    await dataEvent('recordStored', aRecordEvent('crm', { email: erin.email, customerId: erin.customerId }));
    const again = await resolution(requestId, 2);
    expect(again).toMatchObject({ result: 'matched' });
    expect(again.subjectRef).toBe(await subjectOf('customerId', erin.customerId));
    const [row] = await sql<{ status: string }>(`SELECT status FROM requests WHERE request_id = $1`, [requestId]);
    expect(row?.status).toBe('matched');
  });

  it("answers 'none' for a subject whose every record is erased", async () => {
    expect(await resolution(await submit({ email: dora.email }))).toMatchObject({ result: 'none', candidates: [] });
  });

  it("answers 'several' with masked hints when the keys belong to two subjects, then follows the DPO's pick", async () => {
    const requestId = await submit({ email: bob.email, customerId: alice.customerId });
    const resolved = await resolution(requestId);
    const bobRef = (await subjectOf('email', bob.email.toLowerCase()))!;
    expect(resolved.result).toBe('several');
    expect(resolved.subjectRef).toBeUndefined();
    expect(resolved.candidates.map((c) => c.subjectRef).sort()).toEqual(
      [bobRef, await subjectOf('customerId', alice.customerId)].sort(),
    );
    const hints = resolved.candidates.flatMap((c) => c.hints).join(' ');
    expect(hints).toMatch(/^.\*\*\*@.\*\*\*\./);
    for (const value of [alice.email, alice2, alice.customerId, alice.phone, bob.email])
      expect(hints).not.toContain(value);

    await kafka.sendEvent(TOPICS.requests.name, requestId, EVENTS.subjectDecided.type, {
      requestId,
      decision: 'subject',
      subjectRef: bobRef,
      decidedBy: 'dpo-user-7',
    });
    expect(await resolution(requestId, 2)).toMatchObject({
      result: 'matched',
      subjectRef: bobRef,
      candidates: [{ subjectRef: bobRef, records: 1 }],
    });
  });

  it('dead-letters an attestation for a request that has no subject, with the reason', async () => {
    const requestId = await submit({ email: 'still-nobody@example.test' });
    await resolution(requestId);
    await attest(requestId);
    const dead = await kafka.waitForMessage(
      received,
      (r) =>
        r.topic === dlqTopic(TOPICS.requests.name) &&
        r.envelope?.type === EVENTS.verificationAttested.type &&
        (r.envelope.data as { requestId: string }).requestId === requestId,
      'dead letter',
    );
    expect(Object.values(dead.headers).join(' ')).toContain('has no subject yet');
  });

  it("closes a request the DPO answers 'no data held', and drops its copy of the identifiers", async () => {
    const requestId = await submit({ email: 'again-nobody@example.test', phone: '+33700000001' });
    await resolution(requestId);
    await kafka.sendEvent(TOPICS.requests.name, requestId, EVENTS.subjectDecided.type, {
      requestId,
      decision: 'no-data-held',
      decidedBy: 'dpo-user-7',
    });
    await waitFor(
      async () =>
        (await sql<{ status: string }>(`SELECT status FROM requests WHERE request_id = $1`, [requestId]))[0]?.status ===
        'closed',
      'request closed',
    );
    expect(await sql(`SELECT given_keys FROM requests WHERE request_id = $1`, [requestId])).toEqual([
      { given_keys: null },
    ]);
  });

  it('merges two subjects when an authoritative record links them, and an old ref still resolves', async () => {
    const aliceRef = (await subjectOf('customerId', alice.customerId))!;
    const bobRef = (await subjectOf('email', bob.email.toLowerCase()))!;
    const link = await dataEvent(
      'recordStored',
      aRecordEvent('crm', { email: bob.email, customerId: alice.customerId }),
    );
    await applied(link.id);
    const merged = await subjectOf('email', bob.email.toLowerCase());
    // Alice has more keys: Bob's subject is absorbed into hers.
    expect(merged).toBe(aliceRef);
    expect(await subjectOf('phone', alice.phone)).toBe(aliceRef);
    // Alice's own records may have merged before (they arrive on different partitions): every alias points to the survivor.
    const aliases = await sql<{ old_ref: string; subject_ref: string }>(
      `SELECT old_ref, subject_ref FROM subject_aliases`,
    );
    expect(aliases).toContainEqual({ old_ref: bobRef, subject_ref: aliceRef });
    expect(new Set(aliases.map((a) => a.subject_ref))).toEqual(new Set([aliceRef]));

    const requestId = await submit({ email: 'nobody-here@example.test' });
    await resolution(requestId);
    await kafka.sendEvent(TOPICS.requests.name, requestId, EVENTS.subjectDecided.type, {
      requestId,
      decision: 'subject',
      subjectRef: bobRef,
      decidedBy: 'dpo-user-7',
    });
    expect(await resolution(requestId, 2)).toMatchObject({ result: 'matched', subjectRef: aliceRef });
  });
});
