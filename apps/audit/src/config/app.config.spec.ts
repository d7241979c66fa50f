import { generateKeyPairSync } from 'node:crypto';
import { appConfig, DEV_HMAC_KEY, DEV_SIGNING_KEY, pseudonymiserOf, signingOf } from './app.config';
import { signingKeyFromPem } from '../signing/signing-keys';

const KEY = 'x'.repeat(40);
const pair = () => generateKeyPairSync('ed25519');
const SIGNING_KEY = pair().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('audit configuration', () => {
  it('requires AUDIT_HMAC_KEY in production, naming it', () => {
    expect(() => appConfig({ NODE_ENV: 'production', AUDIT_SIGNING_KEY: SIGNING_KEY })).toThrow(
      'AUDIT_HMAC_KEY is required in production',
    );
    expect(
      appConfig({ NODE_ENV: 'production', AUDIT_HMAC_KEY: KEY, AUDIT_SIGNING_KEY: SIGNING_KEY }).AUDIT_HMAC_KEY,
    ).toBe(KEY);
  });

  it('requires AUDIT_SIGNING_KEY in production, and an Ed25519 key wherever it is given', () => {
    expect(() => appConfig({ NODE_ENV: 'production', AUDIT_HMAC_KEY: KEY })).toThrow(
      'AUDIT_SIGNING_KEY is required in production',
    );
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(() => appConfig({ NODE_ENV: 'development', AUDIT_SIGNING_KEY: rsa.toString() })).toThrow('Ed25519');
    expect(() => appConfig({ NODE_ENV: 'development', AUDIT_SIGNING_KEY: 'not a key' })).toThrow('AUDIT_SIGNING_KEY');
  });

  it('signs with the configured key and verifies with it and every previous public key', () => {
    const warn = jest.fn();
    const previous = pair().publicKey;
    const signing = signingOf(
      appConfig({
        NODE_ENV: 'development',
        AUDIT_SIGNING_KEY: SIGNING_KEY,
        AUDIT_SIGNING_PREVIOUS_KEYS: previous.export({ type: 'spki', format: 'pem' }).toString(),
      }),
      { warn },
    );
    expect(signing.key.id).toBe(signingKeyFromPem(SIGNING_KEY).id);
    expect(signing.ring.size).toBe(2);
    expect(warn).not.toHaveBeenCalled();
    expect(signingOf(appConfig({ NODE_ENV: 'development' }), { warn }).key.id).toBe(
      signingKeyFromPem(DEV_SIGNING_KEY).id,
    );
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('AUDIT_SIGNING_KEY is not set'));
  });

  it('refuses a short key and a malformed key id', () => {
    expect(() => appConfig({ NODE_ENV: 'development', AUDIT_HMAC_KEY: 'short' })).toThrow(
      'AUDIT_HMAC_KEY must be at least 32 characters',
    );
    expect(() => appConfig({ NODE_ENV: 'development', AUDIT_HMAC_KEY_ID: 'a key id' })).toThrow('AUDIT_HMAC_KEY_ID');
  });

  it('falls back to the development key outside production, with a warning', () => {
    const warn = jest.fn();
    expect(pseudonymiserOf(appConfig({ NODE_ENV: 'development' }), { warn }).keyring).toEqual({
      current: { id: 'k1', secret: DEV_HMAC_KEY },
      previous: [],
    });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('AUDIT_HMAC_KEY is not set'));
  });

  it('records the key id given, for rotation', () => {
    const warn = jest.fn();
    expect(
      pseudonymiserOf(
        appConfig({
          NODE_ENV: 'development',
          AUDIT_HMAC_KEY: KEY,
          AUDIT_HMAC_KEY_ID: '2026-11',
          AUDIT_HMAC_PREVIOUS_KEYS: `k1:${'p'.repeat(32)}`,
        }),
        { warn },
      ).keyring,
    ).toEqual({
      current: { id: '2026-11', secret: KEY },
      previous: [{ id: 'k1', secret: 'p'.repeat(32) }],
    });
    expect(warn).not.toHaveBeenCalled();
  });
});
