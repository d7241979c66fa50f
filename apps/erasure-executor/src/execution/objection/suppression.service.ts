/**
 * The suppression list at work (GDPR Art. 21(3): after an objection to direct marketing,
 * the data "shall no longer be processed for such purposes" — for good, even after an
 * erasure and a new collection). A newly stored record whose keys hash to a suppressed
 * entry gets a suppress command again, to the system that stored it, tracked like every
 * action of the objection request that placed the entry. Keys are looked up by keyed hash
 * only; the record's own keys travel in that one command and are dropped once it is done.
 */
import { Injectable, Logger } from '@nestjs/common';
import { EVENTS, type LinkedSubjectKeys, type RecordEvent } from '@datarights/contracts';
import type { BatchItem } from '@datarights/messaging';
import { Clock } from '@datarights/service-kit';
import { ActionDispatcher } from '../actions/action-dispatcher';
import { SubjectHashKey } from '../keys/subject-hash-key';
import type { ExecutionTx } from '../store/execution-tx';

@Injectable()
export class SuppressionService {
  private readonly logger = new Logger(SuppressionService.name);

  constructor(
    private readonly actions: ActionDispatcher,
    private readonly hashKey: SubjectHashKey,
    private readonly clock: Clock,
  ) {}

  async onDataEvents(tx: ExecutionTx, items: readonly BatchItem<RecordEvent>[]): Promise<number> {
    let sent = 0;
    // Only new records: an update is often the system's own answer to a command (no loop).
    for (const { envelope, data } of items.filter((i) => i.envelope.type === EVENTS.recordStored.type)) {
      // Under every key of the keyring: an entry placed before a key rotation still holds.
      const suppressed = await tx.suppression.purposesFor(
        this.hashKey.lookupHashes(data.subjectKeys as Record<string, unknown>),
      );
      if (suppressed.length === 0) continue;
      const registration = (await tx.systems.registrations([data.systemId])).get(data.systemId);
      const purposes = suppressed.filter((s) => registration?.purposes.includes(s.purpose));
      if (!registration || purposes.length === 0) continue;
      const requestId = purposes[0].requestId;
      if (!(await tx.requests.get(requestId))) continue;
      const subjectKeys = Object.fromEntries(
        Object.entries(data.subjectKeys)
          .filter(([, v]) => typeof v === 'string')
          .map(([k, v]) => [k, [v as string]]),
      ) as LinkedSubjectKeys;
      const base = { systemId: data.systemId, categories: [data.category] };
      const reason = 'a new record of a subject who objected to direct marketing (GDPR Art. 21(3))';
      await this.actions.start(
        tx,
        requestId,
        subjectKeys,
        registration.capabilities.includes('suppress')
          ? {
              ...base,
              dispatch: true,
              kind: 'suppress',
              params: { purposes: purposes.map((p) => p.purpose), reason, subjectKeys },
            }
          : {
              ...base,
              dispatch: false,
              kind: 'suppress',
              reason: `${reason}: system ${data.systemId} cannot suppress (no 'suppress' capability); stop it by hand`,
            },
        this.clock.now(),
      );
      sent++;
      this.logger.log(
        `event ${envelope.id}: a record on ${data.systemId} matches the suppression list; suppress command sent again (request ${requestId})`,
      );
    }
    return sent;
  }
}
