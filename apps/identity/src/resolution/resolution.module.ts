/** Resolution and verification of requests: owns identity's `requests`; consumes `dsr.requests.v1`, publishes on `dsr.identity.v1`. */
import { Module } from '@nestjs/common';
import { SubjectGraphModule } from '../subject-graph/subject-graph.module';
import { ResolutionConsumer } from './resolution.consumer';
import { ResolutionRepository } from './resolution.repository';
import { ResolutionService } from './resolution.service';

@Module({
  imports: [SubjectGraphModule],
  controllers: [ResolutionConsumer],
  providers: [ResolutionRepository, ResolutionService],
})
export class ResolutionModule {}
