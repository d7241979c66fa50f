/**
 * Rectification, restriction and objection, end to end (issue 7; GDPR Art. 16, 18, 21),
 * through the public surfaces only: the DPO's HTTP API, the demo systems' own API (what
 * each system holds), and a plain kafkajs client playing a company system.
 */
import { randomUUID } from 'node:crypto';
import { commandTopic, EVENTS, TOPICS } from '../libs/contracts/src';
import { waitFor } from '../libs/testing/src/infra';
import { RawKafka, type Received } from '../libs/testing/src/kafka-client';
import {
  CUSTOMER_PAGE,
  demoCustomerIn,
  demoReady,
  fileAndVerify,
  getRequest,
  http,
  state,
  waitForStatus,
} from './support/api';

const held = async (customerId: string) =>
  (await http('demo-systems', 'GET', `/demo/customers/${customerId}`, { token: null })).body.systems;

describe('rectification, restriction and objection, end to end', () => {
  const raw = new RawKafka(state.topicPrefix, 'e2e-rights-system');
  let received: Received[];

  beforeAll(async () => {
    await demoReady();
    received = await raw.collect([commandTopic('marketing'), TOPICS.dataEvents.name]);
  });

  afterAll(async () => {
    await raw.close();
  });

  it('a changed e-mail reaches every system holding it, and a later request using the new e-mail finds the subject', async () => {
    const customer = await demoCustomerIn(['crm', 'support'], CUSTOMER_PAGE.rightsRestriction);
    const newEmail = `rectified-${randomUUID().slice(0, 8)}@example.test`;
    await fileAndVerify({ type: 'rectification', subject: { email: customer.email }, changes: { email: newEmail } });

    await waitFor(
      async () => {
        const s = await held(customer.customerId);
        const rows = [...s.crm.crm_customers, ...s.support.support_tickets] as { email: string }[];
        return rows.length > 0 && rows.every((r) => r.email === newEmail) ? rows : undefined;
      },
      'the new e-mail in CRM and support',
      120_000,
    );

    // The systems announce the corrected records on the data-events topic (each from its own
    // outbox, a moment after its database changed). identity resolves a request only once it
    // has read that topic up to where it stood when the request arrived, so a request filed
    // after both announcements finds the subject by the CRM's strong link; one filed between
    // them could see only support's weak one and rightly go to the DPO.
    for (const systemId of ['crm', 'support'])
      await raw.waitForMessage(
        received,
        (r) =>
          r.topic === TOPICS.dataEvents.name &&
          r.envelope?.type === EVENTS.recordUpdated.type &&
          (r.envelope.data as { systemId?: string }).systemId === systemId &&
          [(r.envelope.data as { subjectKeys?: { email?: string | string[] } }).subjectKeys?.email]
            .flat()
            .includes(newEmail),
        `${systemId}'s record-updated event with the new e-mail`,
        60_000,
      );
    const later = await http('request-intake', 'POST', '/v1/requests', {
      body: { type: 'access', subject: { email: newEmail }, channel: 'email' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(later.status).toBe(201);
    await waitForStatus(later.body.id, ['awaiting-verification']);
    const view = await getRequest(later.body.id);
    expect((view.timeline as { summary: string }[]).map((t) => t.summary)).toContain('subject matched');
  });

  it('a restricted record is no longer processed by the marketing system (Art. 18)', async () => {
    const customer = await demoCustomerIn(['crm', 'marketing'], CUSTOMER_PAGE.rightsObjection);
    await fileAndVerify({ type: 'restriction', subject: { email: customer.email }, ground: 'accuracy-contested' });
    const restricted = await waitFor(
      async () => {
        const rows = (await held(customer.customerId)).marketing.marketing_contacts as { restricted: boolean }[];
        return rows.length > 0 && rows.every((r) => r.restricted) ? rows : undefined;
      },
      'the marketing contact restricted',
      120_000,
    );
    expect(restricted.length).toBeGreaterThan(0);
  });

  it('an objection to prospection takes effect without any proof; after it and an erasure, a new data event with the same e-mail is still suppressed (Art. 21(3))', async () => {
    const customer = await demoCustomerIn(['marketing'], CUSTOMER_PAGE.rightsMarketing);
    // Filed by e-mail and never attested: the policy applies an objection to direct
    // marketing only without proof of identity (directMarketing.objectionWithoutProof).
    const filed = await http('request-intake', 'POST', '/v1/requests', {
      body: { type: 'objection', channel: 'email', subject: { email: customer.email }, purposes: ['prospection'] },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(filed.status).toBe(201);
    const objection = filed.body.id as string;
    await waitForStatus(objection, ['completed'], 120_000);
    expect((await getRequest(objection)).verification).toMatchObject({ method: 'not-required', attestedBy: null });
    const erasure = await fileAndVerify({ type: 'erasure', subject: { email: customer.email } });
    await waitForStatus(erasure, ['completed'], 120_000);
    expect((await held(customer.customerId)).marketing.marketing_contacts).toHaveLength(0);

    // The marketing system collects the same person again, later. (The objection's own
    // suppress command named every category of the plan; the new one names the record's.)
    const earlier = new Set(received.map((r) => (r.envelope?.data as { commandId?: string } | undefined)?.commandId));
    const recordRef = `contact/again-${randomUUID().slice(0, 8)}`;
    await raw.sendEvent(TOPICS.dataEvents.name, `marketing:${recordRef}`, EVENTS.recordStored.type, {
      systemId: 'marketing',
      recordRef,
      category: 'prospection',
      subjectKeys: { email: customer.email },
      occurredAt: new Date().toISOString(),
    });
    const suppress = await raw.waitForMessage(
      received,
      (r) =>
        // On the command topic only: the data-events topic also collected here carries the
        // hostile suite's forged commands (wrong topic, no keys), which count for nothing.
        r.topic === commandTopic('marketing') &&
        r.envelope?.type === EVENTS.suppressCommand.type &&
        (r.envelope.data as { subjectKeys?: { email?: string[] } }).subjectKeys?.email?.includes(customer.email) ===
          true &&
        (r.envelope.data as { requestId: string }).requestId === objection &&
        !earlier.has((r.envelope.data as { commandId: string }).commandId) &&
        (r.envelope.data as { categories: string[] }).categories.length === 1,
      'the suppress command for the new record',
      120_000,
    );
    expect(suppress.envelope?.data).toMatchObject({
      systemId: 'marketing',
      purposes: ['prospection'],
      categories: ['prospection'],
    });
  });
});
