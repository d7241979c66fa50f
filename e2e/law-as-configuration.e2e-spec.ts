/**
 * The law as configuration, end to end, through the public surfaces only (the DPO's API,
 * the demo systems' own API, the audit API, the demo mailbox, a plain kafkajs client
 * playing a company system the repo does not know), with the executor's controllable
 * clock (PUT /internal/clock, outside production only):
 * - billing data kept ten years under Code de commerce L123-22 is erased in the billing
 *   system when the hold ends, and the erasure is in the audit;
 * - a processor system's data is forwarded to its controller, not erased.
 */
import { randomUUID } from 'node:crypto';
import { TOPICS } from '../libs/contracts/src';
import { waitFor } from '../libs/testing/src/infra';
import { RawKafka, type Received } from '../libs/testing/src/kafka-client';
import {
  CUSTOMER_PAGE,
  systemIndexed,
  demoCustomerIn,
  demoReady,
  fileAndVerify,
  getRequest,
  http,
  setExecutorClock,
  state,
  waitForStatus,
} from './support/api';

type Holdings = { systems?: Record<string, Record<string, unknown[]>> } & Record<string, unknown>;

/** The rows a demo system holds about a customer, whatever the table. */
const rowsIn = (h: Holdings, systemId: string): unknown[] => Object.values(h.systems?.[systemId] ?? {}).flat();

