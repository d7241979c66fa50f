import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { createServiceApp } from './bootstrap';
import { ConfigError } from './config.loader';
import { loadRuntimeConfig } from './runtime.config';

describe('the runtime config (read once at boot, given to the libs)', () => {
  it('applies the defaults from the environment it is given, whatever process.env holds', () => {
    const c = loadRuntimeConfig({});
    expect(c).toMatchObject({ NODE_ENV: 'production', LOG_LEVEL: 'info', httpRateLimitPerMinute: 3000 });
    expect(c.trustProxy).toBeUndefined();
    expect(c.database).toEqual({ url: 'postgres://postgres@127.0.0.1:5432/datarights', ssl: false, poolSize: 10 });
    expect(c.kafka).toMatchObject({
      brokers: ['127.0.0.1:9092'],
      topicPrefix: '',
      topicWatchMs: 5000,
      outboxRelay: true,
      awaitFirstLookMs: 50,
    });
  });

  it('takes the variables as typed values, secrets included', () => {
    const c = loadRuntimeConfig({
      NODE_ENV: 'development',
      LOG_LEVEL: 'debug',
      TRUST_PROXY: '2',
      HTTP_RATE_LIMIT_PER_MINUTE: '0',
      DATABASE_URL: 'postgres://db.internal/datarights',
      DATABASE_USER: 'svc',
      DATABASE_PASSWORD: 'p@ss',
      KAFKA_BROKERS: 'k1:9092, k2:9092',
      KAFKA_TOPIC_WATCH_MS: '250',
      OUTBOX_RELAY: 'off',
      KAFKA_GROUP_ID: 'g1',
      DPO_TOKEN: 'dev-dpo',
    });
    expect(c).toMatchObject({
      NODE_ENV: 'development',
      LOG_LEVEL: 'debug',
      trustProxy: 2,
      httpRateLimitPerMinute: 0,
      KAFKA_GROUP_ID: 'g1',
      DPO_TOKEN: 'dev-dpo',
    });
    expect(c.database.url).toBe('postgres://svc:p%40ss@db.internal/datarights');
    expect(c.kafka).toMatchObject({ brokers: ['k1:9092', 'k2:9092'], topicWatchMs: 250, outboxRelay: false });
  });

  it('refuses a bad variable, naming it', () => {
    expect(() => loadRuntimeConfig({ NODE_ENV: 'staging' })).toThrow(ConfigError);
    expect(() => loadRuntimeConfig({ NODE_ENV: 'staging' })).toThrow(/NODE_ENV/);
    expect(() => loadRuntimeConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadRuntimeConfig({ HTTP_RATE_LIMIT_PER_MINUTE: 'lots' })).toThrow(/HTTP_RATE_LIMIT_PER_MINUTE/);
    expect(() => loadRuntimeConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
    expect(() => loadRuntimeConfig({ DATABASE_URL: 'mysql://db/x' })).toThrow(/DATABASE_URL/);
    expect(() => loadRuntimeConfig({ KAFKA_SASL_MECHANISM: 'plain' })).toThrow(/KAFKA_SASL_USERNAME/);
  });
});

describe('a service in production without its required secrets', () => {
  @Module({ providers: [{ provide: APP_GUARD, useClass: AuthGuard }] })
  class PeopleFacingModule {}

  const boot = (env: NodeJS.ProcessEnv) =>
    createServiceApp(PeopleFacingModule, { service: 'spine-test', schema: 'spine_test', port: 0, env });

  it('does not start, and the message names the variable', async () => {
    await expect(boot({ NODE_ENV: 'production' })).rejects.toThrow(
      'AUTH_JWKS_URL is required in production (NODE_ENV=production)',
    );
    // Unset NODE_ENV is production too.
    await expect(boot({})).rejects.toThrow('AUTH_JWKS_URL is required in production');
    await expect(
      boot({ NODE_ENV: 'production', AUTH_JWKS_URL: 'https://id.example.test/jwks', AUTH_AUDIENCE: 'api' }),
    ).rejects.toThrow('AUTH_ISSUER is required with AUTH_JWKS_URL');
  });
});
