import { IsInt, Min } from 'class-validator';
import { ConfigError, loadConfig, ServiceConfig } from './config.loader';

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
