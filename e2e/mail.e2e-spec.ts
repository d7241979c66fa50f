/**
 * Notices leave (issue 17): a notice requested on dsr.notifications.v1 is rendered by the
 * mail gateway with its template and delivered over real SMTP; the demo systems' SMTP
 * sink receives it, and the demo mail page shows what arrived.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CUSTOMER_PAGE, demoReady, http, state, waitForStatus, type DemoCustomer } from './support/api';
import { waitFor } from '../libs/testing/src/infra';

describe('mail gateway, end to end', () => {
  beforeAll(async () => {
    await demoReady();
  });

  it("delivers the identity code over SMTP to the subject's address on file, with its template, and the mail page shows it", async () => {
    const page = await http<{ customers: DemoCustomer[] }>(
      'demo-systems',
      'GET',
      `/demo/customers?limit=20&offset=${CUSTOMER_PAGE.mail}`,
      {
        token: null,
      },
    );
    const customer = page.body.customers.find((c) => c.systems.includes('crm'));
    if (!customer) throw new Error('no demo customer in crm in this page');
    const filed = await http('request-intake', 'POST', '/v1/self-service/requests', {
      token: null,
      body: { type: 'access', subject: { email: customer.email }, channel: 'portal' },
    });
    expect(filed.status).toBe(201);
    const id = filed.body.id as string;
    await waitForStatus(id, ['awaiting-verification']);

    // What was asked on Kafka (the demo's own view of dsr.notifications.v1)...
    const requested = await waitFor(async () => {
      const r = await http('demo-systems', 'GET', `/mail/messages?requestId=${id}&template=identity-code`, {
        token: null,
      });
      return r.body?.messages?.[0];
    }, 'the identity-code notice on dsr.notifications.v1');
    // ...and what the SMTP sink received from the mail gateway.
    const delivered = await waitFor(async () => {
      const r = await http('demo-systems', 'GET', `/mail/smtp?requestId=${id}`, { token: null });
      return r.body?.messages?.[0];
    }, 'the identity code delivered over SMTP');

    expect(delivered.to).toEqual([customer.email]);
    expect(delivered.from).toBe('no-reply@localhost');
    expect(delivered.template).toBe('identity-code');
    expect(delivered.notificationId).toBe(requested.notificationId);
    expect(delivered.messageId).toBe(`<${requested.notificationId}@localhost>`);
    // The template, in the policy's language (fr), with the notice's facts.
    expect(delivered.subject).toBe('Votre code de vérification');
    expect(delivered.text).toContain('Pour confirmer votre identité');
    expect(delivered.text).toContain(`Code: ${String(requested.variables.code)}`);
    expect(delivered.text).toContain(`Référence de la demande: ${id}`);

    const html = await http<string>('demo-systems', 'GET', `/mail?requestId=${id}`, { token: null });
    expect(String(html.body)).toContain('Delivered over SMTP');
    expect(String(html.body)).toContain('Votre code de vérification');

    const metrics = await http<string>('mail-gateway', 'GET', '/metrics', { token: null });
    expect(String(metrics.body)).toMatch(/mail_sent_total\{template="identity-code"[^}]*\} [1-9]/);
    // The gateway logs the notice, never the address or the code.
    const gatewayLog = readFileSync(join(state.logDir, 'mail-gateway.log'), 'utf8');
    expect(gatewayLog).toContain(`of request ${id} sent`);
    expect(gatewayLog.toLowerCase()).not.toContain(customer.email.toLowerCase());
    expect(gatewayLog).not.toContain(String(requested.variables.code));
  });
});
