/** The only place that reads process.env for erasure-executor: validated once at start-up. */
import { IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { WithSubjectHashKeyring } from '@datarights/pseudonym';
import { loadConfig, ServiceConfig, RequiredInProduction } from '@datarights/service-kit';

/** With SUBJECT_HASH_KEY_ID and SUBJECT_HASH_PREVIOUS_KEYS, the keyring of SUBJECT_HASH_KEY (libs/pseudonym). */
export class ErasureExecutorConfig extends WithSubjectHashKeyring(ServiceConfig) {
  override PORT = 3003;

  /** The policy file; default deploy/policy/default.fr.yaml, found from the working directory. */
  @IsOptional()
  @IsString()
  POLICY_FILE?: string;

  /** How often the timeout loop looks for commands past their respondBy. */
  @IsInt()
  @Min(50)
  @Max(60_000)
  ACTION_POLL_MS: number = 1000;

  /** Language of the notices the executor asks for (forwards to controllers), BCP 47. */
  @Matches(/^[a-z]{2}(-[A-Z]{2})?$/)
  NOTICE_LOCALE: string = 'fr-FR';

  /** How often the hold-expiry schedule looks for holds whose period has ended. */
  @IsInt()
  @Min(50)
  @Max(3_600_000)
  HOLD_POLL_MS: number = 60_000;

  /** How often requests whose subject keys are no longer needed are minimised. */
  @IsInt()
  @Min(50)
  @Max(86_400_000)
  MINIMISATION_POLL_MS: number = 300_000;

  /**
   * Key of the keyed hashes (HMAC-SHA256) that replace the stored subject keys once a
   * request's actions and holds have all ended. Required in production; elsewhere a
   * development default is used, with a warning. At least 32 characters. Never logged.
   */
  @RequiredInProduction('the key of the hashes that replace stored subject keys')
  @IsString()
  @MinLength(32, { message: 'SUBJECT_HASH_KEY must be at least 32 characters' })
  SUBJECT_HASH_KEY?: string;
}

export const appConfig = (): ErasureExecutorConfig => loadConfig(ErasureExecutorConfig, process.env);
