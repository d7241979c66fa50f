import { assertDevTokenAllowed } from './auth.guard';
import { jwtAuthSettingsFromEnv } from './auth.jwt';
import { isProduction } from './environment';

describe('production unless development is explicitly set', () => {
  it('treats NODE_ENV unset (or production) as production; only development and test are not', () => {
    expect(isProduction({})).toBe(true);
    expect(isProduction({ NODE_ENV: 'production' })).toBe(true);
    expect(isProduction({ NODE_ENV: 'development' })).toBe(false);
    expect(isProduction({ NODE_ENV: 'test' })).toBe(false);
  });

  it('refuses development tokens and requires the identity provider when NODE_ENV is unset', () => {
    expect(() => assertDevTokenAllowed({ DPO_TOKEN: 'dev-dpo-token' })).toThrow('refused in production');
    expect(() => jwtAuthSettingsFromEnv({})).toThrow('AUTH_JWKS_URL is required in production');
    expect(() => assertDevTokenAllowed({ NODE_ENV: 'development', DPO_TOKEN: 'dev-dpo-token' })).not.toThrow();
  });
});
