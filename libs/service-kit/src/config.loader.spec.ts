import { IsInt, IsString, Min, MinLength } from 'class-validator';
import { ConfigError, loadConfig, RequiredInProduction, ServiceConfig } from './config.loader';

class SomeServiceConfig extends ServiceConfig {
  override PORT = 3007;

  @IsInt()
  @Min(50)
  POLL_MS: number = 1000;
}

describe('loadConfig with the shared ServiceConfig', () => {
  it("takes the app's own defaults, and the environment's strings as typed values", () => {
    expect(loadConfig(SomeServiceConfig, {})).toMatchObject({ PORT: 3007, NODE_ENV: 'production', POLL_MS: 1000 });
    const c = loadConfig(SomeServiceConfig, { PORT: '4107', NODE_ENV: 'test', KAFKA_GROUP_ID: 'g1', POLL_MS: '75' });
    expect(c).toMatchObject({ PORT: 4107, NODE_ENV: 'test', KAFKA_GROUP_ID: 'g1', POLL_MS: 75 });
  });

  it('refuses a bad value of the shared part or of the app part, naming it', () => {
    expect(() => loadConfig(SomeServiceConfig, { PORT: '70000' })).toThrow(ConfigError);
    expect(() => loadConfig(SomeServiceConfig, { NODE_ENV: 'staging' })).toThrow(/NODE_ENV/);
    expect(() => loadConfig(SomeServiceConfig, { POLL_MS: '10' })).toThrow(/POLL_MS/);
  });
});

class WithSecret extends ServiceConfig {
  @RequiredInProduction('the key of the test hashes')
  @IsString()
  @MinLength(32, { message: 'TEST_KEY must be at least 32 characters' })
  TEST_KEY?: string;
}

describe('@RequiredInProduction', () => {
  const key = 'k'.repeat(32);

  it('stops a production boot without the secret, naming it and what it is for', () => {
    expect(() => loadConfig(WithSecret, { NODE_ENV: 'production' })).toThrow(
      /TEST_KEY is required in production \(the key of the test hashes\)/,
    );
    expect(() => loadConfig(WithSecret, {})).toThrow(/TEST_KEY is required in production/);
    expect(() => loadConfig(WithSecret, { NODE_ENV: 'production', TEST_KEY: '' })).toThrow(/TEST_KEY/);
    expect(loadConfig(WithSecret, { NODE_ENV: 'production', TEST_KEY: key }).TEST_KEY).toBe(key);
  });

  it('lets development and tests run without it, and checks it everywhere when given', () => {
    expect(loadConfig(WithSecret, { NODE_ENV: 'development' }).TEST_KEY).toBeUndefined();
    expect(loadConfig(WithSecret, { NODE_ENV: 'test' }).TEST_KEY).toBeUndefined();
    expect(() => loadConfig(WithSecret, { NODE_ENV: 'development', TEST_KEY: 'short' })).toThrow(/at least 32/);
  });
});
