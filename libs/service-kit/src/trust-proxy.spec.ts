import { trustProxyFromEnv } from './trust-proxy';

describe('TRUST_PROXY', () => {
  it('believes X-Forwarded-For only from the named proxies, never from any', () => {
    expect(trustProxyFromEnv({})).toBeUndefined();
    expect(trustProxyFromEnv({ TRUST_PROXY: ' ' })).toBeUndefined();
    expect(trustProxyFromEnv({ TRUST_PROXY: '1' })).toBe(1);
    expect(trustProxyFromEnv({ TRUST_PROXY: 'loopback, 10.0.0.0/8' })).toBe('loopback, 10.0.0.0/8');
    expect(() => trustProxyFromEnv({ TRUST_PROXY: 'true' })).toThrow(/name the proxies/);
    expect(() => trustProxyFromEnv({ TRUST_PROXY: '*' })).toThrow(/name the proxies/);
  });
});
