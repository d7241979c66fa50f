/** identity: the subject-key graph and the resolution and verification of requests. */
import { Module } from '@nestjs/common';
import { ClockModule, ServiceKitModule } from '@datarights/service-kit';
import { MIGRATIONS } from './migrations';
import { IdentityRequestEntity } from './resolution/entities/identity-request.entity';
import { ResolutionModule } from './resolution/resolution.module';
import { RecordEntity } from './subject-graph/entities/record.entity';
import { SubjectAliasEntity } from './subject-graph/entities/subject-alias.entity';
import { SubjectKeyEntity } from './subject-graph/entities/subject-key.entity';
import { SubjectGraphModule } from './subject-graph/subject-graph.module';

export const SERVICE = 'identity';
export const SCHEMA = 'identity';

@Module({
  imports: [
    ServiceKitModule.forRoot({
      service: SERVICE,
      schema: SCHEMA,
      entities: [RecordEntity, SubjectKeyEntity, SubjectAliasEntity, IdentityRequestEntity],
      migrations: MIGRATIONS,
    }),
    ClockModule,
    SubjectGraphModule,
    ResolutionModule,
  ],
})
export class AppModule {}
