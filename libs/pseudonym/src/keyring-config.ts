/**
 * The keyring's variables beside SUBJECT_HASH_KEY, for the config class of each app that
 * stores pseudonyms: declared once, validated with the rest of the app's configuration at
 * boot (a bad value stops the process with its name).
 */
import { IsOptional, IsString, Matches } from 'class-validator';
import { DEFAULT_KEY_ID } from './keyring';
import { KEY_ID_PATTERN } from './pseudonym';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Constructor = new (...args: any[]) => object;

export function WithSubjectHashKeyring<TBase extends Constructor>(Base: TBase) {
  class SubjectHashKeyringConfig extends Base {
    /**
     * The id of SUBJECT_HASH_KEY, written into every hash it makes (`hmac-sha256:<id>:...`):
     * give a new id with a new key. Hashes stored before ids existed carry `k1`.
     */
    @Matches(KEY_ID_PATTERN, {
      message: 'SUBJECT_HASH_KEY_ID must be 1 to 32 characters of A-Z, a-z, 0-9, ".", "_", "-"',
    })
    SUBJECT_HASH_KEY_ID: string = DEFAULT_KEY_ID;

    /**
     * Earlier keys after a rotation, `<id>:<key>` separated by commas: what they hashed is
     * still found (Art. 32(1)). Never logged.
     */
    @IsOptional()
    @IsString()
    SUBJECT_HASH_PREVIOUS_KEYS?: string;
  }
  return SubjectHashKeyringConfig;
}
