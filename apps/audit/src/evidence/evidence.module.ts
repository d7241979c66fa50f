/** The evidence log's read side: a request's entries and the verification of the chain (HTTP, roles dpo and auditor). */
import { Module } from '@nestjs/common';
import { CheckpointModule } from '../checkpoints/checkpoint.module';
import { EvidenceController } from './evidence.controller';
import { EvidenceRepository } from './evidence.repository';
import { EvidenceService } from './evidence.service';

@Module({
  imports: [CheckpointModule],
  controllers: [EvidenceController],
  providers: [EvidenceRepository, EvidenceService],
})
export class EvidenceModule {}
