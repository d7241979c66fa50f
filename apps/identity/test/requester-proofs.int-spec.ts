/**
 * How identity proves a requester, against real Kafka and PostgreSQL (issue 4): a
 * representative's request gets no code and waits for the DPO's attestation (policy
 * `verification.representative`); a request filed from a signed-in customer-space session
 * whose customer number is the subject's is verified at once (`portal-session`), one whose
 * number is not falls back to a code; an objection to direct marketing only needs no proof.
 * A plain kafkajs client plays request-intake and the
 * company systems.
 */
import {
  EVENTS,
  TOPICS,
  type IdentityVerified,
  type NotificationRequested,
  type RequestSubmitted,
} from '@datarights/contracts';
import { aSubject, waitFor } from '@datarights/testing';
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
const of = <T>(type: string, requestId: string) => eventsOf<T>(h, type, requestId);
const file = (over: Partial<RequestSubmitted> & Pick<RequestSubmitted, 'subject'>) => fileRequest(h, over);

async function verifiedOnce(requestId: string): Promise<IdentityVerified> {
  const verified = of<IdentityVerified>(EVENTS.identityVerified.type, requestId);
  await waitFor(async () => verified().length === 1, `identityVerified for ${requestId}`);
  return verified()[0]!;
}

const challenges = (requestId: string) => sql(`SELECT 1 FROM challenges WHERE request_id = $1`, [requestId]);

const sam = aSubject();
const tom = aSubject();
const nobody = aSubject();

beforeAll(async () => {
  h = await startIdentityHarness(sam, tom);
});

afterAll(async () => {
  await stopIdentityHarness(h);
});

describe("a representative's request", () => {
  it.each(['subject', 'dpo'] as const)(
    'filed by %s: no code, waits for the DPO (dpo-attested), and is verified when the DPO attests',
    async (filedBy) => {
      // Sam's own customer number: the subject's own request would get a code; a representative's does not.
      const { requestId, resolved } = await file({
        filedBy,
        subject: { email: sam.email, customerId: sam.customerId },
        representative: { mandateReference: 'MAND-2026/0042' },
      });
      expect(resolved).toMatchObject({ result: 'matched', requiredProofs: ['dpo-attested'] });
      expect(await sql(`SELECT by_representative, status FROM requests WHERE request_id = $1`, [requestId])).toEqual([
        { by_representative: true, status: 'matched' },
      ]);
      expect(await challenges(requestId)).toEqual([]);

      await h.kafka.sendEvent(
        TOPICS.requests.name,
        requestId,
        EVENTS.verificationAttested.type,
        { requestId, method: 'dpo-attested', attestedBy: 'dpo-user-7', attestedAt: new Date().toISOString() },
        { correlationid: requestId },
      );
      expect(await verifiedOnce(requestId)).toMatchObject({
        requestId,
        method: 'dpo-attested',
        attestedBy: 'dpo-user-7',
      });
      // Same partition: a code would have been published before the verification.
      expect(of(EVENTS.identityChallengeSent.type, requestId)()).toEqual([]);
      expect(of<NotificationRequested>(EVENTS.notificationRequested.type, requestId)()).toEqual([]);
    },
  );
});

describe('an objection to direct marketing (Art. 21(3); policy directMarketing.objectionWithoutProof)', () => {
  it('to marketing purposes only: verified at once without any proof (method not-required), no code sent', async () => {
    const { requestId, resolved } = await file({
      type: 'objection',
      purposes: ['prospection', 'newsletters'],
      subject: { email: tom.email },
    });
    expect(resolved.result).toBe('matched');
    expect(resolved.requiredProofs).toBeUndefined();
    expect(await verifiedOnce(requestId)).toMatchObject({
      requestId,
      requestType: 'objection',
      subjectRef: resolved.subjectRef,
      method: 'not-required',
    });
    expect(await challenges(requestId)).toEqual([]);
    expect(of<NotificationRequested>(EVENTS.notificationRequested.type, requestId)()).toEqual([]);
  });

  it('with one purpose on legitimate interest besides (Art. 21(1)): the usual proof, a code', async () => {
    const { requestId, resolved } = await file({
      type: 'objection',
      purposes: ['prospection', 'service-improvement'],
      subject: { email: tom.email },
    });
    expect(resolved).toMatchObject({ result: 'matched', requiredProofs: ['code', 'portal-session', 'dpo-attested'] });
    const sent = of<NotificationRequested>(EVENTS.notificationRequested.type, requestId);
    await waitFor(async () => sent().length === 1, `code for ${requestId}`);
    expect(of(EVENTS.identityVerified.type, requestId)()).toEqual([]);
  });
});

