/** Deadlines: the periodic check that publishes due-soon and overdue events (the gauges are in metrics/). */
import { Module } from '@nestjs/common';
import { RequestsModule } from '../requests/requests.module';
import { DeadlineCheck } from './deadline-check';

@Module({
  imports: [RequestsModule],
  providers: [DeadlineCheck],
  exports: [DeadlineCheck],
})
export class DeadlinesModule {}
