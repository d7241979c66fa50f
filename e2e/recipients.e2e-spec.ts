/**
 * Telling the recipients (GDPR Art. 19), end to end, through the public surfaces only: the
 * DPO's HTTP API, the demo systems (the support desk discloses tickets to the HelpScale
 * helpdesk, whose connector takes notices and acknowledges them), the mail sink, and a
 * plain kafkajs client playing a company system whose partner never answers. The shipped
 * policy gives a recipient 7 days per notice and 2 reminders; the executor's clock
 * (PUT /internal/clock, outside production only) moves those weeks in seconds.
 */
import { randomUUID } from 'node:crypto';
import { commandTopic, TOPICS } from '../libs/contracts/src';
import { waitFor } from '../libs/testing/src/infra';
import { RawKafka, type Received } from '../libs/testing/src/kafka-client';
import {
  CUSTOMER_PAGE,
  demoCustomerIn,
  demoReady,
  getRequest,
  http,
  setExecutorClock,
  state,
  waitForStatus,
} from './support/api';
import { approveRegistrations } from './support/stack';

interface Recipient {
  noticeId: string;
  name: string;
  systemId?: string;
  fromSystemId: string;
  status: string;
  reminders: number;
  reason: string | null;
  acknowledgedBy: string | null;
}

const DAY = 86_400_000;

const recipientsOf = async (id: string): Promise<Recipient[]> => {
  const res = await http<{ recipients: Recipient[] }>('request-intake', 'GET', `/v1/requests/${id}/recipients`);
  expect(res.status).toBe(200);
  return res.body.recipients;
};
const waitRecipient = (id: string, systemId: string, what: string, ok: (r: Recipient) => boolean, timeoutMs = 60_000) =>
  waitFor(async () => (await recipientsOf(id)).find((r) => r.systemId === systemId && ok(r)), what, timeoutMs, 500);

