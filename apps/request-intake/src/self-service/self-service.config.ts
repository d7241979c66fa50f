/** Self-service settings, read from the environment once when the app is created. */
import { IsInt, Max, Min } from 'class-validator';
import { loadConfig } from '@datarights/service-kit';

export class SelfServiceConfig {
  /** Public filings allowed per client address and per minute (429 beyond): strict, the route needs no token. */
  @IsInt()
  @Min(1)
  @Max(100000)
  RATE_LIMIT_SELF_SERVICE_PER_MINUTE: number = 5;
}

export const selfServiceConfig = (): SelfServiceConfig => loadConfig(SelfServiceConfig, process.env);

/** The limit in force (set when the module is created, so that a test can set its own). */
export const selfServiceLimit = { perMinute: 5 };
