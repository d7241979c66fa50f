/** Signed checkpoints of the evidence log: signed periodically and on demand, published outside PostgreSQL. */
import { Module } from '@nestjs/common';
import { CheckpointJob } from './checkpoint.job';
import { CheckpointRepository } from './checkpoint.repository';
import { CheckpointService } from './checkpoint.service';

@Module({
  providers: [CheckpointRepository, CheckpointService, CheckpointJob],
  exports: [CheckpointService],
})
export class CheckpointModule {}