describe('telling the recipients (Art. 19), end to end', () => {
  const raw = new RawKafka(state.topicPrefix, 'e2e-recipients-system');

  beforeAll(async () => {
    await demoReady();
  });

  afterAll(async () => {
    // The stack is shared by every e2e file: the executor's clock goes back to the real time.
    await setExecutorClock(0);
    await raw.close();
  });

  it('after an erasure, the helpdesk acknowledges; a recipient that never acknowledges is reminded twice, then the request shows it; the subject gets the list', async () => {
    const customer = await demoCustomerIn(['support'], CUSTOMER_PAGE.recipients);
    // A company system the repo does not know, whose partner has a command topic but never answers.
    const systemId = `archive-${randomUUID().slice(0, 8)}`;
    const partner = `partner-${randomUUID().slice(0, 8)}`;
    await raw.sendEvent(TOPICS.systems.name, systemId, 'pdata.system.registered.v1', {
      systemId,
      name: 'Ticket archive',
      owner: 'customer-care',
      role: 'controller',
      purposes: ['customer-support'],
      legalBasis: 'contract',
      categories: ['relationship'],
      location: 'FR',
      transfers: [],
      capabilities: ['erase'],
      recipients: [
        {
          name: 'Silent Partner SARL',
          kind: 'sub-processor',
          categories: ['relationship'],
          country: 'FR',
          systemId: partner,
        },
      ],
    });
    await raw.sendEvent(TOPICS.dataEvents.name, `${systemId}:t1`, 'pdata.record.stored.v1', {
      systemId,
      recordRef: 't1',
      category: 'relationship',
      subjectKeys: { email: customer.email },
      occurredAt: new Date().toISOString(),
    });
    // It redirects data (a capability, a recipient system): in force once the DPO approves it.
    await approveRegistrations(state, [systemId]);
    await raw.waitForTopic(commandTopic(systemId));
    const commands: Received[] = await raw.collect([commandTopic(systemId)]);

    const created = await http('request-intake', 'POST', '/v1/requests', {
      body: { type: 'erasure', subject: { email: customer.email }, channel: 'email' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await waitForStatus(id, ['awaiting-verification']);
    expect(
      (
        await http('request-intake', 'POST', `/v1/requests/${id}/verification`, {
          body: { method: 'dpo-attested', note: 'identity card seen by the DPO' },
        })
      ).status,
    ).toBeLessThan(300);

    // The archive erases and says so.
    const erase = await raw.waitForMessage(
      commands,
      (r) => r.envelope?.type === 'pdata.command.erase.v1' && r.envelope?.correlationid === id,
      'the erase command',
      60_000,
    );
    const cmd = erase.envelope!.data as { commandId: string };
    await raw.sendEvent(
      TOPICS.replies.name,
      id,
      'pdata.command.completed.v1',
      { commandId: cmd.commandId, requestId: id, systemId, outcome: 'done', affectedRecords: 1 },
      { correlationid: id },
    );
    await waitForStatus(id, ['completed'], 90_000);

    // The support desk erased the tickets: HelpScale was told on its topic and acknowledged.
    const helpscale = await waitRecipient(
      id,
      'helpscale',
      'HelpScale acknowledged',
      (r) => r.status === 'acknowledged',
    );
    expect(helpscale).toMatchObject({
      name: 'HelpScale Inc. (helpdesk software)',
      fromSystemId: 'support',
      acknowledgedBy: 'recipient',
      reminders: 0,
    });
    const silent = await waitRecipient(id, partner, 'the partner told', (r) => r.status === 'awaiting-acknowledgement');
    expect(silent).toMatchObject({ name: 'Silent Partner SARL', fromSystemId: systemId, reminders: 0 });

    // Weeks pass on the executor's clock; the partner never answers.
    try {
      await setExecutorClock(8 * DAY);
      await waitRecipient(id, partner, 'the first reminder', (r) => r.reminders === 1);
      await setExecutorClock(16 * DAY);
      await waitRecipient(id, partner, 'the second reminder', (r) => r.reminders === 2);
      await setExecutorClock(24 * DAY);
      const unacknowledged = await waitRecipient(
        id,
        partner,
        'recorded as unacknowledged',
        (r) => r.status === 'unacknowledged',
      );
      expect(unacknowledged.reason).toBe('no acknowledgement after the notice and 2 reminders, each allowed P7D');
    } finally {
      await setExecutorClock(0);
    }
    const view = await getRequest(id);
    expect(view.recipients.find((r: Recipient) => r.systemId === partner)).toMatchObject({
      status: 'unacknowledged',
      reminders: 2,
    });
    expect(view.attention).toContain(
      `recipient Silent Partner SARL (of ${systemId}): never acknowledged the notice (Art. 19)`,
    );
    const lines = (view.timeline as { summary: string }[]).map((t) => t.summary).filter((s) => s.includes(partner));
    expect(lines).toEqual([
      expect.stringMatching(/^recipient partner-\S+ told of the erasure on archive-/),
      expect.stringMatching(/reminded \(reminder 1\)/),
      expect.stringMatching(/reminded \(reminder 2\)/),
      expect.stringMatching(/never acknowledged: no acknowledgement after the notice and 2 reminders/),
    ]);

    // Art. 19, last sentence: the subject asks who received their data.
    const informed = await http('request-intake', 'POST', `/v1/requests/${id}/recipients/subject-notice`);
    expect(informed.status).toBe(202);
    const mail = await waitFor(
      async () => {
        const r = await http('demo-systems', 'GET', `/mail/messages?requestId=${id}&template=recipients-list`, {
          token: null,
        });
        return r.body.messages?.[0];
      },
      'the recipients-list mail',
      30_000,
    );
    expect(mail.to).toBe(customer.email);
    const names = (mail.variables.recipients as { name: string }[]).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['HelpScale Inc. (helpdesk software)', 'Silent Partner SARL']));
  });
});
