/**
 * Access (GDPR Art. 15) and portability (Art. 20) packages: data-locator assembles the zip,
 * encrypts it (AES-256-GCM, PACKAGE_ENCRYPTION_KEY shared with request-intake) and sends it
 * to request-intake, which stores and serves it. The encrypted zip travels in parts small
 * enough for a Kafka message; request-intake reassembles them and checks the digest.
 */
import {
  ArrayMaxSize,
  IsBase64,
  IsIn,
  IsInt,
  IsISO8601,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { CATEGORY_PATTERN } from '../common/primitives';

/** Base64 characters per part: 600 KiB of text, under Kafka's default 1 MiB message limit. */
export const PACKAGE_PART_MAX_CHARS = 600 * 1024;

export class PackageReady {
  @IsUUID() requestId: string;
  @IsUUID() packageId: string;
  @IsIn(['access', 'portability']) requestType: 'access' | 'portability';
  /** This is part `part` of `parts` (1-based) of the encrypted zip. */
  @IsInt() @Min(1) @Max(10000) part: number;
  @IsInt() @Min(1) @Max(10000) parts: number;
  /** Base64 of this part of the encrypted zip (never personal data in clear). */
  @IsString() @IsBase64() @Length(1, PACKAGE_PART_MAX_CHARS) data: string;
  /** SHA-256 (hex) of the whole encrypted zip, to check the reassembly. */
  @Matches(/^[0-9a-f]{64}$/) sha256: string;
  @IsInt() @Min(0) records: number;
  @ArrayMaxSize(200) @Matches(CATEGORY_PATTERN, { each: true }) categories: string[];
  @IsISO8601({ strict: true }) assembledAt: string;
}

/** A package was deleted after its keeping period (storage limitation, Art. 5(1)(e)). */
export class PackageDeleted {
  @IsUUID() requestId: string;
  @IsUUID() packageId: string;
  @IsISO8601({ strict: true }) deletedAt: string;
  @IsString() @Length(1, 200) reason: string;
}
