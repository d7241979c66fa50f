/**
 * Appends every event, command and reply of the system to the evidence log (Art. 5(2):
 * demonstrate compliance; Art. 30 register changes; Art. 12 deadlines met). Each entry is
 * minimised (no personal data, Art. 5(1)(c)), names its subjects only by keyed hashes, and
 * is chained to the previous one by its hash, and its hash is signed (Ed25519).
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { commandTopic, EVENTS, type EventEnvelope } from '@datarights/contracts';
import { AwaitingEvent } from '@datarights/messaging';
import type { Pseudonymiser } from '@datarights/pseudonym';
import { HMAC_KEY, SIGNING } from '../config/config.module';
import type { AuditSigning } from '../config/app.config';
import { signText } from '../signing/signing-keys';
import { AuditLogRepository, type Tx } from './audit-log.repository';
import { entryHash, GENESIS_HASH, type ChainedContent } from './canonical-hash';
import { minimise } from './minimisation';
import { subjectHashes } from './subject-hashes';

const REPLY_TYPES: readonly string[] = [EVENTS.commandCompleted.type, EVENTS.commandFailed.type];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The request an event belongs to: its `requestId`, else the envelope's correlation id, when either is a UUID. */
export function requestIdOf(
  envelope: Pick<EventEnvelope, 'correlationid'>,
  data: Record<string, unknown>,
): string | null {
  for (const candidate of [data.requestId, envelope.correlationid]) {
    if (typeof candidate === 'string' && UUID.test(candidate)) return candidate.toLowerCase();
  }
  return null;
}

@Injectable()
export class AuditLogService {
  private readonly logger = new Logger(AuditLogService.name);

  constructor(
    private readonly repo: AuditLogRepository,
    @Inject(HMAC_KEY) private readonly pseudonyms: Pseudonymiser,
    @Inject(SIGNING) private readonly signing: AuditSigning,
  ) {}

  /** Appends one event in the caller's transaction; a repeated event id appends nothing. Returns the sequence number, if appended. */
  async append(tx: Tx, envelope: EventEnvelope, data: object): Promise<number | undefined> {
    const plain = JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
    const payload = minimise(envelope.type, plain);
    const hashes = subjectHashes(this.pseudonyms, plain);
    await this.repo.lockChain(tx);
    // A reply is evidence only of a command sent to that very system (the topic already
    // proved the system). The command is on its topic before the reply exists, but that
    // topic is read concurrently (and may be behind after a restart or a broker roll): the
    // reply is set aside until this consumer has read the system's command topic as far as
    // it stood, then looked at again; a reply still without its command then is dead-lettered
    // (replayable with tools/dlq).
    if (REPLY_TYPES.includes(envelope.type)) {
      const { commandId, systemId } = plain as { commandId: string; systemId: string };
      if (!(await this.repo.commandSentTo(tx, commandId, systemId)))
        throw new AwaitingEvent(`reply to command ${commandId}, which was not sent to ${systemId}`, {
          topic: commandTopic(systemId),
        });
    }
    // After the reply's check: a reply set aside must not take a sequence number.
    const head = await this.repo.head(tx, envelope.id);
    if (head.recorded) {
      this.logger.log(`event ${envelope.id} is already in the audit log`);
      return undefined;
    }
    const prevHash = head.lastHash ?? GENESIS_HASH;
    const content: ChainedContent = {
      seq: head.seq,
      eventId: envelope.id,
      type: envelope.type,
      source: envelope.source,
      occurredAt: new Date(envelope.time).toISOString(),
      requestId: requestIdOf(envelope, plain),
      subjectHashes: hashes,
      payload,
      // The id of the HMAC key, as before; since issue 16 each hash also carries it.
      keyId: this.pseudonyms.keyId,
    };
    const hash = entryHash(prevHash, content);
    // Signed with a key the database never holds: a recomputed chain cannot carry it.
    const signature = signText(this.signing.key, hash);
    await this.repo.insert(tx, { ...content, prevHash, hash, signature, sigKeyId: this.signing.key.id });
    return content.seq;
  }
}
