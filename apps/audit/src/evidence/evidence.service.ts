/**
 * Serves the evidence: a request's entries in order, and the verification of the whole
 * chain (Art. 5(2): the controller demonstrates compliance; the chain shows the record was
 * not rewritten since).
 */
import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { AppError, ErrorCode } from '@datarights/service-kit';
import { CheckpointService, type AnchoredCheckpoint } from '../checkpoints/checkpoint.service';
import type { AuditSigning } from '../config/app.config';
import { SIGNING } from '../config/config.module';
import { ChainVerifier, type BrokenLink, type StoredEntry } from './chain-verifier';
import { EvidenceRepository } from './evidence.repository';

export const VERIFY_PAGE_SIZE = 1000;

export interface ChainVerification {
  valid: boolean;
  entries: number;
  /** The last entry: pin it elsewhere, or compare it with a checkpoint you hold. */
  head: { seq: number; hash: string };
  /** The latest signed checkpoint the log was checked against. */
  checkpoint?: AnchoredCheckpoint['checkpoint'] & { source: AnchoredCheckpoint['source'] };
  firstBroken?: BrokenLink;
  /** The log is shorter than a checkpoint says it was. */
  truncated?: string;
}

@Injectable()
export class EvidenceService {
  private readonly logger = new Logger(EvidenceService.name);

  constructor(
    private readonly repo: EvidenceRepository,
    private readonly checkpoints: CheckpointService,
    @Inject(SIGNING) private readonly signing: AuditSigning,
  ) {}

  async requestEvidence(requestId: string): Promise<{ requestId: string; entries: StoredEntry[] }> {
    const entries = await this.repo.entriesOfRequest(requestId);
    if (entries.length === 0)
      throw new AppError(HttpStatus.NOT_FOUND, ErrorCode.NotFound, `no audit entries for request ${requestId}`);
    return { requestId, entries };
  }

  /**
   * Recomputes every link and checks every signature, one page at a time, then checks the
   * log against the latest signed checkpoint (the entry it names still has its hash, and
   * the log is not shorter than it says).
   */
  async verifyChain(pageSize = VERIFY_PAGE_SIZE): Promise<ChainVerification> {
    const anchor = await this.checkpoints.latest();
    const checkpoint = anchor && { ...anchor.checkpoint, source: anchor.source };
    const verifier = new ChainVerifier({ keys: this.signing.ring, checkpoints: anchor ? [anchor.checkpoint] : [] });
    let after = 0;
    for (;;) {
      const page = await this.repo.pageAfter(after, pageSize);
      for (const entry of page) {
        const broken = verifier.check(entry);
        if (broken) {
          this.logger.warn(`audit chain broken at entry ${broken.seq}: ${broken.reason}`);
          const last = await this.repo.last();
          return {
            valid: false,
            entries: await this.repo.count(),
            head: last ?? verifier.head,
            ...(checkpoint ? { checkpoint } : {}),
            firstBroken: broken,
          };
        }
      }
      if (page.length < pageSize) break;
      after = page[page.length - 1]!.seq;
    }
    const truncated = verifier.finish();
    if (truncated) this.logger.warn(`audit log truncated: ${truncated}`);
    return {
      valid: !truncated,
      entries: verifier.entries,
      head: verifier.head,
      ...(checkpoint ? { checkpoint } : {}),
      ...(truncated ? { truncated } : {}),
    };
  }
}
