/**
 * OIDC sign-in for production: authorization code flow with PKCE (RFC 7636, S256), the
 * console acting as a confidential or public client of the same issuer whose tokens the
 * API checks (AUTH_ISSUER), asking for an access token for the API's audience
 * (AUTH_AUDIENCE). The access token is kept in the server-side session and presented to
 * the API as a bearer token; the API, not the console, decides what it allows.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
  audience: string;
  scope: string;
}

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export class OidcClient {
  private discovery?: Promise<Discovery>;

  constructor(readonly settings: OidcSettings) {}

  private discover(): Promise<Discovery> {
    this.discovery ??= (async () => {
      const url = `${this.settings.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`OIDC discovery failed: ${res.status}`);
      const d = (await res.json()) as Discovery;
      // Mix-up defence: the document must be the configured issuer's.
      if (d.issuer !== this.settings.issuer) throw new Error('OIDC discovery: issuer mismatch');
      return d;
    })().catch((err: unknown) => {
      this.discovery = undefined;
      throw err;
    });
    return this.discovery;
  }

  /** Where to send the browser, and what to remember until it comes back. */
  async authorizationUrl(): Promise<{ url: string; state: string; verifier: string; nonce: string }> {
    const d = await this.discover();
    const { verifier, challenge } = pkcePair();
    const state = randomBytes(16).toString('base64url');
    const nonce = randomBytes(16).toString('base64url');
    const url = new URL(d.authorization_endpoint);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.settings.clientId,
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scope,
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      // Auth0/Keycloak-style audience request; ignored by providers that do not use it.
      audience: this.settings.audience,
    }).toString();
    return { url: url.toString(), state, verifier, nonce };
  }

  /** Exchanges the code for tokens; returns the access token and its lifetime. */
  async exchange(code: string, verifier: string): Promise<{ accessToken: string; expiresAt?: number }> {
    const d = await this.discover();
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.settings.redirectUri,
      client_id: this.settings.clientId,
      code_verifier: verifier,
    });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (this.settings.clientSecret)
      headers.authorization = `Basic ${Buffer.from(
        `${encodeURIComponent(this.settings.clientId)}:${encodeURIComponent(this.settings.clientSecret)}`,
      ).toString('base64')}`;
    const res = await fetch(d.token_endpoint, {
      method: 'POST',
      headers,
      body: form.toString(),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`OIDC token exchange failed: ${res.status}`);
    const body = (await res.json()) as { access_token?: string; expires_in?: number; token_type?: string };
    if (!body.access_token || (body.token_type ?? 'bearer').toLowerCase() !== 'bearer')
      throw new Error('OIDC token exchange: no bearer access token');
    return {
      accessToken: body.access_token,
      expiresAt: body.expires_in ? Date.now() + body.expires_in * 1000 : undefined,
    };
  }
}
