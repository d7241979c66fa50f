/**
 * The only place that reads process.env for audit: validated once at start-up. The HMAC key
 * pseudonymises subject keys in the audit log (Art. 4(5), 32(1)(a)): without it, the log
 * could be searched for a known e-mail by hashing it, so production refuses to start
 * without a real key; development falls back to a fixed, public key, with a warning.
 * The signing key (Ed25519) signs every entry and every checkpoint, so that whoever can
 * write the database cannot rewrite the log unnoticed (Art. 5(2), 32(1)(b)): the same rule.
 */
import { Logger } from '@nestjs/common';
import { IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { normaliseIdentifier } from '@datarights/contracts';
import { DEFAULT_KEY_ID, parsePreviousKeys, Pseudonymiser, resolveKeyring } from '@datarights/pseudonym';
import { ConfigError, loadConfig, ServiceConfig } from '@datarights/service-kit';
import { PublicKeyRing, signingKeyFromPem, type SigningKey } from '../signing/signing-keys';

/** Public, in the repository: only ever used outside production. */
export const DEV_HMAC_KEY = 'datarights-audit-development-key-not-secret-0001';

/** Public, in the repository: only ever used outside production (its signatures prove nothing). */
export const DEV_SIGNING_KEY = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIHfhyL5ezm3bmuC86mxVZDiRRk/AA8Vnf2IsBRjdCQxw
-----END PRIVATE KEY-----
`;

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
  AUDIT_HMAC_KEY_ID: string = DEFAULT_KEY_ID;

  /**
   * Earlier HMAC keys, `<id>:<key>` separated by commas: finding a subject's entries made
   * before a rotation computes their hashes under these too (deploy/README.md, "Rotating
   * the audit HMAC key"). Never logged.
   */
  @IsOptional()
  @IsString()
  AUDIT_HMAC_PREVIOUS_KEYS?: string;

  /**
   * The Ed25519 private key (PKCS#8 PEM, `openssl genpkey -algorithm ed25519`) that signs
   * entries and checkpoints. Its id is derived from its public key (`ed25519:<16 hex>`).
   */
  @IsOptional()
  @IsString()
  AUDIT_SIGNING_KEY?: string;

  /** The public keys (PEM, concatenated) of earlier signing keys: old entries and checkpoints still verify. */
  @IsOptional()
  @IsString()
  AUDIT_SIGNING_PREVIOUS_KEYS?: string;

  /** How often a checkpoint is signed while entries are being added (ms; at most once a minute by default). */
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  AUDIT_CHECKPOINT_EVERY_MS: number = 60_000;

  /** A directory where every checkpoint is also written as a file, for an operator to ship to WORM storage. */
  @IsOptional()
  @IsString()
  AUDIT_CHECKPOINT_DIR?: string;
}

export function appConfig(env: NodeJS.ProcessEnv = process.env): AuditConfig {
  const config = loadConfig(AuditConfig, env);
  if (config.NODE_ENV === 'production' && !config.AUDIT_HMAC_KEY) {
    throw new ConfigError('invalid configuration: AUDIT_HMAC_KEY is required in production');
  }
  if (config.NODE_ENV === 'production' && !config.AUDIT_SIGNING_KEY) {
    throw new ConfigError('invalid configuration: AUDIT_SIGNING_KEY is required in production');
  }
  try {
    parsePreviousKeys(config.AUDIT_HMAC_PREVIOUS_KEYS, 'AUDIT_HMAC_PREVIOUS_KEYS');
  } catch (err) {
    throw new ConfigError(`invalid configuration: ${(err as Error).message}`);
  }
  try {
    if (config.AUDIT_SIGNING_KEY) signingKeyFromPem(config.AUDIT_SIGNING_KEY);
    if (config.AUDIT_SIGNING_PREVIOUS_KEYS) PublicKeyRing.fromPem(config.AUDIT_SIGNING_PREVIOUS_KEYS);
  } catch (err) {
    throw new ConfigError(
      `invalid configuration: AUDIT_SIGNING_KEY or AUDIT_SIGNING_PREVIOUS_KEYS: ${(err as Error).message}`,
    );
  }
  return config;
}

export interface AuditSigning {
  /** Signs new entries and checkpoints. */
  key: SigningKey;
  /** Verifies: the current key and every earlier one. */
  ring: PublicKeyRing;
}

export function signingOf(config: AuditConfig, log: Pick<Logger, 'warn'> = new Logger('AuditConfig')): AuditSigning {
  if (!config.AUDIT_SIGNING_KEY)
    log.warn('AUDIT_SIGNING_KEY is not set: signing with the public development key (refused in production)');
  const key = signingKeyFromPem(config.AUDIT_SIGNING_KEY ?? DEV_SIGNING_KEY);
  const ring = PublicKeyRing.fromPem(config.AUDIT_SIGNING_PREVIOUS_KEYS ?? '');
  ring.add(key.publicKey);
  return { key, ring };
}

/** The pseudonyms of subject keys in the log (libs/pseudonym), under AUDIT_HMAC_KEY and the earlier keys. */
export function pseudonymiserOf(
  config: AuditConfig,
  log: Pick<Logger, 'warn'> = new Logger('AuditConfig'),
): Pseudonymiser {
  const keyring = resolveKeyring(
    {
      variable: 'AUDIT_HMAC_KEY',
      purpose: 'the key of the subject hashes in the audit log',
      secret: config.AUDIT_HMAC_KEY,
      keyId: config.AUDIT_HMAC_KEY_ID,
      previous: config.AUDIT_HMAC_PREVIOUS_KEYS,
      production: config.NODE_ENV === 'production',
      developmentSecret: DEV_HMAC_KEY,
    },
    (m) => log.warn(`${m} (the public development key is refused in production)`),
  );
  return new Pseudonymiser(keyring, normaliseIdentifier);
}
