/** The subject-key graph: owns `records`, `subject_keys`, `shared_keys`, `subject_aliases`; consumes `pdata.events.<systemId>.v1`. */
import { Module } from '@nestjs/common';
import { loadPolicy, Policy, resolvePolicyPath } from '@datarights/policy';
import { appConfig, IdentityConfig } from '../config/app.config';
import { SubjectGraphConsumer } from './subject-graph.consumer';
import { SubjectGraphRepository } from './subject-graph.repository';
import { SubjectGraphService } from './subject-graph.service';

@Module({
  controllers: [SubjectGraphConsumer],
  providers: [
    { provide: IdentityConfig, useFactory: appConfig },
    {
      provide: Policy,
      useFactory: (config: IdentityConfig) => loadPolicy(resolvePolicyPath(config.POLICY_FILE)),
      inject: [IdentityConfig],
    },
    SubjectGraphRepository,
    SubjectGraphService,
  ],
  exports: [SubjectGraphService, IdentityConfig, Policy],
})
export class SubjectGraphModule {}
