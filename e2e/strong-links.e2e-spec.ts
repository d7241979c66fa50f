/**
 * The hostile sign-up, end to end through the public surfaces (issue 13): an attacker signs
 * up to the newsletter (marketing, not authoritative for any key kind in the policy) with
 * their own address next to a customer's phone, then files an access request with that
 * address from the privacy centre. The weak link decides nothing: the request waits for the
 * DPO with both candidates and why, no code is sent; the DPO keeps it to the requester's own
 * subject; the code goes to the attacker's address for the attacker's data only, and the
 * package holds nothing of the customer's.
 */
import { randomUUID } from 'node:crypto';
import { TOPICS } from '../libs/contracts/src';
import { waitFor } from '../libs/testing/src/infra';
import { RawKafka } from '../libs/testing/src/kafka-client';
import { unzip } from '@datarights/testing';
import { CUSTOMER_PAGE, demoCustomerIn, demoReady, getRequest, http, state, waitForStatus } from './support/api';

interface Candidate {
  subjectRef: string;
  hints: string[];
  records: number;
}

const codeMails = async (id: string) =>
  (await http('demo-systems', 'GET', `/mail/messages?requestId=${id}&template=identity-code`, { token: null })).body
    ?.messages ?? [];

describe('the hostile sign-up, end to end', () => {
  const raw = new RawKafka(state.topicPrefix, 'e2e-strong-links');

  beforeAll(async () => {
    await demoReady();
  });

  afterAll(async () => {
    await raw.close();
  });

  it("an access request with the attacker's address never reaches the customer's data", async () => {
    const victim = await demoCustomerIn(['crm', 'billing'], CUSTOMER_PAGE.strongLinks);
    const attacker = `newsletter-${randomUUID().slice(0, 8)}@example.test`;
    const recordRef = `signup-${randomUUID()}`;
    await raw.sendEvent(TOPICS.dataEvents.name, `marketing:${recordRef}`, 'pdata.record.stored.v1', {
      systemId: 'marketing',
      recordRef,
      category: 'prospection',
      subjectKeys: { email: attacker, phone: victim.phone },
      occurredAt: new Date().toISOString(),
    });

    const filed = await http('request-intake', 'POST', '/v1/self-service/requests', {
      token: null,
      body: { type: 'access', subject: { email: attacker }, channel: 'portal' },
    });
    expect(filed.status).toBe(201);
    const id = filed.body.id as string;

    // Identity waits for its index, then: several candidates, the DPO decides.
    const waiting = await waitFor(
      async () => {
        const view = await getRequest(id);
        return view.status === 'awaiting-subject-decision' && view.candidates?.length === 2 ? view : undefined;
      },
      'the request waiting for the DPO with two candidates',
      120_000,
    );
    const [own, weak] = waiting.candidates as Candidate[];
    expect(own!.hints).toContain('strong link: the identifiers given, in an authoritative system');
    expect(weak!.hints).toContain(`weak link: marketing record ${recordRef.slice(0, 2)}***${recordRef.slice(-2)}`);
    expect(JSON.stringify(waiting.candidates)).not.toContain(victim.email);
    expect(JSON.stringify(waiting.candidates)).not.toContain(victim.customerId);
    expect(await codeMails(id)).toEqual([]);

    // The DPO keeps the request to the requester's own subject (the customer excluded).
    const decided = await http('request-intake', 'POST', `/v1/requests/${id}/subject-decision`, {
      body: { decision: 'subject', subjectRef: own!.subjectRef },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(decided.status).toBe(200);
    const mail = await waitFor(async () => (await codeMails(id))[0], 'the identity code in the mail sink', 60_000);
    expect(mail.to.toLowerCase()).toBe(attacker);
    const verified = await http('identity', 'POST', `/v1/self-service/requests/${id}/verification`, {
      token: null,
      body: { method: 'code', code: String(mail.variables.code) },
    });
    expect(verified.status).toBe(200);

    await waitForStatus(id, ['completed'], 180_000);
    const res = await fetch(`${state.urls['request-intake']}/v1/requests/${id}/package`, {
      headers: { authorization: `Bearer ${state.token}` },
    });
    expect(res.status).toBe(200);
    const files = await unzip(Buffer.from(await res.arrayBuffer()));
    const text = [...files.values()].join('\n');
    // The sign-up was only announced (the demo marketing system holds no such row): the
    // package is the requester's own data, none; before strong links it held every row the
    // CRM and billing keep about the customer.
    expect(text).toContain('"requestType": "access"');
    for (const value of [victim.email, victim.email.toLowerCase(), victim.customerId, victim.name, victim.phone])
      expect(text).not.toContain(value);
  });
});
