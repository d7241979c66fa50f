/** The only place that reads process.env for identity: validated once at start-up. */
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import {
  loadConfig,
  RATE_LIMIT_STORES,
  ServiceConfig,
  type RateLimitStore,
  RequiredInProduction,
} from '@datarights/service-kit';

export class IdentityConfig extends ServiceConfig {
  override PORT = 3001;

  /** The policy file (verification per request type, code lifetime and attempts); default deploy/policy/default.fr.yaml. */
  @IsOptional()
  @IsString()
  POLICY_FILE?: string;

  /**
   * Key of the HMAC that stores one-time codes (the code itself is never stored). Required
   * in production; elsewhere a development default is used. At least 32 characters. Never logged.
   */
  @RequiredInProduction('the key of the verification codes')
  @IsString()
  @MinLength(32, { message: 'VERIFICATION_CODE_KEY must be at least 32 characters' })
  VERIFICATION_CODE_KEY?: string;

  /** Answers to a challenge (and resends) allowed per client address and per minute (429 beyond). */
  @IsInt()
  @Min(1)
  @Max(100000)
  RATE_LIMIT_VERIFY_PER_MINUTE: number = 10;

  /**
   * Where the rate limits count: \`postgres\` (default) in this service's \`throttler_hits\`
   * table, so that every replica shares one budget per client; \`memory\` in this process
   * only (unit tests, a single process).
   */
  @IsIn(RATE_LIMIT_STORES)
  RATE_LIMIT_STORE: RateLimitStore = 'postgres';

  /**
   * How long a request whose keys match no one waits for the index to read the data events
   * that existed when it was filed, before going to the DPO as "no subject" (0: no wait).
   * Covers a system that has just arrived (its topic is picked up within KAFKA_TOPIC_WATCH_MS)
   * and a backlog of data events after a restart.
   */
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  RESOLUTION_INDEX_WAIT_MS: number = 60_000;

  /** How often the requests waiting for the index are looked at. */
  @IsInt()
  @Min(50)
  @Max(60_000)
  RESOLUTION_POLL_MS: number = 1_000;

  /** Language of the code messages (BCP 47). */
  @Matches(/^[a-z]{2}(-[A-Z]{2})?$/)
  NOTICE_LOCALE: string = 'fr-FR';
}

export const appConfig = (): IdentityConfig => loadConfig(IdentityConfig, process.env);