describe('a request filed from a signed-in customer-space session', () => {
  it("is verified without a code when the session's customer number is the subject's (method portal-session), erasure included", async () => {
    const { requestId, resolved } = await file({ subject: { customerId: sam.customerId }, portalSession: true });
    expect(resolved).toMatchObject({
      result: 'matched',
      requiredProofs: ['code+customer-number', 'portal-session', 'dpo-attested'],
    });
    const verified = await verifiedOnce(requestId);
    expect(verified).toMatchObject({
      requestId,
      requestType: 'erasure',
      subjectRef: resolved.subjectRef,
      method: 'portal-session',
    });
    expect(verified.attestedBy).toBeUndefined();
    // Every key of the subject goes on, as for a code.
    expect(verified.subjectKeys).toEqual({
      customerId: [sam.customerId],
      email: [sam.email.toLowerCase()],
      phone: [sam.phone],
    });
    expect(await challenges(requestId)).toEqual([]);
    expect(await sql(`SELECT status FROM requests WHERE request_id = $1`, [requestId])).toEqual([
      { status: 'verified' },
    ]);
  });

  it("gets a code, like an anonymous request, when the session's customer number is not the subject's", async () => {
    // The e-mail finds Sam; the session's customer number is held by no one.
    const { requestId, resolved } = await file({
      type: 'access',
      subject: { email: sam.email, customerId: nobody.customerId },
      portalSession: true,
    });
    expect(resolved).toMatchObject({ result: 'matched' });
    const sent = of<NotificationRequested>(EVENTS.notificationRequested.type, requestId);
    await waitFor(async () => sent().length === 1, `code for ${requestId}`);
    expect(sent()[0]).toMatchObject({ template: 'identity-code', to: sam.email.toLowerCase() });
    expect(of(EVENTS.identityVerified.type, requestId)()).toEqual([]);
  });

  it("several matches: once the DPO picks the subject that holds the session's customer number, it is verified by the session", async () => {
    const { requestId, resolved } = await file({
      type: 'access',
      subject: { email: tom.email, customerId: sam.customerId },
      portalSession: true,
    });
    expect(resolved.result).toBe('several');
    expect(of(EVENTS.identityVerified.type, requestId)()).toEqual([]);
    const samRef = (
      await sql<{ subject_ref: string }>(
        `SELECT subject_ref FROM subject_keys WHERE kind = 'customerId' AND value = $1`,
        [sam.customerId],
      )
    )[0]!.subject_ref;
    await h.kafka.sendEvent(
      TOPICS.requests.name,
      requestId,
      EVENTS.subjectDecided.type,
      { requestId, decision: 'subject', subjectRef: samRef, decidedBy: 'dpo-user-7' },
      { correlationid: requestId },
    );
    expect(await verifiedOnce(requestId)).toMatchObject({ subjectRef: samRef, method: 'portal-session' });
    expect(await challenges(requestId)).toEqual([]);
  });

  it('no customer number, e-mail, phone or mandate reference appears in any log line', () => {
    const all = h.logged.join('\n');
    expect(h.logged.length).toBeGreaterThan(0);
    for (const secret of [
      sam.email,
      sam.email.toLowerCase(),
      sam.customerId,
      sam.phone,
      tom.email.toLowerCase(),
      nobody.customerId,
      'MAND-2026/0042',
    ])
      expect(all).not.toContain(secret);
  });
});
