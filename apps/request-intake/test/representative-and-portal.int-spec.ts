/**
 * Issue 4, identity, against real Kafka and PostgreSQL (a plain Kafka client plays
 * identity): a representative's request (mandate reference; the name stays here) on both
 * routes, waiting for the DPO's attestation; a customer-space user's token on the
 * self-service route (JWTs signed against a local JWKS, as in development with
 * AUTH_JWKS_URL), whose customer number stands for the subject's; and every refusal —
 * another customer number (400), a bad token (401), a staff token (403) — recording nothing.
 */
import { Logger } from '@nestjs/common';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EVENTS, type RequestSubmitted } from '@datarights/contracts';
import { aSubject } from '@datarights/testing';
import { NEXT_STEP_REPRESENTATIVE } from '../src/self-service/self-service.service';
import {
  api,
  countRows,
  DPO,
  fileRequest,
  getRequest,
  send,
  startHarness,
  stopHarness,
  waitForMessage,
  waitForRequest,
  waitForStatus,
  type Harness,
} from './harness';

jest.setTimeout(90_000);

const ISSUER = 'https://customer-space.example.test/realms/customers';
const AUDIENCE = 'datarights-api';
const T = (name: keyof typeof EVENTS) => EVENTS[name].type;
const submittedOf = (m: { envelope?: { data: unknown } }) => m.envelope!.data as RequestSubmitted;

let h: Harness;
let jwks: Server;
let key: { privateKey: KeyLike; jwk: JWK };
const saved = { ...process.env };
const logged: string[] = [];

