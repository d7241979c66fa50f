/**
 * One validated, typed config object per app (docs/conventions.md): a bad or missing variable
 * stops the process with a message naming it.
 */
import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, validateSync } from 'class-validator';
import { describeErrors } from '@datarights/contracts';

export class ConfigError extends Error {}

/** What every service reads: its HTTP port (each app sets its own default), the environment, an optional Kafka group id. */
export class ServiceConfig {
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT: number = 3000;

  /** Production unless set to `development` or `test` (environment.ts). */
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'production';

  @IsOptional()
  @IsString()
  KAFKA_GROUP_ID?: string;
}

/** `env` is the environment the entry point read (main.ts, an app's config/): a lib never reads it itself. */
export function loadConfig<T extends object>(cls: new () => T, env: NodeJS.ProcessEnv): T {
  const config = plainToInstance(cls, { ...env }, { enableImplicitConversion: true, excludeExtraneousValues: false });
  const errors = validateSync(config, { whitelist: false });
  if (errors.length > 0) throw new ConfigError(`invalid configuration: ${describeErrors(errors)}`);
  return config;
}
