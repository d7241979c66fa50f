/**
 * The key of the executor's keyed hashes (SUBJECT_HASH_KEY), resolved once at start-up:
 * required in production (the service does not start without it), a development key with
 * a warning elsewhere. Used by the suppression list (Art. 21(3)) and the minimisation of
 * stored subject keys. Never logged.
 */
import { Injectable, Logger } from '@nestjs/common';
import { ErasureExecutorConfig } from '../../config/app.config';
import { resolveSubjectHashKey } from './subject-hash';

@Injectable()
export class SubjectHashKey {
  private readonly logger = new Logger(SubjectHashKey.name);
  readonly value: string;

  constructor(config: ErasureExecutorConfig) {
    this.value = resolveSubjectHashKey(config.SUBJECT_HASH_KEY, config.NODE_ENV, (m) => this.logger.warn(m));
  }
}
