/**
 * The executor's pseudonyms of subject keys (libs/pseudonym), under the keyring resolved
 * once at start-up from SUBJECT_HASH_KEY, SUBJECT_HASH_KEY_ID and SUBJECT_HASH_PREVIOUS_KEYS:
 * required in production (the service does not start without it), a development key with
 * a warning elsewhere. Used by the suppression list (Art. 21(3)), looked up under every key
 * of the keyring, and the minimisation of stored subject keys. Never logged.
 */
import { Injectable, Logger } from '@nestjs/common';
import { normaliseIdentifier } from '@datarights/contracts';
import { Pseudonymiser, subjectKeyring } from '@datarights/pseudonym';
import { ErasureExecutorConfig } from '../../config/app.config';

@Injectable()
export class SubjectHashKey extends Pseudonymiser {
  constructor(config: ErasureExecutorConfig) {
    const logger = new Logger(SubjectHashKey.name);
    super(
      subjectKeyring(config, 'the key of the hashes that replace stored subject keys', (m) => logger.warn(m)),
      normaliseIdentifier,
    );
  }
}
