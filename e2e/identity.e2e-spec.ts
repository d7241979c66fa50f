/**
 * Identity verification, end to end (issue 4): a subject files an erasure themselves (no
 * DPO token), reads the one-time code from the demo mail sink (sent to the address the
 * systems hold, never to one only the request gave), answers it on identity's self-service
 * route, and the erasure completes. The deadline was suspended while the code was awaited.
 */
import { allLogs, CUSTOMER_PAGE, demoReady, getRequest, http, waitForStatus, type DemoCustomer } from './support/api';
import { waitFor } from '../libs/testing/src/infra';

describe('identity verification, end to end', () => {
  beforeAll(async () => {
    await demoReady();
  });

  it('a subject files an erasure themselves, reads the code from the mail sink, verifies, and the erasure completes', async () => {
    const page = await http<{ customers: DemoCustomer[] }>(
      'demo-systems',
      'GET',
      `/demo/customers?limit=50&offset=${CUSTOMER_PAGE.identity}`,
      { token: null },
    );
    expect(page.status).toBe(200);
    const customer = page.body.customers.find((c) => c.systems.includes('crm') && c.systems.includes('billing'));
    if (!customer) throw new Error('no demo customer in crm and billing in this page');

    // Erasure needs the code plus a matching customer number (policy verification.requests.erasure).
    const filed = await http('request-intake', 'POST', '/v1/self-service/requests', {
      token: null,
      body: { type: 'erasure', subject: { email: customer.email, customerId: customer.customerId }, channel: 'portal' },
    });
    expect(filed.status).toBe(201);
    const id = filed.body.id as string;
    await waitForStatus(id, ['awaiting-verification']);

    const mail = await waitFor(async () => {
      const r = await http('demo-systems', 'GET', `/mail/messages?requestId=${id}&template=identity-code`, {
        token: null,
      });
      return r.body?.messages?.length ? r.body.messages[0] : undefined;
    }, 'the identity code in the mail sink');
    expect(mail.to.toLowerCase()).toBe(customer.email.toLowerCase());
    const code = String(mail.variables.code);
    expect(code).toMatch(/^\d{6}$/);

    const wrong = await http('identity', 'POST', `/v1/self-service/requests/${id}/verification`, {
      token: null,
      body: { method: 'code', code: code === '000000' ? '000001' : '000000' },
    });
    expect(wrong.status).toBe(403);
    const verified = await http('identity', 'POST', `/v1/self-service/requests/${id}/verification`, {
      token: null,
      body: { method: 'code', code },
    });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ id, status: 'verified', method: 'code' });

    const done = await waitForStatus(id, ['completed'], 120_000);
    expect(done.outcome).toBe('completed');
    const view = await getRequest(id);
    const summaries = (view.timeline as { summary: string }[]).map((t) => t.summary).join('\n');
    expect(summaries).toContain('deadline suspended');
    expect(summaries).toContain('deadline resumed');

    // The code is single use (refused like any code that does not verify: the one 403).
    const again = await http('identity', 'POST', `/v1/self-service/requests/${id}/verification`, {
      token: null,
      body: { method: 'code', code },
    });
    expect(again.status).toBe(403);

    // No code, e-mail or phone in any service's log (the code as a value: a six-digit run may occur inside timestamps).
    const logs = allLogs();
    for (const value of [customer.email, customer.email.toLowerCase(), customer.phone, `"${code}"`, `code ${code}`])
      expect(logs).not.toContain(value);
  });
});
