/** The only place that reads process.env for request-intake: validated once at start-up. */
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { loadConfig } from '@datarights/service-kit';

export class RequestIntakeConfig {
  @IsInt() @Min(1) @Max(65535)
  PORT: number = 3000;

  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @IsOptional() @IsString()
  KAFKA_GROUP_ID?: string;

  /**
   * The policy file (deadlines of Art. 12(3), among others); default: deploy/policy/default.fr.yaml
   * found from the working directory. Read and validated at start-up by libs/policy.
   */
  @IsOptional() @IsString()
  POLICY_FILE?: string;

  /** POST requests allowed per token and per minute (429 beyond). Generous: the DPO and operators file by hand. */
  @IsInt() @Min(1) @Max(100000)
  RATE_LIMIT_POST_PER_MINUTE: number = 60;

  /** Largest JSON body accepted (413 beyond). */
  @Matches(/^\d+(b|kb|mb)$/, { message: 'BODY_LIMIT must look like 64kb' })
  BODY_LIMIT: string = '64kb';

  /** How often the request gauges are refreshed from the database. */
  @IsInt() @Min(1000) @Max(3_600_000)
  METRICS_REFRESH_MS: number = 15_000;

  /** Language of the notices sent to subjects (BCP 47). */
  @Matches(/^[a-z]{2}(-[A-Z]{2})?$/)
  NOTICE_LOCALE: string = 'fr-FR';
}

export const appConfig = (): RequestIntakeConfig => loadConfig(RequestIntakeConfig);