/** A customer-space access token, as the identity provider would sign it. */
function portalToken(
  claims: Record<string, unknown>,
  o: { sub?: string; exp?: number | string; signer?: KeyLike } = {},
): Promise<string> {
  return new SignJWT({ roles: ['subject'], ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: key.jwk.kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(o.sub ?? 'portal-user-1')
    .setIssuedAt()
    .setExpirationTime(o.exp ?? '5m')
    .sign(o.signer ?? key.privateKey);
}

const fileSelf = (body: object, token?: string) => {
  const r = api(h).post('/v1/self-service/requests').set('X-Forwarded-For', '203.0.113.40');
  return token === undefined ? r.send(body) : r.set('Authorization', `Bearer ${token}`).send(body);
};

/** Nothing about this e-mail was recorded: no request row, no event in the outbox. */
async function nothingRecordedFor(email: string): Promise<void> {
  expect(await countRows(h, 'requests', 'subject_email = $1', [email.toLowerCase()])).toBe(0);
  expect(await countRows(h, 'outbox', `envelope->'data'->'subject'->>'email' = $1`, [email.toLowerCase()])).toBe(0);
}

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  key = {
    privateKey: pair.privateKey,
    jwk: { ...(await exportJWK(pair.publicKey)), kid: 'portal-1', alg: 'ES256', use: 'sig' },
  };
  jwks = createServer((_, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key.jwk] })),
  );
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
  // Development with a JWKS: the DPO's development token and the customer space's JWTs are both accepted.
  process.env.AUTH_JWKS_URL = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`;
  process.env.AUTH_ISSUER = ISSUER;
  process.env.AUTH_AUDIENCE = AUDIENCE;
  delete process.env.AUTH_CUSTOMER_CLAIM;
  process.env.RATE_LIMIT_SELF_SERVICE_PER_MINUTE = '1000';
  for (const level of ['log', 'warn', 'error', 'debug', 'verbose'] as const) {
    jest.spyOn(Logger.prototype, level).mockImplementation(function (this: Logger, ...args: unknown[]) {
      logged.push(JSON.stringify(args));
    });
  }
  h = await startHarness();
  h.app.set('trust proxy', true);
}, 120_000);

afterAll(async () => {
  jest.restoreAllMocks();
  await stopHarness(h);
  await new Promise((r) => jwks?.close(r));
  process.env = saved;
});

describe("a representative's request", () => {
  it("the DPO files it: the mandate reference goes to identity, the name stays here; it waits for the DPO's attestation, then is verified", async () => {
    const s = aSubject();
    const filed = await fileRequest(h, {
      type: 'access',
      subject: { email: s.email },
      channel: 'post',
      representative: { mandateReference: 'MAND-2026/0042', name: 'Maître Claire Dubois' },
    });
    const submitted = submittedOf(await waitForMessage(h, T('requestSubmitted'), filed.id));
    expect(submitted).toMatchObject({ filedBy: 'dpo', representative: { mandateReference: 'MAND-2026/0042' } });
    expect(submitted.representative).toEqual({ mandateReference: 'MAND-2026/0042' });
    expect(JSON.stringify(submitted)).not.toContain('Dubois');

    // Identity matched the subject and awaits the DPO's attestation (no code: no challenge event, the clock runs).
    await send(h, 'subjectResolved', {
      requestId: filed.id,
      result: 'matched',
      subjectRef: `subj_${filed.id}`,
      candidates: [],
      requiredProofs: ['dpo-attested'],
    });
    const waiting = await waitForStatus(h, filed.id, 'awaiting-verification');
    expect(waiting.representative).toEqual({ mandateReference: 'MAND-2026/0042', name: 'Maître Claire Dubois' });
    expect(waiting.timeline.map((t) => t.summary)).toEqual(
      expect.arrayContaining([
        'access request filed by dpo for a representative under a mandate (received by post), due ' +
          filed.dueAt.slice(0, 10),
        "subject matched: awaiting the DPO's attestation of identity (dpo-attested)",
      ]),
    );
    expect(await countRows(h, 'verification_clock', 'request_id = $1', [filed.id])).toBe(0);

    await api(h)
      .post(`/v1/requests/${filed.id}/verification`)
      .set('Authorization', `Bearer ${DPO}`)
      .send({ method: 'dpo-attested', note: 'mandate and ID of the subject seen' })
      .expect(202);
    expect((await waitForMessage(h, T('verificationAttested'), filed.id)).envelope!.data).toMatchObject({
      method: 'dpo-attested',
      attestedBy: 'dev-dpo',
    });
    await send(h, 'identityVerified', {
      requestId: filed.id,
      requestType: 'access',
      subjectRef: `subj_${filed.id}`,
      subjectKeys: { email: [s.email.toLowerCase()] },
      method: 'dpo-attested',
      attestedBy: 'dev-dpo',
      verifiedAt: new Date().toISOString(),
    });
    const verified = await waitForStatus(h, filed.id, 'verified');
    expect(verified.verification).toMatchObject({ method: 'dpo-attested', attestedBy: 'dev-dpo' });
  });

  it('filed on the self-service route: same body, same facts, and the requester is told no code is sent', async () => {
    const s = aSubject();
    const res = await fileSelf({
      type: 'erasure',
      subject: { email: s.email, customerId: s.customerId },
      channel: 'portal',
      representative: { mandateReference: 'TUT-77', name: 'Association Tutelle 77' },
    }).expect(201);
    expect(res.body.next).toBe(NEXT_STEP_REPRESENTATIVE);
    const submitted = submittedOf(await waitForMessage(h, T('requestSubmitted'), res.body.id));
    expect(submitted).toMatchObject({ filedBy: 'subject', representative: { mandateReference: 'TUT-77' } });
    expect(JSON.stringify(submitted)).not.toContain('Tutelle');
    expect((await getRequest(h, res.body.id)).representative).toEqual({
      mandateReference: 'TUT-77',
      name: 'Association Tutelle 77',
    });
  });

  it('a mandate reference that is not a reference: 400, nothing recorded', async () => {
    const s = aSubject();
    const res = await fileSelf({
      type: 'erasure',
      subject: { email: s.email },
      channel: 'portal',
      representative: { mandateReference: 'my lawyer' },
    }).expect(400);
    expect(JSON.stringify(res.body)).toContain('mandateReference');
    await nothingRecordedFor(s.email);
  });
});

describe("a customer-space user's token on the self-service route", () => {
  it("files for the session's customer number (taken from the token), marks the portal session, and shows portal-session once identity verifies", async () => {
    const s = aSubject();
    const res = await fileSelf(
      { type: 'erasure', subject: { email: s.email }, channel: 'portal' },
      await portalToken({ customer_id: s.customerId }, { sub: 'portal-user-7' }),
    ).expect(201);
    const submitted = submittedOf(await waitForMessage(h, T('requestSubmitted'), res.body.id));
    expect(submitted).toMatchObject({
      filedBy: 'subject',
      portalSession: true,
      subject: { email: s.email.toLowerCase(), customerId: s.customerId },
    });
    expect(
      await countRows(
        h,
        'requests',
        `id = $1 AND portal_session AND filed_by_principal = 'subject:portal-user-7' AND subject_customer_id = $2`,
        [res.body.id, s.customerId],
      ),
    ).toBe(1);

    // Identity verifies it by the session (no code): the same events as a code's.
    await send(h, 'subjectResolved', {
      requestId: res.body.id,
      result: 'matched',
      subjectRef: `subj_${res.body.id}`,
      candidates: [],
      requiredProofs: ['code+customer-number', 'portal-session', 'dpo-attested'],
    });
    await send(h, 'identityVerified', {
      requestId: res.body.id,
      requestType: 'erasure',
      subjectRef: `subj_${res.body.id}`,
      subjectKeys: { email: [s.email.toLowerCase()], customerId: [s.customerId] },
      method: 'portal-session',
      verifiedAt: new Date().toISOString(),
    });
    const view = await waitForRequest(h, res.body.id, 'verified by the session', (v) => v.status === 'verified');
    expect(view.verification).toMatchObject({ method: 'portal-session', attestedBy: null });
    expect(view.timeline.map((t) => t.summary)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('from a signed-in customer-space session'),
        'identity verified (portal-session)',
      ]),
    );
  });

  it('the same customer number in the body is accepted', async () => {
    const s = aSubject();
    const res = await fileSelf(
      { type: 'access', subject: { email: s.email, customerId: s.customerId }, channel: 'portal' },
      await portalToken({ customer_id: s.customerId }),
    ).expect(201);
    expect(submittedOf(await waitForMessage(h, T('requestSubmitted'), res.body.id))).toMatchObject({
      portalSession: true,
      subject: { customerId: s.customerId },
    });
  });

  it("another customer number than the session's: 400 with the reason, nothing recorded", async () => {
    const s = aSubject();
    const res = await fileSelf(
      { type: 'erasure', subject: { email: s.email, customerId: aSubject().customerId }, channel: 'portal' },
      await portalToken({ customer_id: s.customerId }),
    ).expect(400);
    expect(res.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('not the customer number of your signed-in session'),
    });
    await nothingRecordedFor(s.email);
  });

  it('an invalid token (expired, forged, garbage) is a 401, never an anonymous filing: nothing recorded', async () => {
    const s = aSubject();
    const forger = await generateKeyPair('ES256');
    const bad = [
      await portalToken({ customer_id: s.customerId }, { exp: Math.floor(Date.now() / 1000) - 600 }),
      await portalToken({ customer_id: s.customerId }, { signer: forger.privateKey }),
      'not.a.jwt',
    ];
    for (const token of bad) {
      const res = await fileSelf({ type: 'erasure', subject: { email: s.email }, channel: 'portal' }, token).expect(
        401,
      );
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
    }
    await nothingRecordedFor(s.email);
  });

  it("a staff token (the DPO's): 403, pointing to POST /v1/requests; nothing recorded", async () => {
    const s = aSubject();
    const res = await fileSelf({ type: 'erasure', subject: { email: s.email }, channel: 'portal' }, DPO).expect(403);
    expect(res.body.error.message).toContain('POST /v1/requests');
    await nothingRecordedFor(s.email);
  });

  it('without a token, the filing is anonymous as before (no portal session)', async () => {
    const s = aSubject();
    const res = await fileSelf({
      type: 'erasure',
      subject: { email: s.email, customerId: s.customerId },
      channel: 'portal',
    }).expect(201);
    const submitted = submittedOf(await waitForMessage(h, T('requestSubmitted'), res.body.id));
    expect(submitted.portalSession).toBeUndefined();
    expect(
      await countRows(h, 'requests', `id = $1 AND NOT portal_session AND filed_by_principal = 'self-service'`, [
        res.body.id,
      ]),
    ).toBe(1);
  });

  it("no representative's name, mandate reference or customer number appears in any log line", () => {
    const all = logged.join('\n');
    expect(logged.length).toBeGreaterThan(0);
    for (const secret of ['Dubois', 'Tutelle', 'MAND-2026/0042', 'TUT-77']) expect(all).not.toContain(secret);
    for (const m of h.received.filter((r) => r.envelope?.type === T('requestSubmitted'))) {
      const customerId = submittedOf(m).subject.customerId;
      if (customerId) expect(all).not.toContain(customerId);
    }
  });
});
