/**
 * `dsr.audit.checkpoints.v1`: the audit log's signed checkpoints. Each one states, under
 * the audit service's Ed25519 signature, how many entries the evidence log held and the
 * hash of its last one at a given time. Published outside PostgreSQL so that whoever can
 * write the database cannot rewrite or shorten the log unnoticed (Art. 5(2), 32(1)(b)).
 * Compacted, one key per log: the latest checkpoint is what a verification needs; an
 * operator who wants every checkpoint keeps the files of AUDIT_CHECKPOINT_DIR (WORM storage).
 */
import { IsBase64, IsInt, IsISO8601, Matches, Min } from 'class-validator';

export class AuditCheckpoint {
  /** Which log (the audit service's schema): one key of the compacted topic. */
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/)
  log: string;

  /** How many entries the log held, up to and including `headSeq`. */
  @IsInt()
  @Min(0)
  entries: number;

  /** The sequence number of the last entry (0 for an empty log). */
  @IsInt()
  @Min(0)
  headSeq: number;

  /** The hash of the last entry (the genesis hash, 64 zeros, for an empty log). */
  @Matches(/^[0-9a-f]{64}$/)
  headHash: string;

  /** When the checkpoint was signed. */
  @IsISO8601({ strict: true })
  time: string;

  /** Which signing key: `ed25519:` and the first 16 hex digits of the SHA-256 of its public key (SPKI, DER). */
  @Matches(/^ed25519:[0-9a-f]{16}$/)
  keyId: string;

  /** Ed25519 signature, base64, of the canonical JSON of every other field. */
  @IsBase64()
  signature: string;
}
