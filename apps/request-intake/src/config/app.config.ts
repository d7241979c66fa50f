/** The only place that reads process.env for request-intake: validated once at start-up. */
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { WithSubjectHashKeyring } from '@datarights/pseudonym';
import {
  loadConfig,
  RATE_LIMIT_STORES,
  ServiceConfig,
  type RateLimitStore,
  RequiredInProduction,
} from '@datarights/service-kit';

/** With SUBJECT_HASH_KEY_ID and SUBJECT_HASH_PREVIOUS_KEYS, the keyring of SUBJECT_HASH_KEY (libs/pseudonym). */
export class RequestIntakeConfig extends WithSubjectHashKeyring(ServiceConfig) {
  override PORT = 3000;

  /**
   * The policy file (deadlines of Art. 12(3), among others); default: deploy/policy/default.fr.yaml
   * found from the working directory. Read and validated at start-up by libs/policy.
   */
  @IsOptional()
  @IsString()
  POLICY_FILE?: string;

  /** POST requests allowed per token and per minute (429 beyond). Generous: the DPO and operators file by hand. */
  @IsInt()
  @Min(1)
  @Max(100000)
  RATE_LIMIT_POST_PER_MINUTE: number = 60;

  /**
   * Where the rate limits count: \`postgres\` (default) in this service's \`throttler_hits\`
   * table, so that every replica shares one budget per client; \`memory\` in this process
   * only (unit tests, a single process).
   */
  @IsIn(RATE_LIMIT_STORES)
  RATE_LIMIT_STORE: RateLimitStore = 'postgres';

  /** Largest JSON body accepted (413 beyond). */
  @Matches(/^\d+(b|kb|mb)$/, { message: 'BODY_LIMIT must look like 64kb' })
  BODY_LIMIT: string = '64kb';

  /** How often the request gauges are refreshed from the database. */
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  METRICS_REFRESH_MS: number = 15_000;

  /** How often the deadline check looks for requests due soon or overdue (events once per due date). */
  @IsInt()
  @Min(50)
  @Max(3_600_000)
  DEADLINE_CHECK_MS: number = 60_000;

  /** How often closed requests past their proof period are minimised. */
  @IsInt()
  @Min(50)
  @Max(86_400_000)
  MINIMISATION_CHECK_MS: number = 300_000;

  /**
   * Key of the keyed hashes (HMAC-SHA256) that replace a closed request's identifiers after
   * the proof period. Required in production; elsewhere a development default is used, with
   * a warning. At least 32 characters. Never logged.
   */
  @RequiredInProduction("the key of the hashes that replace closed requests' identifiers")
  @IsString()
  @MinLength(32, { message: 'SUBJECT_HASH_KEY must be at least 32 characters' })
  SUBJECT_HASH_KEY?: string;

  /**
   * Key of the access/portability packages' encryption at rest (AES-256-GCM; data-locator
   * encrypts with the same). Required in production; elsewhere a development default, with a warning.
   */
  @RequiredInProduction('the key of the packages at rest')
  @IsString()
  @MinLength(32, { message: 'PACKAGE_ENCRYPTION_KEY must be at least 32 characters' })
  PACKAGE_ENCRYPTION_KEY?: string;

  /** Key of the signed download links given to subjects (HMAC-SHA256). Required in production. */
  @RequiredInProduction('the key of the signed download links')
  @IsString()
  @MinLength(32, { message: 'PACKAGE_LINK_SECRET must be at least 32 characters' })
  PACKAGE_LINK_SECRET?: string;

  /** How long a signed download link is valid (ISO 8601 duration). */
  @Matches(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/, {
    message: 'PACKAGE_LINK_TTL must be an ISO 8601 duration, e.g. P7D',
  })
  PACKAGE_LINK_TTL: string = 'P7D';

  /** How long a package is kept before it is deleted (storage limitation, Art. 5(1)(e)). */
  @Matches(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/, {
    message: 'PACKAGE_RETENTION must be an ISO 8601 duration, e.g. P30D',
  })
  PACKAGE_RETENTION: string = 'P30D';

  /** How often packages past their keeping period are deleted. */
  @IsInt()
  @Min(50)
  @Max(86_400_000)
  PACKAGE_DELETION_CHECK_MS: number = 3_600_000;

  /** Language of the notices sent to subjects (BCP 47). */
  @Matches(/^[a-z]{2}(-[A-Z]{2})?$/)
  NOTICE_LOCALE: string = 'fr-FR';
}

export const appConfig = (): RequestIntakeConfig => loadConfig(RequestIntakeConfig, process.env);
