import { appConfig, DEV_HMAC_KEY, hmacKeyOf } from './app.config';

const KEY = 'x'.repeat(40);

describe('audit configuration', () => {
  it('requires AUDIT_HMAC_KEY in production, naming it', () => {
    expect(() => appConfig({ NODE_ENV: 'production' })).toThrow('AUDIT_HMAC_KEY is required in production');
    expect(appConfig({ NODE_ENV: 'production', AUDIT_HMAC_KEY: KEY }).AUDIT_HMAC_KEY).toBe(KEY);
  });

  it('refuses a short key and a malformed key id', () => {
    expect(() => appConfig({ AUDIT_HMAC_KEY: 'short' })).toThrow('AUDIT_HMAC_KEY must be at least 32 characters');
    expect(() => appConfig({ AUDIT_HMAC_KEY_ID: 'a key id' })).toThrow('AUDIT_HMAC_KEY_ID');
  });

  it('falls back to the development key outside production, with a warning', () => {
    const warn = jest.fn();
    expect(hmacKeyOf(appConfig({ NODE_ENV: 'development' }), { warn })).toEqual({ id: 'k1', secret: DEV_HMAC_KEY });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('AUDIT_HMAC_KEY is not set'));
  });

  it('records the key id given, for rotation', () => {
    const warn = jest.fn();
    expect(hmacKeyOf(appConfig({ AUDIT_HMAC_KEY: KEY, AUDIT_HMAC_KEY_ID: '2026-11' }), { warn })).toEqual({
      id: '2026-11',
      secret: KEY,
    });
    expect(warn).not.toHaveBeenCalled();
  });
});
