/**
 * Strong and weak links (issue 13) against real Kafka and PostgreSQL, with the shipped
 * policy (deploy/policy/default.fr.yaml: the CRM is authoritative for e-mail, phone and
 * customer number, billing for customer numbers; marketing and support for nothing). A raw
 * kafkajs client plays the company systems and request-intake. Each scenario fails on a
 * graph that merges on any co-occurrence.
 */

import {
  EVENTS,
  TOPICS,
  type IdentityVerified,
  type NotificationRequested,
  type RecordEvent,
  type RequestSubmitted,
  type SubjectResolved,
} from '@datarights/contracts';
import { aRecordEvent, aSubject, waitFor } from '@datarights/testing';
import { SubjectGraphService } from '../src/subject-graph/subject-graph.service';
import {
  eventsOf,
  fileRequest,
  sqlIn,
  startIdentityHarness,
  stopIdentityHarness,
  type IdentityHarness,
} from './harness';

jest.setTimeout(120_000);

let h: IdentityHarness;
const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> =>
  sqlIn<T>(h, query, params);

async function store(...events: { type?: 'recordStored' | 'recordUpdated' | 'recordErased'; data: RecordEvent }[]) {
  const ids: string[] = [];
  for (const { type = 'recordStored', data } of events)
    ids.push(
      (await h.kafka.sendEvent(TOPICS.dataEvents.name, `${data.systemId}:${data.recordRef}`, EVENTS[type].type, data))
        .id,
    );
  await waitFor(
    async () =>
      (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM inbox WHERE event_id = ANY($1)`, [ids]))[0]!.n ===
      ids.length,
    'data events applied',
  );
}

const subjectOf = async (kind: string, value: string) =>
  (
    await sql<{ subject_ref: string }>(`SELECT subject_ref FROM subject_keys WHERE kind = $1 AND value = $2`, [
      kind,
      value,
    ])
  )[0]?.subject_ref;

const file = (subject: RequestSubmitted['subject'], over: Partial<RequestSubmitted> = {}) =>
  fileRequest(h, { subject, ...over });

async function decide(requestId: string, subjectRef: string): Promise<SubjectResolved> {
  await h.kafka.sendEvent(
    TOPICS.requests.name,
    requestId,
    EVENTS.subjectDecided.type,
    { requestId, decision: 'subject', subjectRef, decidedBy: 'dpo-user-7' },
    { correlationid: requestId },
  );
  const resolved = eventsOf<SubjectResolved>(h, EVENTS.subjectResolved.type, requestId);
  await waitFor(async () => resolved().length === 2, `the DPO's pick for ${requestId}`);
  return resolved()[1]!;
}

/** The DPO attests the identity; identity publishes every key the systems will be sent. */
async function verifiedKeys(requestId: string): Promise<IdentityVerified['subjectKeys']> {
  await h.kafka.sendEvent(
    TOPICS.requests.name,
    requestId,
    EVENTS.verificationAttested.type,
    { requestId, method: 'dpo-attested', attestedBy: 'dpo-user-7', attestedAt: new Date().toISOString() },
    { correlationid: requestId },
  );
  const verified = eventsOf<IdentityVerified>(h, EVENTS.identityVerified.type, requestId);
  await waitFor(async () => verified().length === 1, `identityVerified for ${requestId}`);
  return verified()[0]!.subjectKeys;
}

const codesOf = (requestId: string) => eventsOf<NotificationRequested>(h, EVENTS.notificationRequested.type, requestId);
const later = (ms: number) => new Date(Date.now() + ms).toISOString();

beforeAll(async () => {
  h = await startIdentityHarness(aSubject(), aSubject());
});

afterAll(() => stopIdentityHarness(h));

describe('the shared family phone', () => {
  // Two customers of the CRM, each with their own e-mail and customer number, one phone.
  const ann = aSubject();
  const ben = aSubject({ phone: ann.phone });
  const annRecord = aRecordEvent('crm', { email: ann.email, customerId: ann.customerId, phone: ann.phone });
  const benRecord = aRecordEvent('crm', { email: ben.email, customerId: ben.customerId, phone: ben.phone });

  beforeAll(() => store({ data: annRecord }, { data: benRecord }));

  it('makes two subjects, the phone belonging to neither alone', async () => {
    const annRef = await subjectOf('customerId', ann.customerId);
    const benRef = await subjectOf('customerId', ben.customerId);
    expect(annRef).toMatch(/^subj_/);
    expect(benRef).toMatch(/^subj_/);
    expect(annRef).not.toBe(benRef);
    expect(await subjectOf('email', ann.email.toLowerCase())).toBe(annRef);
    expect(await subjectOf('email', ben.email.toLowerCase())).toBe(benRef);
    expect(await subjectOf('phone', ann.phone)).toBeUndefined();
    expect(await sql(`SELECT subject_refs FROM shared_keys WHERE kind = 'phone' AND value = $1`, [ann.phone])).toEqual([
      { subject_refs: [annRef, benRef].sort() },
    ]);
  });

  it("an erasure for one sends only that customer's keys: never the other's, never the shared phone", async () => {
    const { requestId, resolved } = await file({ email: ann.email }, { filedBy: 'dpo', channel: 'email' });
    expect(resolved).toMatchObject({
      result: 'matched',
      subjectRef: await subjectOf('email', ann.email.toLowerCase()),
    });
    expect(await verifiedKeys(requestId)).toEqual({ email: [ann.email.toLowerCase()], customerId: [ann.customerId] });
  });

  it('a request given only the phone goes to the DPO with both customers and why', async () => {
    const { resolved } = await file({ phone: ann.phone }, { filedBy: 'dpo', channel: 'email' });
    expect(resolved.result).toBe('several');
    expect(resolved.subjectRef).toBeUndefined();
    expect(resolved.candidates.map((c) => c.subjectRef).sort()).toEqual(
      [await subjectOf('customerId', ann.customerId), await subjectOf('customerId', ben.customerId)].sort(),
    );
    for (const c of resolved.candidates) {
      expect(c.hints).toContain(
        `shared: ${ann.phone.slice(0, 3)}******${ann.phone.slice(-2)} is in the authoritative records of several subjects`,
      );
      expect(c.hints.join(' ')).not.toContain(ann.phone);
    }
  });

  it("once Ann's record is erased, the phone is Ben's alone, and Ben's subject is untouched", async () => {
    const benRef = await subjectOf('customerId', ben.customerId);
    await store({ type: 'recordErased', data: { ...annRecord, occurredAt: later(1_000) } });
    expect(await subjectOf('phone', ben.phone)).toBe(benRef);
    expect(await subjectOf('email', ben.email.toLowerCase())).toBe(benRef);
    expect(await subjectOf('email', ann.email.toLowerCase())).toBeUndefined();
    expect(await sql(`SELECT 1 FROM shared_keys WHERE value = $1`, [ben.phone])).toEqual([]);
  });
});

describe('the hostile sign-up', () => {
  // The victim is a customer (CRM). The attacker signs up to the newsletter (marketing, not
  // authoritative) with their own address next to the victim's phone.
  const victim = aSubject();
  const attacker = aSubject();
  const signUp = aRecordEvent('marketing', { email: attacker.email, phone: victim.phone }, { category: 'prospection' });

  beforeAll(() =>
    store(
      { data: aRecordEvent('crm', { email: victim.email, customerId: victim.customerId, phone: victim.phone }) },
      { data: signUp },
    ),
  );

  it("an access request with the attacker's address does not resolve to the victim, and no code is sent", async () => {
    const victimRef = await subjectOf('customerId', victim.customerId);
    const attackerRef = await subjectOf('email', attacker.email.toLowerCase());
    expect(attackerRef).toMatch(/^subj_/);
    expect(attackerRef).not.toBe(victimRef);
    expect(await subjectOf('phone', victim.phone)).toBe(victimRef);

    const { requestId, resolved } = await file({ email: attacker.email }, { type: 'access' });
    // The weak link decides nothing: the DPO sees both, and why they are linked.
    expect(resolved.result).toBe('several');
    expect(resolved.subjectRef).toBeUndefined();
    expect(resolved.candidates.map((c) => c.subjectRef)).toEqual([attackerRef, victimRef]);
    expect(resolved.candidates[0]!.hints).toContain('strong link: the identifiers given, in an authoritative system');
    expect(resolved.candidates[1]!.hints).toContain(
      `weak link: marketing record ${signUp.recordRef.slice(0, 2)}***${signUp.recordRef.slice(-2)}`,
    );
    expect(JSON.stringify(resolved)).not.toContain(victim.email.toLowerCase());
    expect(codesOf(requestId)()).toEqual([]);

    // The DPO keeps the request to the requester's own subject: the victim's keys stay out.
    expect(await decide(requestId, attackerRef!)).toMatchObject({ result: 'matched', subjectRef: attackerRef });
    await waitFor(async () => codesOf(requestId)().length === 1, 'the code to the requester');
    expect(codesOf(requestId)()[0]!.to).toBe(attacker.email.toLowerCase());
    const keys = await verifiedKeys(requestId);
    expect(keys).toEqual({ email: [attacker.email.toLowerCase()] });
    expect(JSON.stringify(keys)).not.toContain(victim.phone);
    expect(JSON.stringify(keys)).not.toContain(victim.customerId);
  });

  it("the DPO may include the weakly linked candidate: its keys then go with the subject's, by that decision only", async () => {
    const victimRef = (await subjectOf('customerId', victim.customerId))!;
    const attackerRef = (await subjectOf('email', attacker.email.toLowerCase()))!;
    const { requestId, resolved } = await file({ email: attacker.email }, { filedBy: 'dpo', channel: 'email' });
    expect(resolved.result).toBe('several');
    await h.kafka.sendEvent(
      TOPICS.requests.name,
      requestId,
      EVENTS.subjectDecided.type,
      {
        requestId,
        decision: 'subject',
        subjectRef: attackerRef,
        alsoSubjectRefs: [victimRef],
        decidedBy: 'dpo-user-7',
      },
      { correlationid: requestId },
    );
    const again = eventsOf<SubjectResolved>(h, EVENTS.subjectResolved.type, requestId);
    await waitFor(async () => again().length === 2, 'the DPO pick');
    expect(again()[1]).toMatchObject({ result: 'matched', subjectRef: attackerRef });
    expect(await sql(`SELECT included_refs FROM requests WHERE request_id = $1`, [requestId])).toEqual([
      { included_refs: [victimRef] },
    ]);
    expect(await verifiedKeys(requestId)).toEqual({
      email: [attacker.email.toLowerCase(), victim.email.toLowerCase()].sort(),
      customerId: [victim.customerId],
      phone: [victim.phone],
    });
  });

  it("the victim's own request is theirs alone: matched, the code to the victim's address", async () => {
    const { requestId, resolved } = await file({ email: victim.email }, { type: 'access' });
    expect(resolved).toMatchObject({ result: 'matched', subjectRef: await subjectOf('customerId', victim.customerId) });
    await waitFor(async () => codesOf(requestId)().length === 1, 'the code to the victim');
    expect(codesOf(requestId)()[0]!.to).toBe(victim.email.toLowerCase());
  });
});

describe('the typo corrected by rectification', () => {
  // Alice's CRM record was typed with Bob's e-mail; Bob is a customer with that e-mail.
  const alice = aSubject();
  const bob = aSubject();
  const aliceRecord = aRecordEvent('crm', { email: bob.email, customerId: alice.customerId });

  beforeAll(() =>
    store({ data: aliceRecord }, { data: aRecordEvent('crm', { email: bob.email, customerId: bob.customerId }) }),
  );

  it("while the typo stands, Bob's request goes to the DPO: two customer numbers disagree on that e-mail", async () => {
    const { resolved } = await file({ email: bob.email });
    expect(resolved.result).toBe('several');
    expect(resolved.candidates.map((c) => c.subjectRef).sort()).toEqual(
      [await subjectOf('customerId', alice.customerId), await subjectOf('customerId', bob.customerId)].sort(),
    );
  });

  it('once the CRM publishes the corrected record, the link is gone: each request reaches its own person', async () => {
    await store({
      type: 'recordUpdated',
      data: {
        ...aliceRecord,
        subjectKeys: { email: alice.email, customerId: alice.customerId },
        occurredAt: later(1_000),
      },
    });
    const bobRef = await subjectOf('customerId', bob.customerId);
    const aliceRef = await subjectOf('customerId', alice.customerId);
    expect(await subjectOf('email', bob.email.toLowerCase())).toBe(bobRef);
    expect(await subjectOf('email', alice.email.toLowerCase())).toBe(aliceRef);

    const byBob = await file({ email: bob.email }, { filedBy: 'dpo', channel: 'email' });
    expect(byBob.resolved).toMatchObject({ result: 'matched', subjectRef: bobRef });
    expect(await verifiedKeys(byBob.requestId)).toEqual({
      email: [bob.email.toLowerCase()],
      customerId: [bob.customerId],
    });
    const byAlice = await file({ email: alice.email }, { filedBy: 'dpo', channel: 'email' });
    expect(byAlice.resolved).toMatchObject({ result: 'matched', subjectRef: aliceRef });
    expect(await verifiedKeys(byAlice.requestId)).toEqual({
      email: [alice.email.toLowerCase()],
      customerId: [alice.customerId],
    });
  });
});

describe('an upgraded graph', () => {
  it('is re-derived from the stored records at start-up: a merge only a weak link made is undone', async () => {
    const carl = aSubject();
    const mallory = aSubject();
    await store(
      { data: aRecordEvent('crm', { email: carl.email, customerId: carl.customerId }) },
      { data: aRecordEvent('support', { email: mallory.email, customerId: carl.customerId }) },
    );
    const carlRef = (await subjectOf('customerId', carl.customerId))!;
    // The graph as the previous version stored it: unclassified records, every co-occurrence merged.
    await sql(`UPDATE records SET strong_keys = NULL`);
    await sql(`DELETE FROM graph_meta`);
    await sql(`UPDATE subject_keys SET subject_ref = $1 WHERE kind = 'email' AND value = $2`, [
      carlRef,
      mallory.email.toLowerCase(),
    ]);
    await h.app.get(SubjectGraphService).onModuleInit();
    expect(await subjectOf('email', mallory.email.toLowerCase())).not.toBe(carlRef);
    expect(await subjectOf('email', carl.email.toLowerCase())).toBe(carlRef);
    expect(await sql(`SELECT count(*)::int AS n FROM records WHERE strong_keys IS NULL`)).toEqual([{ n: 0 }]);
    const { resolved } = await file({ email: mallory.email });
    expect(resolved.subjectRef).not.toBe(carlRef);
  });
});

it('no e-mail, phone or customer number appears in any log line', () => {
  expect(h.logged.join('\n')).not.toMatch(/@example\.test|\+336\d{8}|C-[a-z0-9]{6,}/);
});
