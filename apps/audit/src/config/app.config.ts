/**
 * The only place that reads process.env for audit: validated once at start-up. The HMAC key
 * pseudonymises subject keys in the audit log (Art. 4(5), 32(1)(a)): without it, the log
 * could be searched for a known e-mail by hashing it, so production refuses to start
 * without a real key; development falls back to a fixed, public key, with a warning.
 */
import { Logger } from '@nestjs/common';
import { IsOptional, IsString, Matches, MinLength } from 'class-validator';
import { ConfigError, loadConfig, ServiceConfig } from '@datarights/service-kit';

/** Public, in the repository: only ever used outside production. */
export const DEV_HMAC_KEY = 'datarights-audit-development-key-not-secret-0001';

export class AuditConfig extends ServiceConfig {
  override PORT = 3004;

  /** The secret of the keyed hash (HMAC-SHA256) of subject keys: at least 32 characters. */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'AUDIT_HMAC_KEY must be at least 32 characters' })
  AUDIT_HMAC_KEY?: string;

  /** Recorded with every entry, so that the key can be rotated and each hash traced to its key. */
  @Matches(/^[A-Za-z0-9._-]{1,32}$/, {
    message: 'AUDIT_HMAC_KEY_ID must be 1 to 32 characters of A-Z, a-z, 0-9, ".", "_", "-"',
  })
  AUDIT_HMAC_KEY_ID: string = 'k1';
}

export interface HmacKey {
  id: string;
  secret: string;
}

export function appConfig(env: NodeJS.ProcessEnv = process.env): AuditConfig {
  const config = loadConfig(AuditConfig, env);
  if (config.NODE_ENV === 'production' && !config.AUDIT_HMAC_KEY) {
    throw new ConfigError('invalid configuration: AUDIT_HMAC_KEY is required in production');
  }
  return config;
}

export function hmacKeyOf(config: AuditConfig, log: Pick<Logger, 'warn'> = new Logger('AuditConfig')): HmacKey {
  if (config.AUDIT_HMAC_KEY) return { id: config.AUDIT_HMAC_KEY_ID, secret: config.AUDIT_HMAC_KEY };
  log.warn('AUDIT_HMAC_KEY is not set: using the public development key (refused in production)');
  return { id: config.AUDIT_HMAC_KEY_ID, secret: DEV_HMAC_KEY };
}
