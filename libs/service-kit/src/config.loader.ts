/**
 * One validated, typed config object per app (docs/conventions.md): a bad or missing variable
 * stops the process with a message naming it.
 */
import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, Min, ValidateIf, validateSync } from 'class-validator';
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

/**
 * A secret the service cannot run without in production (a hash, signing or encryption
 * key): checked with the rest of the config at boot, so the process stops there naming the
 * variable, not later where the secret is used. Outside production it may be absent (the
 * service that uses it takes a development default and says so in a warning); when given,
 * the property's other rules (length, format) apply everywhere. Use instead of `@IsOptional()`.
 */
export function RequiredInProduction(purpose: string): PropertyDecorator {
  return (target, property) => {
    const name = String(property);
    ValidateIf((o: Record<string, unknown>) => o[name] !== undefined || o.NODE_ENV === 'production')(target, name);
    IsNotEmpty({ message: `${name} is required in production (${purpose})` })(target, name);
  };
}

/** `env` is the environment the entry point read (main.ts, an app's config/): a lib never reads it itself. */
export function loadConfig<T extends object>(cls: new () => T, env: NodeJS.ProcessEnv): T {
  const config = plainToInstance(cls, { ...env }, { enableImplicitConversion: true, excludeExtraneousValues: false });
  const errors = validateSync(config, { whitelist: false });
  if (errors.length > 0) throw new ConfigError(`invalid configuration: ${describeErrors(errors)}`);
  return config;
}
