import { consoleConfig } from './config';

describe('the console settings', () => {
  it('allows the development-token sign-in only outside production', () => {
    expect(consoleConfig({}).devLogin).toBe(true);
    expect(consoleConfig({}).oidc).toBeUndefined();
    expect(() => consoleConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_ISSUER.*required in production/);
  });

  it("signs in with OIDC at the API's issuer and first audience, as a registered client", () => {
    const env = {
      NODE_ENV: 'production',
      AUTH_ISSUER: 'https://idp.example.fr/realms/acme',
      AUTH_AUDIENCE: 'datarights-api, other',
      OIDC_CLIENT_ID: 'dpo-console',
      OIDC_REDIRECT_URI: 'https://console.example.fr/oidc/callback',
    };
    expect(consoleConfig(env)).toMatchObject({
      devLogin: false,
      oidc: {
        issuer: 'https://idp.example.fr/realms/acme',
        audience: 'datarights-api',
        clientId: 'dpo-console',
        redirectUri: 'https://console.example.fr/oidc/callback',
        scope: 'openid',
      },
    });
    expect(() => consoleConfig({ ...env, OIDC_CLIENT_ID: undefined })).toThrow(/OIDC_CLIENT_ID/);
    expect(() => consoleConfig({ ...env, AUTH_AUDIENCE: '' })).toThrow(/AUTH_AUDIENCE/);
    expect(() => consoleConfig({ ...env, OIDC_REDIRECT_URI: 'callback' })).toThrow(
      /OIDC_REDIRECT_URI must be an absolute URL/,
    );
  });
});