describe('the law as configuration, end to end', () => {
  const raw = new RawKafka(state.topicPrefix, 'e2e-law-system');

  beforeAll(async () => {
    await demoReady();
  });

  afterAll(async () => {
    // The stack is shared by every e2e file: the executor's clock goes back to the real time.
    await setExecutorClock(0);
    await raw.close();
  });

  it('keeps billing data under its legal hold, then erases it in the billing system when the hold ends, with the erasure in the audit', async () => {
    const customer = await demoCustomerIn(['billing', 'crm'], CUSTOMER_PAGE.lawHold);
    const id = await fileAndVerify({ type: 'erasure', subject: { email: customer.email } });
    const done = await waitForStatus(id, ['completed'], 90_000);

    // Kept and restricted meanwhile (Art. 17(3)(b), 18): the billing rows are still there.
    const billingHolds = done.holds.filter((h: { systemId: string }) => h.systemId === 'billing');
    expect(billingHolds.length).toBeGreaterThan(0);
    for (const h of billingHolds.filter((x: { category: string }) => x.category === 'billing'))
      expect(h).toMatchObject({ ground: 'Art. 17(3)(b)', legalText: 'Code de commerce L123-22', expiredAt: null });
    const before = (
      await http<Holdings>('demo-systems', 'GET', `/demo/customers/${customer.customerId}`, { token: null })
    ).body;
    expect(rowsIn(before, 'billing').length).toBeGreaterThan(0);

    // Each invoice is held to the end of its own financial year plus ten years (Code de
    // commerce L123-22; issue 14): one hold per year-end, 31 December, Paris time.
    const invoiceHolds = billingHolds.filter((h: { category: string }) => h.category === 'billing');
    const invoiceYears = new Set(
      (before.systems!.billing.billing_invoices as { issued_at: string }[]).map((r) =>
        Number(
          new Intl.DateTimeFormat('en-GB', { year: 'numeric', timeZone: 'Europe/Paris' }).format(new Date(r.issued_at)),
        ),
      ),
    );
    expect(invoiceHolds.map((h: { until: string }) => h.until).sort()).toEqual(
      [...invoiceYears].sort().map((y) => `${y + 10}-12-31T22:59:59.999Z`),
    );
    // Payment data waits for the account's closure (décret 2021-1362 art. 3: one year after it): kept.

    // Ten years later (the executor's clock, moved just past the last invoice hold's end).
    const lastUntil = Math.max(...invoiceHolds.map((h: { until: string }) => Date.parse(h.until)));
    await setExecutorClock(lastUntil - Date.now() + 60_000);
    try {
      const erased = await waitFor(
        async () => {
          const r = await getRequest(id);
          const holds = r.holds.filter(
            (h: { systemId: string; category: string }) => h.systemId === 'billing' && h.category === 'billing',
          );
          const commands = holds.map((h: { eraseCommandId: string | null }) => h.eraseCommandId);
          const completed = commands.every(
            (c: string | null) =>
              c &&
              r.systems.some(
                (s: { commandId: string; status: string }) => s.commandId === c && s.status === 'completed',
              ),
          );
          return holds.every((h: { expiredAt: string | null }) => h.expiredAt) && completed ? r : undefined;
        },
        'the held billing data erased',
        60_000,
        500,
      );
      for (const h of erased.holds.filter(
        (x: { systemId: string; category: string }) => x.systemId === 'billing' && x.category === 'billing',
      )) {
        expect(erased.systems.find((s: { commandId: string }) => s.commandId === h.eraseCommandId)).toMatchObject({
          systemId: 'billing',
          kind: 'erase',
          outcome: 'done',
        });
      }
      expect(erased.status).toBe('completed');
    } finally {
      await setExecutorClock(0);
    }

    // The billing system itself no longer holds them.
    const after = (
      await http<Holdings>('demo-systems', 'GET', `/demo/customers/${customer.customerId}`, { token: null })
    ).body;
    expect(after.systems!.billing.billing_invoices).toHaveLength(0);
    // The payments, whose period has not started (the account is open), are still kept, restricted.
    expect(after.systems!.billing.billing_payments).toEqual(
      (before.systems!.billing.billing_payments as Record<string, unknown>[]).map((r) =>
        expect.objectContaining({ payment_id: r.payment_id, restricted_until: 'infinity' }),
      ),
    );

    // The evidence: the hold's end, the erase sent to billing, and billing's answer.
    const held = invoiceHolds.length;
    type Entry = { type: string; payload: Record<string, unknown> };
    const evidence = await waitFor(
      async () => {
        const r = await http<{ entries: Entry[] }>('audit', 'GET', `/v1/audit/requests/${id}`);
        if (r.status !== 200) return undefined;
        const expired = r.body.entries.filter(
          (e) => e.type === 'dsr.hold.expired.v1' && e.payload.systemId === 'billing',
        );
        const completed = expired.every((x) =>
          r.body.entries.some(
            (e) => e.type === 'dsr.action.completed.v1' && e.payload.commandId === x.payload.commandId,
          ),
        );
        return expired.length === held && completed ? r.body : undefined;
      },
      'the erasure in the audit',
      60_000,
      500,
    );
    const entries: Entry[] = evidence.entries;
    const types = entries.map((e) => e.type);
    expect(types.indexOf('dsr.hold.expired.v1')).toBeGreaterThan(types.indexOf('dsr.request.closed.v1'));
    for (const expired of entries.filter((e) => e.type === 'dsr.hold.expired.v1' && e.payload.systemId === 'billing')) {
      expect(expired.payload).toMatchObject({ systemId: 'billing', ground: expect.stringMatching(/^Art\. 17\(3\)/) });
      const commandId = expired.payload.commandId;
      expect(
        entries.find((e) => e.type === 'dsr.action.dispatched.v1' && e.payload.commandId === commandId)?.payload,
      ).toMatchObject({ systemId: 'billing', kind: 'erase' });
      expect(
        entries.find((e) => e.type === 'dsr.action.completed.v1' && e.payload.commandId === commandId)?.payload,
      ).toMatchObject({ systemId: 'billing', kind: 'erase', outcome: 'done' });
      // The billing system's own reply (the public contract).
      expect(entries.some((e) => e.type === 'pdata.command.completed.v1' && e.payload.commandId === commandId)).toBe(
        true,
      );
    }
    expect(JSON.stringify(evidence)).not.toContain(customer.email);
    const verify = await http('audit', 'GET', '/v1/audit/verify');
    expect(verify.body.valid).toBe(true);
  });

  it('forwards the data of a processor system to its controller instead of erasing it, and completes once the DPO records the acknowledgement', async () => {
    const systemId = `hosted-${randomUUID().slice(0, 8)}`;
    const contact = `dpo.${randomUUID().slice(0, 8)}@controller.example.test`;
    const email = `hosted.${randomUUID().slice(0, 8)}@example.test`;
    const commandTopic = `pdata.commands.${systemId}.v1`;

    await raw.sendEvent(TOPICS.systems.name, systemId, 'pdata.system.registered.v1', {
      systemId,
      name: 'Databases our customers host with us',
      owner: 'hosting-ops',
      role: 'processor',
      controller: 'ACME SAS',
      controllerContact: contact,
      purposes: ['hosting'],
      legalBasis: 'contract',
      categories: ['identification'],
      location: 'FR',
      transfers: [],
      recipients: [],
      capabilities: ['export', 'erase'],
    });
    for (const recordRef of ['row-1', 'row-2']) {
      await raw.sendEvent(TOPICS.dataEvents.name, `${systemId}:${recordRef}`, 'pdata.record.stored.v1', {
        systemId,
        recordRef,
        category: 'identification',
        subjectKeys: { email },
        occurredAt: new Date().toISOString(),
      });
    }
    // Approved as the DPO would (its capabilities wait for the DPO), then its command topic comes.
    await systemIndexed(systemId, 2);
    await raw.waitForTopic(commandTopic);
    const commands: Received[] = await raw.collect([commandTopic]);

    const id = await fileAndVerify({ type: 'erasure', subject: { email } });
    const waiting = await waitFor(
      async () => {
        const r = await getRequest(id);
        return r.systems.some(
          (s: { systemId: string; status: string }) =>
            s.systemId === systemId && s.status === 'awaiting-acknowledgement',
        )
          ? r
          : undefined;
      },
      'the forward to the controller',
      90_000,
      500,
    );
    const forward = waiting.systems.find((s: { systemId: string }) => s.systemId === systemId);
    expect(forward).toMatchObject({ kind: 'forward', outcome: 'pending', categories: ['identification'] });
    expect(waiting.attention).toContain(
      `${systemId}: forwarded to the controller (processor system): awaiting its acknowledgement`,
    );

    // The controller is told what it needs to act, at the contact it registered.
    const mail = await waitFor(
      async () => {
        const r = await http('demo-systems', 'GET', `/mail/messages?requestId=${id}&template=processor-forward`, {
          token: null,
        });
        return r.body?.messages?.[0];
      },
      'the forward notice',
      30_000,
      500,
    );
    expect(mail).toMatchObject({
      to: contact,
      channel: 'email',
      variables: { reference: forward.commandId, requestType: 'erasure', systemId, categories: ['identification'] },
    });
    expect(mail.variables.subjectKeys.email).toContain(email);

    // The DPO records the controller's answer; the request completes, nothing was erased by us.
    const ack = await http(
      'request-intake',
      'POST',
      `/v1/requests/${id}/actions/${forward.commandId}/acknowledgement`,
      { body: { note: 'ACME SAS confirmed on the phone (ticket DPO-77).' } },
    );
    expect(ack.status).toBe(202);
    const done = await waitForStatus(id, ['completed'], 60_000);
    expect(done.systems.find((s: { systemId: string }) => s.systemId === systemId)).toMatchObject({
      kind: 'forward',
      status: 'completed',
      outcome: 'forwarded',
    });
    expect(commands).toHaveLength(0);

    const evidence = await http('audit', 'GET', `/v1/audit/requests/${id}`);
    const types: string[] = evidence.body.entries.map((e: { type: string }) => e.type);
    for (const t of ['dsr.action.forwarded.v1', 'dsr.action.acknowledgement-recorded.v1', 'dsr.action.acknowledged.v1'])
      expect(types).toContain(t);
    expect(types).not.toContain('pdata.command.erase.v1');
  });
});
