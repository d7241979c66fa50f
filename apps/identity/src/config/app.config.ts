/** The only place that reads process.env for identity: validated once at start-up. */
import { IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { loadConfig, ServiceConfig } from '@datarights/service-kit';

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
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'VERIFICATION_CODE_KEY must be at least 32 characters' })
  VERIFICATION_CODE_KEY?: string;

  /** Answers to a challenge (and resends) allowed per client address and per minute (429 beyond). */
  @IsInt()
  @Min(1)
  @Max(100000)
  RATE_LIMIT_VERIFY_PER_MINUTE: number = 10;

  /** Language of the code messages (BCP 47). */
  @Matches(/^[a-z]{2}(-[A-Z]{2})?$/)
  NOTICE_LOCALE: string = 'fr-FR';
}

export const appConfig = (): IdentityConfig => loadConfig(IdentityConfig);
