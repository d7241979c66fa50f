/**
 * Production authentication (issue "Operate it", §4): JWTs checked against a JWKS served
 * from a local HTTP server, roles enforced, every kind of bad token refused with 401, and
 * the development tokens refused in production, at start-up and per request.
 */
import { Controller, Get, Module, Req, type INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { Request } from 'express';
import { base64url, exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { AuthGuard, assertDevTokenAllowed, principalOf, Public, Roles } from './auth.guard';
import { createServiceApp } from './bootstrap';
import { HttpErrorFilter } from './http-error.filter';
import { loadRuntimeConfig, RuntimeConfig, RuntimeConfigModule } from './runtime.config';

const ISSUER = 'https://id.example.test/realms/datarights';
const AUDIENCE = 'datarights-api';

@Controller('t')
class ProbeController {
  @Roles('dpo')
  @Get('dpo')
  dpo(@Req() req: Request) {
    return principalOf(req);
  }

  @Roles('subject')
  @Get('subject')
  subject(@Req() req: Request) {
    return principalOf(req);
  }

  @Public()
  @Get('open')
  open() {
    return { open: true };
  }

  @Public({ acceptsToken: true })
  @Get('optional')
  optional(@Req() req: Request) {
    return (req as Request & { principal?: unknown }).principal ?? { anonymous: true };
  }
}

interface KeyPair {
  privateKey: KeyLike;
  jwk: JWK;
}

async function keyPair(alg: 'RS256' | 'ES256', kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

function sign(
  key: KeyPair,
  claims: Record<string, unknown> = {},
  o: { alg?: string; kid?: string; iss?: string; aud?: string; exp?: number | string; sub?: string | null } = {},
): Promise<string> {
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: o.alg ?? key.jwk.alg!, kid: o.kid ?? key.jwk.kid })
    .setIssuer(o.iss ?? ISSUER)
    .setAudience(o.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(o.exp ?? '5m');
  if (o.sub !== null) jwt = jwt.setSubject(o.sub ?? 'user-42');
  return jwt.sign(key.privateKey);
}

/** The probe routes behind the guard, given the runtime config a service would load at boot from `env`. */
async function guardedApp(env: NodeJS.ProcessEnv): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    controllers: [ProbeController],
    providers: [
      { provide: APP_GUARD, useClass: AuthGuard },
      { provide: RuntimeConfig, useValue: loadRuntimeConfig(env) },
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.useGlobalFilters(new HttpErrorFilter());
  await app.init();
  return app;
}

describe('AuthGuard in production (OIDC JWT against a JWKS)', () => {
  let jwks: Server;
  let jwksUrl: string;
  let rsa: KeyPair;
  let ec: KeyPair;
  let app: INestApplication;

  const get = (path: string, token?: string) => {
    const r = request(app.getHttpServer()).get(path);
    return token ? r.set('Authorization', `Bearer ${token}`) : r;
  };

  beforeAll(async () => {
    rsa = await keyPair('RS256', 'rsa-1');
    ec = await keyPair('ES256', 'ec-1');
    jwks = createServer((req, res) => {
      if (req.url !== '/jwks') {
        res.writeHead(500).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [rsa.jwk, ec.jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`;

    app = await guardedApp({
      NODE_ENV: 'production',
      AUTH_JWKS_URL: jwksUrl,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
    });
  });

  afterAll(async () => {
    await app?.close();
    await new Promise((r) => jwks?.close(r));
  });

  it('lets a valid RS256 token with the role through, as its subject', async () => {
    const res = await get('/t/dpo', await sign(rsa, { roles: ['dpo', 'something-else'] }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 'user-42', roles: ['dpo'] });
  });

  it('accepts ES256, and Keycloak realm roles', async () => {
    const res = await get(
      '/t/subject',
      await sign(ec, { realm_access: { roles: ['subject', 'offline_access'] } }, { sub: 'customer-7' }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 'customer-7', roles: ['subject'] });
  });

  it('answers 403 to a valid token without the role', async () => {
    const res = await get('/t/dpo', await sign(rsa, { roles: ['operator'] }));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it('answers 401 without a token, and leaves public routes open', async () => {
    expect((await get('/t/dpo')).status).toBe(401);
    expect((await get('/t/open')).status).toBe(200);
  });

  it('refuses an expired token', async () => {
    const expired = await sign(rsa, { roles: ['dpo'] }, { exp: Math.floor(Date.now() / 1000) - 600 });
    expect((await get('/t/dpo', expired)).status).toBe(401);
  });

  it('refuses a token of another issuer or for another audience', async () => {
    expect(
      (await get('/t/dpo', await sign(rsa, { roles: ['dpo'] }, { iss: 'https://evil.example.test' }))).status,
    ).toBe(401);
    expect((await get('/t/dpo', await sign(rsa, { roles: ['dpo'] }, { aud: 'another-api' }))).status).toBe(401);
  });

  it('refuses a forged signature: another key, under a known or an unknown key id', async () => {
    const forger = await keyPair('RS256', 'rsa-1');
    expect((await get('/t/dpo', await sign(forger, { roles: ['dpo'] }))).status).toBe(401);
    expect((await get('/t/dpo', await sign(forger, { roles: ['dpo'] }, { kid: 'rsa-unknown' }))).status).toBe(401);
  });

  it('refuses alg "none" and an HMAC-signed token', async () => {
    const enc = (o: object) => base64url.encode(JSON.stringify(o));
    const claims = {
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'user-42',
      roles: ['dpo'],
      exp: Math.floor(Date.now() / 1000) + 300,
    };
    const unsigned = `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.`;
    expect((await get('/t/dpo', unsigned)).status).toBe(401);
    const hmac = await new SignJWT({ roles: ['dpo'] })
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('user-42')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('a shared secret of at least 32 bytes!!'));
    expect((await get('/t/dpo', hmac)).status).toBe(401);
  });

  it('refuses a token without a subject, and garbage', async () => {
    expect((await get('/t/dpo', await sign(rsa, { roles: ['dpo'] }, { sub: null }))).status).toBe(401);
    expect((await get('/t/dpo', 'not.a.jwt')).status).toBe(401);
  });

  it('refuses the development token, even if someone sets it after start-up', async () => {
    process.env.DPO_TOKEN = 'dev-dpo-token';
    try {
      const res = await get('/t/dpo', 'dev-dpo-token');
      expect(res.status).toBe(401);
    } finally {
      delete process.env.DPO_TOKEN;
    }
  });

  it("answers 503, not 401, when the identity provider's keys cannot be fetched", async () => {
    // A second app whose key set has never been fetched, while the endpoint fails.
    const other = await guardedApp({
      NODE_ENV: 'production',
      AUTH_JWKS_URL: jwksUrl.replace('/jwks', '/broken'),
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
    });
    try {
      const res = await request(other.getHttpServer())
        .get('/t/dpo')
        .set('Authorization', `Bearer ${await sign(rsa, { roles: ['dpo'] })}`);
      expect(res.status).toBe(503);
    } finally {
      await other.close();
    }
  });
});

describe('production start-up', () => {
  @Module({ controllers: [ProbeController], providers: [{ provide: APP_GUARD, useClass: AuthGuard }] })
  class ProbeModule {}

  const compiled = (env: NodeJS.ProcessEnv) =>
    Test.createTestingModule({ imports: [RuntimeConfigModule.forRoot(loadRuntimeConfig(env)), ProbeModule] }).compile();

  it('refuses to start with DPO_TOKEN set, with a clear message (bootstrap)', async () => {
    const env = {
      NODE_ENV: 'production',
      DPO_TOKEN: 'dev-dpo-token',
      AUTH_JWKS_URL: 'https://id.example.test/jwks',
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
    };
    await expect(
      createServiceApp(ProbeModule, { service: 'auth-test', schema: 'auth_test', port: 0, listen: false, env }),
    ).rejects.toThrow('DPO_TOKEN is a development token and is refused in production');
    expect(() => assertDevTokenAllowed({ NODE_ENV: 'production', OPERATOR_TOKEN: 'x' })).toThrow(
      'OPERATOR_TOKEN is a development token',
    );
    expect(() => assertDevTokenAllowed({ NODE_ENV: 'development', DPO_TOKEN: 'x' })).not.toThrow();
  });

  it('refuses to start without AUTH_JWKS_URL', async () => {
    await expect(compiled({ NODE_ENV: 'production' })).rejects.toThrow('AUTH_JWKS_URL is required in production');
  });

  it('refuses a JWKS over plain http from another host, and a missing issuer or audience', async () => {
    const env = { NODE_ENV: 'production', AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE };
    await expect(compiled({ ...env, AUTH_JWKS_URL: 'http://id.example.test/jwks' })).rejects.toThrow(
      'AUTH_JWKS_URL must use https in production',
    );
    await expect(
      compiled({ ...env, AUTH_JWKS_URL: 'https://id.example.test/jwks', AUTH_AUDIENCE: undefined }),
    ).rejects.toThrow('AUTH_AUDIENCE is required');
  });
});

describe('AuthGuard outside production', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await guardedApp({ NODE_ENV: 'development', DPO_TOKEN: 'unit-dpo', OPERATOR_TOKEN: 'unit-operator' });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('accepts the development tokens with their roles', async () => {
    const dpo = await request(app.getHttpServer()).get('/t/dpo').set('Authorization', 'Bearer unit-dpo');
    expect(dpo.status).toBe(200);
    expect(dpo.body.id).toBe('dev-dpo');
    expect((await request(app.getHttpServer()).get('/t/dpo').set('Authorization', 'Bearer unit-operator')).status).toBe(
      403,
    );
    expect((await request(app.getHttpServer()).get('/t/dpo').set('Authorization', 'Bearer unit-wrong')).status).toBe(
      401,
    );
  });
});

describe('AuthGuard on public routes, in development with a JWKS (customer-space tokens)', () => {
  let jwks: Server;
  let key: KeyPair;
  let app: INestApplication;

  const get = (path: string, header?: string) => {
    const r = request(app.getHttpServer()).get(path);
    return header === undefined ? r : r.set('Authorization', header);
  };

  function appWith(extra: Record<string, string>): Promise<INestApplication> {
    return guardedApp({
      NODE_ENV: 'development',
      DPO_TOKEN: 'unit-dpo',
      AUTH_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      ...extra,
    });
  }

  beforeAll(async () => {
    key = await keyPair('ES256', 'ec-dev');
    jwks = createServer((_, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key.jwk] })),
    );
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    app = await appWith({});
  });

  afterAll(async () => {
    await app?.close();
    await new Promise((r) => jwks?.close(r));
  });

  it('without an Authorization header, the caller is anonymous', async () => {
    const res = await get('/t/optional');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ anonymous: true });
  });

  it('a customer-space token names its user, with the customer number of the `customer_id` claim', async () => {
    const res = await get(
      '/t/optional',
      `Bearer ${await sign(key, { roles: ['subject'], customer_id: ' C-104233 ' }, { sub: 'portal-user-1' })}`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 'portal-user-1', roles: ['subject'], customerId: 'C-104233' });
    // A numeric customer number is read too; a token without one names its user only.
    expect(
      (await get('/t/optional', `Bearer ${await sign(key, { roles: ['subject'], customer_id: 104233 })}`)).body
        .customerId,
    ).toBe('104233');
    expect((await get('/t/optional', `Bearer ${await sign(key, { roles: ['subject'] })}`)).body).toEqual({
      id: 'user-42',
      roles: ['subject'],
    });
  });

  it('a bad, expired or forged token is refused with 401 and the usual error body, never taken as anonymous', async () => {
    const expired = await sign(
      key,
      { roles: ['subject'], customer_id: 'C-1' },
      { exp: Math.floor(Date.now() / 1000) - 600 },
    );
    const forged = await sign(await keyPair('ES256', 'ec-dev'), { roles: ['subject'], customer_id: 'C-1' });
    for (const header of [
      `Bearer ${expired}`,
      `Bearer ${forged}`,
      'Bearer not.a.jwt',
      'Bearer unit-wrong',
      'Basic dXNlcjpwYXNz',
      '',
    ]) {
      const res = await get('/t/optional', header);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ statusCode: 401, error: expect.objectContaining({ code: 'UNAUTHENTICATED' }) });
    }
  });

  it('the development tokens still work there, and a route that ignores tokens still ignores a bad one (probes never get a 401)', async () => {
    expect((await get('/t/optional', 'Bearer unit-dpo')).body).toMatchObject({
      id: 'dev-dpo',
      roles: ['dpo', 'operator', 'auditor'],
    });
    const res = await get('/t/open', 'Bearer not.a.jwt');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ open: true });
  });

  it('reads the customer number from the claim AUTH_CUSTOMER_CLAIM names (a dotted path)', async () => {
    const other = await appWith({ AUTH_CUSTOMER_CLAIM: 'customer.number' });
    try {
      const token = await sign(key, { roles: ['subject'], customer: { number: 'C-77' }, customer_id: 'C-ignored' });
      const res = await request(other.getHttpServer()).get('/t/optional').set('Authorization', `Bearer ${token}`);
      expect(res.body).toEqual({ id: 'user-42', roles: ['subject'], customerId: 'C-77' });
    } finally {
      await other.close();
    }
  });
});
