/** The executor's metrics (command round trip, pending commands, last reply per system), served at /metrics by service-kit. */
import { Module } from '@nestjs/common';
import { ExecutorMetrics } from './executor-metrics';
import { ExecutorMetricsRepository } from './executor-metrics.repository';

@Module({
  providers: [ExecutorMetricsRepository, ExecutorMetrics],
  exports: [ExecutorMetrics],
})
export class ExecutorMetricsModule {}
