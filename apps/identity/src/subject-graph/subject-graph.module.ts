/** The subject-key graph: owns `records`, `subject_keys`, `subject_aliases`; consumes `pdata.events.<systemId>.v1`. */
import { Module } from '@nestjs/common';
import { SubjectGraphConsumer } from './subject-graph.consumer';
import { SubjectGraphRepository } from './subject-graph.repository';
import { SubjectGraphService } from './subject-graph.service';

@Module({
  controllers: [SubjectGraphConsumer],
  providers: [SubjectGraphRepository, SubjectGraphService],
  exports: [SubjectGraphService],
})
export class SubjectGraphModule {}
