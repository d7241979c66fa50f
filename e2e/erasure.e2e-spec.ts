/**
 * Erasure, end to end, through the public surfaces only: the DPO's HTTP API, the demo
 * systems' own API (what each system still holds), the audit API, the mail sink, and a
 * plain kafkajs client playing a company system the repo doesn't know.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { TOPICS } from '../libs/contracts/src';
import { DATABASE_URL, waitFor } from '../libs/testing/src/infra';
import { RawKafka, type Received } from '../libs/testing/src/kafka-client';
import {
  allLogs,
  CUSTOMER_PAGE,
  systemIndexed,
  demoCustomerIn,
  demoReady,
  fileAndVerify,
  getRequest,
  http,
  state,
  waitForStatus,
} from './support/api';

describe('erasure, end to end', () => {
  const raw = new RawKafka(state.topicPrefix, 'e2e-raw-system');

  beforeAll(async () => {
    await demoReady();
  });

  afterAll(async () => {
    await raw.close();
  });

  it('erases a seeded customer from support and marketing, keeps the CRM identity and billing under legal holds, and proves it', async () => {
    const customer = await demoCustomerIn(['crm', 'billing', 'support', 'marketing'], CUSTOMER_PAGE.erasureFourSystems);
    const before = await http('demo-systems', 'GET', `/demo/customers/${customer.customerId}`, { token: null });
    expect(before.status).toBe(200);

    const id = await fileAndVerify({ type: 'erasure', subject: { email: customer.email } });
    const done = await waitForStatus(id, ['completed'], 90_000);

    // What each system still holds about them, from the systems themselves.
    const after = await http('demo-systems', 'GET', `/demo/customers/${customer.customerId}`, { token: null });
    expect(after.status).toBe(200);
    const held = after.body.systems;
    expect(before.body.systems.crm.crm_customers.length).toBeGreaterThan(0);
    // The subscriber's civil identity: kept, restricted, 5 years after the contract ends (LCEN art. 6, décret 2021-1362).
    expect(held.crm.crm_customers).toEqual(
      before.body.systems.crm.crm_customers.map((r: Record<string, unknown>) =>
        expect.objectContaining({ ...r, restricted_until: expect.any(String) }),
      ),
    );
    expect(held.support.support_tickets).toHaveLength(0);
    expect([...held.marketing.marketing_contacts, ...held.marketing.marketing_usage]).toHaveLength(0);
    expect([...held.billing.billing_invoices, ...held.billing.billing_payments]).toEqual(
      [...before.body.systems.billing.billing_invoices, ...before.body.systems.billing.billing_payments].map(
        (r: Record<string, unknown>) => expect.objectContaining({ ...r, restricted_until: expect.any(String) }),
      ),
    );

    // The hold, with its ground, text and end date, shown on the request.
    // Each invoice from its own financial year (Code de commerce L123-22: ten years from its
    // end, 31 December, Paris time), not from the request (issue 14).
    const invoiceHolds = done.holds.filter(
      (h: { systemId: string; category: string }) => h.systemId === 'billing' && h.category === 'billing',
    );
    for (const hold of invoiceHolds)
      expect(hold).toMatchObject({ ground: 'Art. 17(3)(b)', legalText: 'Code de commerce L123-22' });
    const years = new Set(
      (before.body.systems.billing.billing_invoices as { issued_at: string }[]).map((r) =>
        Number(
          new Intl.DateTimeFormat('en-GB', { year: 'numeric', timeZone: 'Europe/Paris' }).format(new Date(r.issued_at)),
        ),
      ),
    );
    expect(invoiceHolds.map((h: { until: string }) => h.until).sort()).toEqual(
      [...years].sort().map((y) => `${y + 10}-12-31T22:59:59.999Z`),
    );
    expect(
      done.holds.find(
        (h: { systemId: string; category: string }) => h.systemId === 'crm' && h.category === 'identification',
      ),
    ).toMatchObject({ ground: 'Art. 17(3)(b)', legalText: 'LCEN art. 6 et décret 2021-1362' });
    for (const systemId of ['support', 'marketing']) {
      expect(
        done.systems.find((s: { systemId: string; kind: string }) => s.systemId === systemId && s.kind === 'erase'),
      ).toMatchObject({ outcome: 'done' });
    }

    // Completed before its due date, with every step on the timeline.
    expect(new Date(done.closedAt).getTime()).toBeLessThan(new Date(done.dueAt).getTime());
    const steps = done.timeline.map((t: { event: string }) => t.event);
    for (const step of [
      'dsr.request.submitted.v1',
      'dsr.subject.resolved.v1',
      'dsr.verification.attested.v1',
      'dsr.identity.verified.v1',
      'dsr.plan.built.v1',
      'dsr.action.dispatched.v1',
      'dsr.action.completed.v1',
      'dsr.hold.recorded.v1',
      'dsr.execution.completed.v1',
    ]) {
      expect(steps).toContain(step);
    }

    // The subject is told what was erased and what is kept, why and until when.
    const mail = await waitFor(async () => {
      const r = await http('demo-systems', 'GET', `/mail/messages?requestId=${id}&template=request-completed`, {
        token: null,
      });
      return r.body?.messages?.length ? r.body.messages[0] : undefined;
    }, 'the completion notice');
    expect(mail.to).toBe(customer.email);
    expect(JSON.stringify(mail.variables)).toContain('Code de commerce L123-22');

    // The evidence: the chain is valid, the request's entries are there, and no personal data anywhere in audit or in the logs.
    const verify = await http('audit', 'GET', '/v1/audit/verify');
    expect(verify.status).toBe(200);
    expect(verify.body.valid).toBe(true);
    const evidence = await waitFor(async () => {
      const r = await http('audit', 'GET', `/v1/audit/requests/${id}`);
      return r.status === 200 && r.body.entries.some((e: { type: string }) => e.type === 'dsr.request.closed.v1')
        ? r.body
        : undefined;
    }, 'the closing evidence');
    expect(evidence.entries.length).toBeGreaterThan(8);

    const pg = new Client({ connectionString: DATABASE_URL });
    await pg.connect();
    let auditDump = '';
    try {
      const tables = await pg.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [
        state.schemas.audit,
      ]);
      for (const { table_name } of tables.rows) {
        const rows = await pg.query(`SELECT * FROM "${state.schemas.audit}"."${table_name}"`);
        auditDump += JSON.stringify(rows.rows);
      }
    } finally {
      await pg.end();
    }
    const logs = allLogs();
    for (const value of [customer.email, customer.phone, customer.name]) {
      expect(auditDump).not.toContain(value);
      expect(logs).not.toContain(value);
    }
  });

  it('erases the data of a company system the repo does not know, written with a plain kafkajs client', async () => {
    const systemId = `foreign-${randomUUID().slice(0, 8)}`;
    const email = `foreign.${randomUUID().slice(0, 8)}@example.test`;
    const records = new Map([
      [`row-1`, email],
      [`row-2`, email],
    ]);
    const commandTopic = `pdata.commands.${systemId}.v1`;

    await raw.sendEvent(TOPICS.systems.name, systemId, 'pdata.system.registered.v1', {
      systemId,
      name: 'A foreign system',
      owner: 'another team',
      role: 'controller',
      purposes: ['analytics'],
      legalBasis: 'legitimate-interest',
      categories: ['usage'],
      location: 'FR',
      transfers: [],
      recipients: [],
      capabilities: ['erase'],
    });
    for (const [recordRef] of records) {
      await raw.sendEvent(TOPICS.dataEvents.name, `${systemId}:${recordRef}`, 'pdata.record.stored.v1', {
        systemId,
        recordRef,
        category: 'usage',
        subjectKeys: { email },
        occurredAt: new Date().toISOString(),
      });
    }
    // The command topic appears when the system is registered.
    // Approved as the DPO would (its capabilities wait for the DPO), then its command topic comes.
    await systemIndexed(systemId, records.size);
    await raw.waitForTopic(commandTopic);
    const commands: Received[] = await raw.collect([commandTopic]);

    const id = await fileAndVerify({ type: 'erasure', subject: { email } });
    const command = await raw.waitForMessage(
      commands,
      (r) => r.envelope?.type === 'pdata.command.erase.v1' && r.envelope?.correlationid === id,
      'the erase command',
      60_000,
    );
    expect(command.key).toBe(id);
    expect(command.headers['content-type']).toContain('application/cloudevents+json');
    const data = command.envelope!.data as {
      commandId: string;
      requestId: string;
      subjectKeys: { email?: string[] };
      categories: string[];
    };
    expect(data.subjectKeys.email).toContain(email);
    expect(data.categories).toEqual(['usage']);

    // The system erases, reports the erased records, and replies.
    records.clear();
    for (const recordRef of ['row-1', 'row-2']) {
      await raw.sendEvent(TOPICS.dataEvents.name, `${systemId}:${recordRef}`, 'pdata.record.erased.v1', {
        systemId,
        recordRef,
        category: 'usage',
        subjectKeys: { email },
        occurredAt: new Date().toISOString(),
      });
    }
    await raw.sendEvent(
      TOPICS.replies.name,
      id,
      'pdata.command.completed.v1',
      { commandId: data.commandId, requestId: id, systemId, outcome: 'done', affectedRecords: 2 },
      { correlationid: id },
    );

    const done = await waitForStatus(id, ['completed'], 60_000);
    expect(done.systems.find((s: { systemId: string }) => s.systemId === systemId)).toMatchObject({
      outcome: 'done',
      affectedRecords: 2,
    });
  });

  it('escalates a system that never replies while the others complete, and completes once the DPO closes it with a reason', async () => {
    const systemId = `silent-${randomUUID().slice(0, 8)}`;
    const customer = await demoCustomerIn(
      ['crm', 'billing', 'support', 'marketing'],
      CUSTOMER_PAGE.erasureSilentSystem,
    );
    await raw.sendEvent(TOPICS.systems.name, systemId, 'pdata.system.registered.v1', {
      systemId,
      name: 'A silent system',
      owner: 'nobody',
      role: 'controller',
      purposes: ['archive'],
      legalBasis: 'contract',
      // Erased on request (the civil identity would be held, LCEN art. 6, and get no erase command).
      categories: ['relationship'],
      location: 'FR',
      transfers: [],
      recipients: [],
      capabilities: ['erase'],
    });
    await raw.sendEvent(TOPICS.dataEvents.name, `${systemId}:x1`, 'pdata.record.stored.v1', {
      systemId,
      recordRef: 'x1',
      category: 'relationship',
      subjectKeys: { email: customer.email },
      occurredAt: new Date().toISOString(),
    });
    // A new system's topics are found by the services within seconds: file once it is known.
    await systemIndexed(systemId, 1);

    const id = await fileAndVerify({ type: 'erasure', subject: { email: customer.email } });
    const stuck = await waitForStatus(id, ['needs-attention'], 90_000);
    const silent = stuck.systems.find((s: { systemId: string }) => s.systemId === systemId);
    expect(silent.status).toBe('escalated');
    expect(silent.attempts).toBe(2);
    // Everything else went on.
    await waitFor(
      async () => {
        const r = await getRequest(id);
        return r.systems
          .filter((s: { systemId: string }) => s.systemId !== systemId)
          .every((s: { status: string }) => s.status === 'completed')
          ? r
          : undefined;
      },
      'the other systems to complete',
      60_000,
    );

    // Only the DPO may close it, and only with a reason.
    expect(
      (await http('request-intake', 'POST', `/v1/requests/${id}/actions/${silent.commandId}/close`, { body: {} }))
        .status,
    ).toBe(400);
    expect(
      (
        await http('request-intake', 'POST', `/v1/requests/${id}/actions/${silent.commandId}/close`, {
          token: state.operatorToken,
          body: { reason: 'x' },
        })
      ).status,
    ).toBe(403);
    const closed = await http('request-intake', 'POST', `/v1/requests/${id}/actions/${silent.commandId}/close`, {
      body: { reason: 'The archive was decommissioned in 2025; no copy remains (ticket OPS-1234).' },
    });
    expect(closed.status).toBeLessThan(300);
    const done = await waitForStatus(id, ['completed'], 60_000);
    expect(done.systems.find((s: { systemId: string }) => s.systemId === systemId)).toMatchObject({
      status: 'closed-manually',
    });
  });

  it('refuses bad input with a clear answer and records nothing', async () => {
    const countBefore = (await http('request-intake', 'GET', '/v1/requests?limit=1')).body.total;
    expect(
      (
        await http('request-intake', 'POST', '/v1/requests', {
          token: null,
          body: { type: 'erasure', subject: { email: 'a@b.fr' }, channel: 'email' },
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await http('request-intake', 'POST', '/v1/requests', {
          token: 'not-a-token',
          body: { type: 'erasure', subject: { email: 'a@b.fr' }, channel: 'email' },
        })
      ).status,
    ).toBe(401);
    const unknownField = await http('request-intake', 'POST', '/v1/requests', {
      body: { type: 'erasure', subject: { email: 'a@b.fr' }, channel: 'email', priority: 'high' },
    });
    expect(unknownField.status).toBe(400);
    expect(JSON.stringify(unknownField.body)).toContain('priority');
    expect((await http('request-intake', 'POST', '/v1/requests', { body: '{"type": "erasure",' })).status).toBe(400);
    expect(
      (
        await http('request-intake', 'POST', '/v1/requests', {
          body: { type: 'erasure', subject: {}, channel: 'email' },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await http('request-intake', 'POST', '/v1/requests', {
          body: { type: 'erasure', subject: { email: 'a@b.fr' }, channel: 'email', note: 'x'.repeat(2_000_000) },
        })
      ).status,
    ).toBe(413);
    expect((await http('request-intake', 'GET', '/v1/requests?limit=1')).body.total).toBe(countBefore);
  });
});
