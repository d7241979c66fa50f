/**
 * The DPO console: server-rendered pages over the public HTTP APIs (request-intake,
 * data-locator's register, audit's evidence), signed in with the development token
 * locally or OIDC (authorization code + PKCE) in production. The bearer token stays in
 * the server-side session; every form carries the session's CSRF token.
 * Long on purpose: the console's routes, each a few lines from the session to the API and
 * back to a view; one table of what the console can do.
 */
import { randomUUID } from 'node:crypto';
import type { Express, NextFunction, Request, Response } from 'express';
import { CHANNELS, REQUEST_TYPES } from '@datarights/contracts';
import type { Policy } from '@datarights/policy';
import { ApiClient, apiMessages, createWebApp, errorHandler, html } from '@datarights/web-kit';
import { BULK_FORMATS, bulkPage, bulkRequest, type BulkResult } from './bulk';
import type { ConsoleConfig } from './config';
import { decisionOf, validateDecision } from './decisions';
import { evidencePage } from './evidence';
import { CONSOLE_SCRIPT, layout, type Frame } from './layout';
import { MESSAGES } from './messages';
import { OidcClient } from './oidc';
import { registerCsv, registerPage, registerRows } from './register';
import { csrfValid, SessionStore, type Session } from './session';
import {
  dashboardPage,
  filePage,
  filingBody,
  OPEN_STATUSES,
  queuePage,
  requestPage,
  signInPage,
  STATUSES,
  type DecisionState,
  type Json,
  type QueueFilters,
} from './views';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A system id (as in libs/contracts' SYSTEM_ID_PATTERN): a lowercase slug. */
const SYSTEM_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** The queue sorts at most this many requests (the API pages by 100, newest first). */
export const QUEUE_MAX = 1000;

declare module 'express-serve-static-core' {
  interface Request {
    session: Session;
  }
}

class SignedOut extends Error {}

export function createConsole(config: ConsoleConfig, policy: Pick<Policy, 'categories'>): Express {
  const issuerOrigin = config.oidc ? new URL(config.oidc.issuer).origin : undefined;
  const app = createWebApp({
    name: 'dpo-console',
    formActions: issuerOrigin ? [issuerOrigin] : [],
    trustProxy: config.TRUST_PROXY,
  });
  const sessions = new SessionStore();
  const oidc = config.oidc ? new OidcClient(config.oidc) : undefined;
  const intake = new ApiClient(config.REQUEST_INTAKE_URL);
  const locator = new ApiClient(config.DATA_LOCATOR_URL);
  const audit = new ApiClient(config.AUDIT_URL);

  const frame = (req: Request): Frame => ({
    lang: req.lang,
    csrf: req.session.csrf,
    signedIn: Boolean(req.session.token),
    path: req.path,
  });

  /** Calls an API as the signed-in DPO; a 401 ends the session. */
  async function api<T = Json>(
    client: ApiClient,
    req: Request,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    text?: string,
  ) {
    const r = await client.call<T>(method, path, { token: req.session.token, body, headers, text });
    if (r.status === 401) {
      req.session.token = undefined;
      throw new SignedOut();
    }
    return r;
  }

  app.get('/static/console.js', (_req, res) => {
    res.type('application/javascript').set('cache-control', 'public, max-age=300').send(CONSOLE_SCRIPT);
  });

  app.use((req, res, next) => {
    req.session = sessions.of(req, res);
    if (req.session.tokenExpiresAt && req.session.tokenExpiresAt < Date.now()) req.session.token = undefined;
    // Every state change carries the session's CSRF token (the session cookie is SameSite=Lax as a second fence).
    if (req.method === 'POST' && req.path !== '/oidc/callback' && !csrfValid(req.session, (req.body as Json)?._csrf)) {
      res
        .status(403)
        .type('html')
        .send(layout(frame(req), 'CSRF', html`<p>${MESSAGES[req.lang].signIn.expired}</p>`));
      return;
    }
    next();
  });

  app.get('/login', (req, res) => {
    const m = MESSAGES[req.lang].signIn;
    const error = req.query.error === 'oidc' ? m.oidcFailed : req.query.expired ? m.expired : undefined;
    res.type('html').send(signInPage(frame(req), { devLogin: config.devLogin, oidc: Boolean(oidc), error }));
  });

  app.post('/login', async (req, res) => {
    const m = MESSAGES[req.lang].signIn;
    const token = String((req.body as Json).token ?? '').trim();
    if (!config.devLogin || !token)
      return void res
        .status(400)
        .type('html')
        .send(signInPage(frame(req), { devLogin: config.devLogin, oidc: Boolean(oidc), error: m.bad }));
    const probe = await intake.call('GET', '/v1/requests?limit=1', { token });
    if (probe.status !== 200) {
      const error = probe.status === 403 ? m.noRole : m.bad;
      return void res
        .status(401)
        .type('html')
        .send(signInPage(frame(req), { devLogin: true, oidc: Boolean(oidc), error }));
    }
    req.session.token = token;
    res.redirect(303, '/');
  });

  app.get('/login/oidc', async (req, res) => {
    if (!oidc) return void res.redirect(303, '/login');
    const a = await oidc.authorizationUrl();
    req.session.pending = { state: a.state, verifier: a.verifier, nonce: a.nonce, returnTo: '/' };
    res.redirect(302, a.url);
  });

  app.get('/oidc/callback', async (req, res) => {
    const pending = req.session.pending;
    req.session.pending = undefined;
    const code = typeof req.query.code === 'string' ? req.query.code : undefined;
    if (!oidc || !pending || !code || req.query.state !== pending.state)
      return void res.redirect(303, '/login?error=oidc');
    try {
      const t = await oidc.exchange(code, pending.verifier);
      req.session.token = t.accessToken;
      req.session.tokenExpiresAt = t.expiresAt;
    } catch {
      return void res.redirect(303, '/login?error=oidc');
    }
    res.redirect(303, pending.returnTo);
  });

  app.post('/logout', (req, res) => {
    sessions.destroy(req.session);
    res.redirect(303, '/login');
  });

  // Everything below needs a signed-in DPO.
  app.use((req, res, next) => {
    if (!req.session.token) return void res.redirect(303, '/login');
    next();
  });

  app.get('/', async (req, res) => {
    const count = async (q: string) =>
      (await api<Json>(intake, req, 'GET', `/v1/requests?limit=1&${q}`)).body.total as number;
    const week = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const [openByStatus, overdue, dueWeek, closed] = await Promise.all([
      Promise.all(OPEN_STATUSES.map(async (status) => ({ status, total: await count(`status=${status}`) }))),
      count('overdue=true'),
      listAll(req, `dueBefore=${encodeURIComponent(week)}`),
      Promise.all(
        ['completed', 'closed'].map((s) => api<Json>(intake, req, 'GET', `/v1/requests?limit=100&status=${s}`)),
      ),
    ]);
    const durations = closed
      .flatMap((r) => r.body.items as Json[])
      .filter((r) => r.closedAt)
      .map((r) => (Date.parse(r.closedAt) - Date.parse(r.receivedAt)) / 86_400_000)
      .sort((a, b) => a - b);
    const mid = durations.length >> 1;
    const medianDays = durations.length
      ? durations.length % 2
        ? durations[mid]
        : (durations[mid - 1] + durations[mid]) / 2
      : undefined;
    res.type('html').send(
      dashboardPage(frame(req), {
        openByStatus,
        overdue,
        dueThisWeek: dueWeek.items.filter((r) => !r.closedAt).length,
        medianDays,
        closedSample: durations.length,
      }),
    );
  });

  /** Every request matching `query`, up to QUEUE_MAX (the API pages newest first). */
  async function listAll(req: Request, query: string): Promise<{ items: Json[]; total: number }> {
    const items: Json[] = [];
    let total = 0;
    for (let offset = 0; offset < QUEUE_MAX; offset += 100) {
      const r = await api<Json>(
        intake,
        req,
        'GET',
        `/v1/requests?limit=100&offset=${offset}${query ? `&${query}` : ''}`,
      );
      if (r.status !== 200) throw new Error(`GET /v1/requests: ${r.status}`);
      items.push(...r.body.items);
      total = r.body.total;
      if (items.length >= total || r.body.items.length === 0) break;
    }
    return { items, total };
  }

  app.get('/requests', async (req, res) => {
    const q: QueueFilters = {
      status: typeof req.query.status === 'string' ? req.query.status : 'open',
      type:
        typeof req.query.type === 'string' && (REQUEST_TYPES as readonly string[]).includes(req.query.type)
          ? req.query.type
          : '',
      channel:
        typeof req.query.channel === 'string' && (CHANNELS as readonly string[]).includes(req.query.channel)
          ? req.query.channel
          : '',
      dueBefore:
        typeof req.query.dueBefore === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(req.query.dueBefore)
          ? req.query.dueBefore
          : '',
      overdue: req.query.overdue === 'true' ? 'true' : '',
    };
    const params = new URLSearchParams();
    if ((STATUSES as readonly string[]).includes(q.status)) params.set('status', q.status);
    if (q.type) params.set('type', q.type);
    if (q.channel) params.set('channel', q.channel);
    if (q.overdue) params.set('overdue', 'true');
    if (q.dueBefore) params.set('dueBefore', new Date(`${q.dueBefore}T00:00:00Z`).toISOString());
    const { items, total } = await listAll(req, params.toString());
    const shown = items
      .filter((r) => q.status !== 'open' || !r.closedAt)
      .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
    res
      .type('html')
      .send(
        queuePage(
          frame(req),
          q,
          shown,
          q.status === 'open' ? shown.length : total,
          total > QUEUE_MAX ? QUEUE_MAX : undefined,
        ),
      );
  });

  app.get('/requests/new', (req, res) => {
    res.type('html').send(filePage(frame(req), { idempotencyKey: randomUUID() }));
  });

  app.post('/requests/new', async (req, res) => {
    const m = MESSAGES[req.lang];
    const values = req.body as Record<string, string>;
    const key = UUID.test(values.idempotencyKey ?? '') ? values.idempotencyKey : randomUUID();
    const { body, errors } = filingBody(values, m);
    if (!body)
      return void res
        .status(400)
        .type('html')
        .send(filePage(frame(req), { values, errors, idempotencyKey: key }));
    const r = await api<Json>(intake, req, 'POST', '/v1/requests', body, { 'idempotency-key': key });
    if (r.status === 201) return void res.redirect(303, `/requests/${r.body.id}?done=filed`);
    res
      .status(400)
      .type('html')
      .send(filePage(frame(req), { values, errors: apiMessages(r.body), idempotencyKey: key }));
  });

  app.get('/requests/bulk', (req, res) => {
    res.type('html').send(bulkPage(frame(req), { idempotencyKey: randomUUID() }));
  });

  app.post('/requests/bulk', async (req, res) => {
    const values = req.body as Record<string, string>;
    // One key per form shown: a double submit files the list once (the API derives each line's key from it).
    const key = UUID.test(values.idempotencyKey ?? '') ? values.idempotencyKey : randomUUID();
    const asked = bulkRequest(values);
    if ('missing' in asked)
      return void res
        .status(400)
        .type('html')
        .send(bulkPage(frame(req), { values, errors: [MESSAGES[req.lang].bulk.listRequired], idempotencyKey: key }));
    const r = await api<BulkResult>(
      intake,
      req,
      'POST',
      '/v1/requests/bulk',
      undefined,
      {
        'content-type': BULK_FORMATS[asked.format],
        'idempotency-key': key,
      },
      asked.list,
    );
    if (r.status === 200)
      return void res.type('html').send(bulkPage(frame(req), { values, result: r.body, idempotencyKey: key }));
    res
      .status(r.status >= 500 ? 502 : 400)
      .type('html')
      .send(bulkPage(frame(req), { values, errors: apiMessages(r.body), idempotencyKey: key }));
  });

  async function showRequest(req: Request, res: Response, state?: DecisionState, status = 200) {
    const id = req.params.id as string;
    if (!UUID.test(id))
      return void res
        .status(404)
        .type('html')
        .send(layout(frame(req), '404', html`<p>${MESSAGES[req.lang].notFound}</p>`));
    const r = await api<Json>(intake, req, 'GET', `/v1/requests/${id}`);
    if (r.status !== 200)
      return void res
        .status(r.status === 404 ? 404 : 502)
        .type('html')
        .send(layout(frame(req), '404', html`<p>${MESSAGES[req.lang].notFound}</p>`));
    res
      .status(status)
      .type('html')
      .send(
        requestPage(frame(req), r.body, {
          done: typeof req.query.done === 'string' ? req.query.done : undefined,
          state,
        }),
      );
  }

  app.get('/requests/:id', (req, res) => showRequest(req, res));

  app.post('/requests/:id/decisions/:key', async (req, res) => {
    const d = decisionOf(req.params.key);
    const id = req.params.id;
    if (!d || !UUID.test(id))
      return void res
        .status(404)
        .type('html')
        .send(layout(frame(req), '404', html`<p>${MESSAGES[req.lang].notFound}</p>`));
    const values = Object.fromEntries(
      Object.entries(req.body as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
    );
    const target = d.target ? values.target : undefined;
    if (d.target && !UUID.test(target ?? ''))
      return void res
        .status(400)
        .type('html')
        .send(layout(frame(req), '400', html`<p>${MESSAGES[req.lang].notFound}</p>`));
    const errors = validateDecision(d, values, MESSAGES[req.lang]);
    if (Object.keys(errors).length)
      return showRequest(req, res, { key: d.key, target, values, errors, apiErrors: [] }, 400);
    const r = await api<Json>(intake, req, 'POST', d.path(id, target), d.body(values));
    if (r.status < 300) return void res.redirect(303, `/requests/${id}?done=${d.key}`);
    return showRequest(
      req,
      res,
      { key: d.key, target, values, errors: {}, apiErrors: apiMessages(r.body) },
      r.status >= 500 ? 502 : 400,
    );
  });

  app.get('/requests/:id/package', async (req, res) => {
    const id = req.params.id;
    if (!UUID.test(id)) return void res.sendStatus(404);
    const upstream = await intake.raw('GET', `/v1/requests/${id}/package`, { token: req.session.token });
    if (upstream.status !== 200 || !upstream.body)
      return void res
        .status(upstream.status === 404 ? 404 : 502)
        .type('html')
        .send(layout(frame(req), 'package', html`<p>${MESSAGES[req.lang].notFound}</p>`));
    for (const h of ['content-type', 'content-disposition', 'content-length'])
      if (upstream.headers.get(h)) res.set(h, upstream.headers.get(h)!);
    res.set('cache-control', 'no-store');
    const reader = upstream.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      res.write(value);
    }
    res.end();
  });

  app.get('/requests/:id/evidence', async (req, res) => {
    const id = req.params.id;
    if (!UUID.test(id)) return void res.sendStatus(404);
    const [r, entries, chain] = await Promise.all([
      api<Json>(intake, req, 'GET', `/v1/requests/${id}`),
      api<Json>(audit, req, 'GET', `/v1/audit/requests/${id}`),
      api<Json>(audit, req, 'GET', '/v1/audit/verify'),
    ]);
    if (r.status !== 200)
      return void res
        .status(404)
        .type('html')
        .send(layout(frame(req), '404', html`<p>${MESSAGES[req.lang].notFound}</p>`));
    if (chain.status !== 200) throw new Error(`audit verify: ${chain.status}`);
    res
      .set('cache-control', 'no-store')
      .type('html')
      .send(
        evidencePage(
          frame(req),
          r.body,
          entries.status === 200 ? entries.body : { entries: [] },
          chain.body,
          new Date(),
        ),
      );
  });

  async function register(req: Request) {
    const r = await api<Json>(locator, req, 'GET', '/v1/systems');
    if (r.status !== 200) throw new Error(`GET /v1/systems: ${r.status}`);
    return { rows: registerRows(r.body.items, policy, MESSAGES[req.lang]), pending: (r.body.pending ?? []) as Json[] };
  }

  async function showRegister(
    req: Request,
    res: Response,
    notice?: Parameters<typeof registerPage>[3],
    status = 200,
  ): Promise<void> {
    const { rows, pending } = await register(req);
    res
      .status(status)
      .type('html')
      .send(registerPage(frame(req), rows, pending, notice));
  }

  app.get('/register', (req, res) => showRegister(req, res, { done: req.query.done === '1' }));
  app.get('/register.csv', async (req, res) => {
    res
      .type('text/csv; charset=utf-8')
      .set('content-disposition', 'attachment; filename="registre-art30.csv"')
      .send(registerCsv((await register(req)).rows, MESSAGES[req.lang]));
  });

  /** The DPO approves or rejects a registration waiting in the register (data-locator decides and audits it). */
  app.post('/register/:systemId/registrations/:registrationId/:decision', async (req, res) => {
    const { systemId, registrationId, decision } = req.params;
    const m = MESSAGES[req.lang];
    if (!SYSTEM_ID.test(systemId) || !UUID.test(registrationId) || !['approval', 'rejection'].includes(decision))
      return void res
        .status(404)
        .type('html')
        .send(layout(frame(req), '404', html`<p>${m.notFound}</p>`));
    const reason = String((req.body as Json)?.reason ?? '').trim();
    if (decision === 'rejection' && !reason)
      return showRegister(req, res, { error: { registrationId, messages: [m.register.reasonRequired] } }, 400);
    const r = await api<Json>(
      locator,
      req,
      'POST',
      `/v1/systems/${systemId}/registrations/${registrationId}/${decision}`,
      decision === 'rejection' ? { reason } : undefined,
    );
    if (r.status < 300) return void res.redirect(303, '/register?done=1');
    return showRegister(
      req,
      res,
      { error: { registrationId, messages: apiMessages(r.body) } },
      r.status >= 500 ? 502 : 400,
    );
  });

  app.use(
    (req, res) =>
      void res
        .status(404)
        .type('html')
        .send(layout(frame(req), '404', html`<p>${MESSAGES[req.lang].notFound}</p>`)),
  );
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (err instanceof SignedOut) return void res.redirect(303, '/login?expired=1');
    next(err);
  });
  app.use(
    errorHandler('dpo-console', (req, ref) =>
      layout(
        frame(req),
        'error',
        html`<h1>${MESSAGES[req.lang].errorPage}</h1>
          <p class="mono">${ref}</p>`,
      ),
    ),
  );
  return app;
}
