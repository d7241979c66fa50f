/**
 * audit: the evidence log (docs/architecture.md). Consumes every event, command and reply and appends
 * it, minimised, to a hash-chained, append-only log; serves a request's evidence and the
 * chain's verification to the DPO and auditors.
 */
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard, ServiceKitModule } from '@datarights/service-kit';
import { AuditLogModule } from './audit-log/audit-log.module';
import { AuditEntryEntity } from './audit-log/entities/audit-entry.entity';

import { ConfigModule } from './config/config.module';
import { EvidenceModule } from './evidence/evidence.module';
import { MIGRATIONS } from './migrations';

export const SERVICE = 'audit';
export const SCHEMA = 'audit';
/** The evidence log: the runtime role may only read and append to it (Art. 5(2)). */
export const APPEND_ONLY_TABLES = ['audit_entries', 'audit_checkpoints'] as const;

@Module({
  imports: [
    ServiceKitModule.forRoot({
      service: SERVICE,
      schema: SCHEMA,
      entities: [AuditEntryEntity],
      migrations: MIGRATIONS,
    }),
    ConfigModule,
    AuditLogModule,
    EvidenceModule,
  ],
  providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
})
export class AppModule {}
