/**
 * The privacy centre: subjects file a request, answer the identity challenge with the code
 * sent to a contact already on file, and follow their request. It calls only the public
 * self-service routes (request-intake's filing and status, identity's code routes), passes
 * the subject's address on (X-Forwarded-For) so the APIs' per-address limits apply to each
 * subject rather than to this server, and keeps nothing: no session, no cookie but the language.
 */
import type { Express, Request, Response } from 'express';
import type { Policy } from '@datarights/policy';
import { ApiClient, apiMessages, createWebApp, errorHandler, html } from '@datarights/web-kit';
import { isRequestType, validateFiling, type FormFields } from './filing-form';
import { MESSAGES } from './messages';
import { FORM_SCRIPT, filingPage, layout, messagePage, statusPage, type SubjectStatus } from './pages';

export interface PrivacyCentreOptions {
  requestIntakeUrl: string;
  identityUrl: string;
  policy: Pick<Policy, 'verification' | 'directMarketing'>;
  trustProxy?: string | number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createPrivacyCentre(o: PrivacyCentreOptions): Express {
  const app = createWebApp({ name: 'privacy-centre', trustProxy: o.trustProxy });
  const intake = new ApiClient(o.requestIntakeUrl);
  const identity = new ApiClient(o.identityUrl);
  const fwd = (req: Request) => ({ forwardedFor: req.ip });

  app.get('/static/form.js', (_req, res) => {
    res.type('application/javascript').set('cache-control', 'public, max-age=300').send(FORM_SCRIPT);
  });

  app.get('/', (req, res) => {
    const type = typeof req.query.type === 'string' && isRequestType(req.query.type) ? req.query.type : undefined;
    res.type('html').send(filingPage(req.lang, o.policy, { type }));
  });

  app.post('/requests', async (req, res) => {
    const f = req.body as FormFields;
    const m = MESSAGES[req.lang];
    const { body, errors } = validateFiling(f, o.policy, m);
    if (!body)
      return void res
        .status(400)
        .type('html')
        .send(filingPage(req.lang, o.policy, f, errors));
    const r = await intake.call<{ id: string }>('POST', '/v1/self-service/requests', { body, ...fwd(req) });
    if (r.status === 201) return res.redirect(303, `/requests/${r.body.id}?filed=1`);
    const apiErrors =
      r.status === 429 ? [m.errors.tooMany] : r.status >= 500 ? [m.errors.unavailable] : apiMessages(r.body);
    res
      .status(r.status === 429 ? 429 : 400)
      .type('html')
      .send(filingPage(req.lang, o.policy, f, {}, apiErrors));
  });

  async function showStatus(req: Request, res: Response, extra: Parameters<typeof statusPage>[2] = {}, code = 200) {
    const m = MESSAGES[req.lang];
    const id = req.params.id as string;
    if (!UUID.test(id)) return void res.status(404).type('html').send(messagePage(req.lang, m.notFound));
    const r = await intake.call<SubjectStatus>('GET', `/v1/self-service/requests/${id}`, fwd(req));
    if (r.status === 404) return void res.status(404).type('html').send(messagePage(req.lang, m.notFound));
    if (r.status !== 200) return void res.status(503).type('html').send(messagePage(req.lang, m.errors.unavailable));
    res
      .status(code)
      .type('html')
      .send(statusPage(req.lang, r.body, extra));
  }

  app.get('/requests/:id', (req, res) => {
    const m = MESSAGES[req.lang];
    const flash = req.query.verified ? m.verified : req.query.resent ? m.resent : undefined;
    return showStatus(req, res, { flash });
  });

  app.post('/requests/:id/code', async (req, res) => {
    const m = MESSAGES[req.lang].codeErrors;
    const id = req.params.id;
    const code = String((req.body as FormFields).code ?? '').replace(/\s/g, '');
    if (!code) return showStatus(req, res, { codeError: m.required }, 400);
    if (!/^\d{6}$/.test(code)) return showStatus(req, res, { codeError: m.format, codeValue: code }, 400);
    if (!UUID.test(id)) return showStatus(req, res);
    const r = await identity.call('POST', `/v1/self-service/requests/${id}/verification`, {
      body: { method: 'code', code },
      ...fwd(req),
    });
    if (r.status === 200) return res.redirect(303, `/requests/${id}?verified=1`);
    // identity answers every refusal with one 403 that says nothing of the subject; 404 is
    // an identity from before that change.
    const message =
      r.status === 403
        ? m.refused
        : r.status === 404
          ? m.none
          : r.status === 429
            ? m.tooMany
            : MESSAGES[req.lang].errors.unavailable;
    return showStatus(req, res, { codeError: message }, r.status >= 500 ? 503 : r.status === 429 ? 429 : 400);
  });

  app.post('/requests/:id/code/resend', async (req, res) => {
    const id = req.params.id;
    if (!UUID.test(id)) return showStatus(req, res);
    const r = await identity.call('POST', `/v1/self-service/requests/${id}/verification/code`, fwd(req));
    // identity answers the same 202 whatever happened (it must not tell whether the subject is on file).
    if (r.status === 202) return res.redirect(303, `/requests/${id}?resent=1`);
    const m = MESSAGES[req.lang];
    return showStatus(req, res, { codeError: r.status === 429 ? m.resendTooSoon : m.codeErrors.none }, 400);
  });

  app.use((req, res) => void res.status(404).type('html').send(messagePage(req.lang, MESSAGES[req.lang].notFound)));
  app.use(
    errorHandler('privacy-centre', (req, ref) =>
      layout(
        req.lang,
        MESSAGES[req.lang].title,
        html`<h1>${MESSAGES[req.lang].errorPage}</h1>
          <p class="mono">${ref}</p>`,
      ),
    ),
  );
  return app;
}
