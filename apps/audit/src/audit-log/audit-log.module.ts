/** The evidence log's write side: owns `audit_entries`; consumes every topic but `pdata.events.<systemId>.v1`, and every command topic. */
import { Module } from '@nestjs/common';
import { AuditLogConsumer } from './audit-log.consumer';
import { AuditLogRepository } from './audit-log.repository';
import { AuditLogService } from './audit-log.service';

@Module({
  controllers: [AuditLogConsumer],
  providers: [AuditLogRepository, AuditLogService],
})
export class AuditLogModule {}
