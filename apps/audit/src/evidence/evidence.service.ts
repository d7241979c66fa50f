/**
 * Serves the evidence: a request's entries in order, and the verification of the whole
 * chain (Art. 5(2): the controller demonstrates compliance; the chain shows the record was
 * not rewritten since).
 */
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { AppError, ErrorCode } from '@datarights/service-kit';
import { ChainVerifier, type BrokenLink, type StoredEntry } from './chain-verifier';
import { EvidenceRepository } from './evidence.repository';

export const VERIFY_PAGE_SIZE = 1000;

export interface ChainVerification {
  valid: boolean;
  entries: number;
  firstBroken?: BrokenLink;
}

@Injectable()
export class EvidenceService {
  private readonly logger = new Logger(EvidenceService.name);

  constructor(private readonly repo: EvidenceRepository) {}

  async requestEvidence(requestId: string): Promise<{ requestId: string; entries: StoredEntry[] }> {
    const entries = await this.repo.entriesOfRequest(requestId);
    if (entries.length === 0)
      throw new AppError(HttpStatus.NOT_FOUND, ErrorCode.NotFound, `no audit entries for request ${requestId}`);
    return { requestId, entries };
  }

  /** Recomputes every link, one page at a time. */
  async verifyChain(pageSize = VERIFY_PAGE_SIZE): Promise<ChainVerification> {
    const verifier = new ChainVerifier();
    let after = 0;
    for (;;) {
      const page = await this.repo.pageAfter(after, pageSize);
      for (const entry of page) {
        const broken = verifier.check(entry);
        if (broken) {
          this.logger.warn(`audit chain broken at entry ${broken.seq}: ${broken.reason}`);
          return { valid: false, entries: await this.repo.count(), firstBroken: broken };
        }
      }
      if (page.length < pageSize) break;
      after = page[page.length - 1]!.seq;
    }
    return { valid: true, entries: verifier.entries };
  }
}
