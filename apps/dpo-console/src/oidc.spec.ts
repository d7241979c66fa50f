import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OidcClient, pkcePair } from './oidc';

describe('OIDC sign-in (authorization code + PKCE)', () => {
  let server: Server;
  let issuer: string;
  const seen: { token?: URLSearchParams } = {};

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/.well-known/openid-configuration') {
        res.setHeader('content-type', 'application/json');
        return void res.end(
          JSON.stringify({ issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token` }),
        );
      }
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.token = new URLSearchParams(body);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ access_token: 'at-1', token_type: 'Bearer', expires_in: 300 }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('makes an S256 challenge of its verifier', () => {
    const { verifier, challenge } = pkcePair();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
  });

  it('sends the browser to the issuer with state, nonce, S256 challenge and audience, and exchanges the code with the verifier', async () => {
    const client = new OidcClient({
      issuer,
      clientId: 'dpo-console',
      redirectUri: 'https://console.example/oidc/callback',
      audience: 'datarights-api',
      scope: 'openid',
    });
    const a = await client.authorizationUrl();
    const url = new URL(a.url);
    expect(url.origin + url.pathname).toBe(`${issuer}/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'dpo-console',
      redirect_uri: 'https://console.example/oidc/callback',
      state: a.state,
      nonce: a.nonce,
      code_challenge_method: 'S256',
      code_challenge: createHash('sha256').update(a.verifier).digest('base64url'),
      audience: 'datarights-api',
    });
    const t = await client.exchange('code-1', a.verifier);
    expect(t.accessToken).toBe('at-1');
    expect(Object.fromEntries(seen.token!)).toMatchObject({
      grant_type: 'authorization_code',
      code: 'code-1',
      code_verifier: a.verifier,
      client_id: 'dpo-console',
    });
  });

  it('refuses a discovery document of another issuer', async () => {
    const client = new OidcClient({
      issuer: `${issuer}/other`,
      clientId: 'c',
      redirectUri: 'https://x/cb',
      audience: 'a',
      scope: 'openid',
    });
    await expect(client.authorizationUrl()).rejects.toThrow(/discovery/);
  });
});
