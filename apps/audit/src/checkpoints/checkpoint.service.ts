/**
 * Signs checkpoints of the evidence log (entry count, head hash, time) and publishes them
 * outside PostgreSQL: on the compacted `dsr.audit.checkpoints.v1` topic (through the
 * outbox) and, when AUDIT_CHECKPOINT_DIR is set, as files for WORM storage. Also keeps
 * them in `audit_checkpoints` and in memory. The latest one a verification trusts is the
 * latest whose signature holds among memory, the directory and the table: shortening the
 * log and deleting the table's newest checkpoints is still caught by the other two, and
 * by an auditor holding the topic's or the directory's copy (`npm run audit -- verify`).
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventPublisher } from '@datarights/messaging';
import { resolveSchema } from '@datarights/persistence';
import { RuntimeConfig } from '@datarights/service-kit';
import { GENESIS_HASH } from '../audit-log/canonical-hash';
import { AuditConfig, type AuditSigning } from '../config/app.config';
import { SIGNING } from '../config/config.module';
import { checkpointProblem, laterCheckpoint, signCheckpoint, type Checkpoint } from '../signing/checkpoint';
import { readCheckpointsFrom, writeCheckpointFile } from './checkpoint-files';
import { CheckpointRepository } from './checkpoint.repository';

export interface AnchoredCheckpoint {
  checkpoint: Checkpoint;
  /** Where the latest valid checkpoint was found. */
  source: 'memory' | 'directory' | 'database';
}

@Injectable()
export class CheckpointService {
  private readonly logger = new Logger(CheckpointService.name);
  /** The log's schema: `audit`, or the run's own (DATABASE_SCHEMA, from the runtime config). */
  readonly log: string;
  private latestKnown: Checkpoint | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: CheckpointRepository,
    private readonly publisher: EventPublisher,
    private readonly config: AuditConfig,
    @Inject(SIGNING) private readonly signing: AuditSigning,
    runtime: RuntimeConfig,
  ) {
    this.log = resolveSchema('audit', runtime);
  }

  /**
   * Signs a checkpoint of the log as it is now, unless nothing was appended since the
   * last one (`force`: sign anyway, e.g. on demand). Returns the checkpoint signed, if any.
   */
  async checkpoint(force = false): Promise<Checkpoint | undefined> {
    const signed = await this.dataSource.transaction(async (m) => {
      await this.repo.lock(m);
      const previous = (await this.repo.latest(m, this.log)).find((c) => !checkpointProblem(this.signing.ring, c));
      const head = (await this.repo.head(m)) ?? { seq: 0, hash: GENESIS_HASH };
      if (!force && previous && previous.headSeq === head.seq) return undefined;
      // The count grows from the previous checkpoint (entries are never removed); from scratch otherwise.
      const base = previous && previous.headSeq <= head.seq ? previous : undefined;
      const entries = (base?.entries ?? 0) + (await this.repo.countBetween(m, base?.headSeq ?? 0, head.seq));
      const checkpoint = signCheckpoint(this.signing.key, {
        log: this.log,
        entries,
        headSeq: head.seq,
        headHash: head.hash,
        time: new Date().toISOString(),
      });
      await this.repo.insert(m, checkpoint);
      await this.publisher.unitOfWork(m).publish('auditCheckpoint', checkpoint);
      return checkpoint;
    });
    if (!signed) return undefined;
    this.latestKnown = laterCheckpoint(this.latestKnown, signed);
    if (this.config.AUDIT_CHECKPOINT_DIR) {
      try {
        await writeCheckpointFile(this.config.AUDIT_CHECKPOINT_DIR, signed);
      } catch (err) {
        this.logger.error(`could not write the checkpoint file: ${(err as Error).message}`);
      }
    }
    this.logger.log(`checkpoint signed: ${signed.entries} entries, head ${signed.headSeq} (key ${signed.keyId})`);
    return signed;
  }

  /** The latest checkpoint whose signature holds, from memory, the checkpoint directory and the table. */
  async latest(): Promise<AnchoredCheckpoint | undefined> {
    const candidates: AnchoredCheckpoint[] = [];
    if (this.latestKnown) candidates.push({ checkpoint: this.latestKnown, source: 'memory' });
    if (this.config.AUDIT_CHECKPOINT_DIR) {
      const files = await readCheckpointsFrom(this.config.AUDIT_CHECKPOINT_DIR, { log: this.log, last: 10 }).catch(
        (err: unknown) => {
          this.logger.error(`could not read the checkpoint directory: ${(err as Error).message}`);
          return [];
        },
      );
      for (const c of files) candidates.push({ checkpoint: c, source: 'directory' });
    }
    const stored = await this.repo.latest(this.dataSource.manager, this.log);
    for (const c of stored) candidates.push({ checkpoint: c, source: 'database' });
    let best: AnchoredCheckpoint | undefined;
    for (const a of candidates) {
      const problem = checkpointProblem(this.signing.ring, a.checkpoint);
      if (problem) {
        this.logger.warn(`ignoring a checkpoint from the ${a.source}: ${problem}`);
        continue;
      }
      if (!best || laterCheckpoint(best.checkpoint, a.checkpoint) !== best.checkpoint) best = a;
    }
    return best;
  }
}
