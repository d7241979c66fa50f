/** Request gauges (dsr_requests, dsr_requests_overdue, dsr_requests_due_soon), served at /metrics by service-kit. */
import { Module } from '@nestjs/common';
import { RequestsModule } from '../requests/requests.module';
import { RequestMetrics } from './request-metrics';

@Module({
  imports: [RequestsModule],
  providers: [RequestMetrics],
  exports: [RequestMetrics],
})
export class MetricsModule {}
