/** The controllable clock (clock.ts) and its internal route; global, so every module of a service reads the same now. */
import { Global, Module } from '@nestjs/common';
import { Clock } from './clock';
import { ClockController } from './clock.controller';

@Global()
@Module({
  providers: [Clock],
  exports: [Clock],
})
export class ClockModule {}

/**
 * The clock's route, added by bootstrap (`createServiceApp`) to a service that imports
 * `ClockModule`, outside production only: in production the route does not exist at all,
 * and its guard is never built. Decided at boot from the runtime config, not at import.
 */
@Module({
  imports: [ClockModule],
  controllers: [ClockController],
})
export class ClockRouteModule {}
