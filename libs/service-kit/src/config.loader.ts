/**
 * One validated, typed config object per app (CONVENTIONS.md): a bad or missing variable
 * stops the process with a message naming it.
 */
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { describeErrors } from '@datarights/contracts';

export class ConfigError extends Error {}

export function loadConfig<T extends object>(cls: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const config = plainToInstance(cls, { ...env }, { enableImplicitConversion: true, excludeExtraneousValues: false });
  const errors = validateSync(config, { whitelist: false });
  if (errors.length > 0) throw new ConfigError(`invalid configuration: ${describeErrors(errors)}`);
  return config;
}
