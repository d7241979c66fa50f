/**
 * Bulk filing: many requests received at once (a list after a breach notice, a marketing
 * vendor's opt-outs), each its own request with its own deadline (Art. 12(3): one month
 * from its receipt), filed as `POST /v1/requests` files one — the same row, the same
 * `dsr.request.submitted.v1`, the same Idempotency-Key rules — but a few hundred lines per
 * transaction: keys claimed and rows inserted in one statement each, the events written to
 * the outbox in the same transaction. A chunk commits whole or not at all; the chunks
 * before it stay filed, and posting the list again files only what is missing.
 */
import { Injectable, Logger } from '@nestjs/common';
import { EventPublisher } from '@datarights/messaging';
import { Policy } from '@datarights/policy';
import { AppError, Clock, type Principal } from '@datarights/service-kit';
import type { BulkFilingResultDto, BulkLineResultDto } from './dto/bulk-filing.dto';
import type { FiledRequestDto } from './dto/request-view.dto';
import type { CheckedLine } from './bulk-filing';
import { filingHash, newRequest, requestRow, submittedEvent, type Filer, type NewRequest } from './request-filing';
import { RequestJournal } from './request-journal';
import { RequestsRepository } from './requests.repository';
import type { FileRequestDto } from './dto/create-request.dto';

/** Lines per transaction: large enough to batch, small enough not to hold locks long. */
export const BULK_CHUNK = 250;

interface Prepared {
  line: number;
  key: string;
  hash: string;
  dto: FileRequestDto;
  filed: NewRequest;
  body: FiledRequestDto;
}

@Injectable()
export class BulkFilingService {
  private readonly logger = new Logger(BulkFilingService.name);

  constructor(
    private readonly repo: RequestsRepository,
    private readonly journal: RequestJournal,
    private readonly publisher: EventPublisher,
    private readonly policy: Policy,
    private readonly clock: Clock,
  ) {}

  async file(principal: Principal, lines: CheckedLine[]): Promise<BulkFilingResultDto> {
    const by: Filer = { filedBy: principal.roles.includes('dpo') ? 'dpo' : 'operator', principal: principal.id };
    const results = new Map<number, BulkLineResultDto>();
    const prepared: Prepared[] = [];
    /** The first line of the list under each key: a later line with the same key repeats it. */
    const firstByKey = new Map<string, Prepared>();
    const repeats: Array<{ line: number; of: Prepared; hash: string }> = [];
    for (const l of lines) {
      if ('errors' in l) {
        results.set(l.line, { line: l.line, status: 'invalid', errors: l.errors });
        continue;
      }
      let filed: NewRequest;
      try {
        filed = newRequest(l.dto.subject, this.clock, this.policy, l.dto);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        results.set(l.line, { line: l.line, status: 'invalid', errors: [err.message] });
        continue;
      }
      const hash = filingHash(l.dto, filed.subject);
      const first = firstByKey.get(l.key);
      if (first) {
        repeats.push({ line: l.line, of: first, hash });
        continue;
      }
      const p: Prepared = {
        line: l.line,
        key: l.key,
        hash,
        dto: l.dto,
        filed,
        body: {
          id: filed.id,
          status: 'received',
          receivedAt: filed.receivedAt.toISOString(),
          dueAt: filed.dueAt.toISOString(),
        },
      };
      firstByKey.set(l.key, p);
      prepared.push(p);
    }

    for (let i = 0; i < prepared.length; i += BULK_CHUNK) {
      for (const r of await this.fileChunk(principal.id, by, prepared.slice(i, i + BULK_CHUNK))) results.set(r.line, r);
    }
    for (const r of repeats) {
      const first = results.get(r.of.line)!;
      results.set(
        r.line,
        r.hash === r.of.hash && first.requestId
          ? { line: r.line, status: 'duplicate', requestId: first.requestId, dueAt: first.dueAt }
          : {
              line: r.line,
              status: 'invalid',
              errors: [`idempotencyKey: line ${r.of.line} of this list already uses it for another request`],
            },
      );
    }

    const ordered = [...results.values()].sort((a, b) => a.line - b.line);
    const count = (s: BulkLineResultDto['status']) => ordered.filter((r) => r.status === s).length;
    const answer = { filed: count('filed'), duplicate: count('duplicate'), invalid: count('invalid'), lines: ordered };
    this.logger.log(
      { lines: ordered.length, filed: answer.filed, duplicate: answer.duplicate, invalid: answer.invalid },
      'bulk filing',
    );
    return answer;
  }

  /** One transaction: the chunk's keys claimed, its new requests inserted, their events in the outbox. */
  private fileChunk(principalId: string, by: Filer, chunk: Prepared[]): Promise<BulkLineResultDto[]> {
    return this.repo.transaction(async (tx) => {
      const taken = await this.repo.claimIdempotencyKeys(
        tx,
        principalId,
        chunk.map((p) => ({ key: p.key, bodyHash: p.hash, requestId: p.filed.id, response: p.body })),
      );
      const results: BulkLineResultDto[] = [];
      const fresh: Prepared[] = [];
      for (const p of chunk) {
        const before = taken.get(p.key);
        if (!before) {
          fresh.push(p);
          results.push({ line: p.line, status: 'filed', requestId: p.filed.id, dueAt: p.body.dueAt });
        } else if (before.bodyHash === p.hash) {
          const dueAt = (before.response as Partial<FiledRequestDto>).dueAt;
          results.push({ line: p.line, status: 'duplicate', requestId: before.requestId, ...(dueAt ? { dueAt } : {}) });
        } else {
          results.push({
            line: p.line,
            status: 'invalid',
            errors: ['idempotencyKey: already used with a different request'],
          });
        }
      }
      await this.repo.insertMany(
        tx,
        fresh.map((p) => requestRow(p.dto, p.filed, by)),
      );
      for (const p of fresh) {
        const id = p.filed.id;
        await this.journal.publish(
          tx,
          this.publisher.unitOfWork(tx, { correlationId: id }).publish,
          id,
          'requestSubmitted',
          submittedEvent(p.dto, p.filed, by),
        );
      }
      return results;
    });
  }
}
