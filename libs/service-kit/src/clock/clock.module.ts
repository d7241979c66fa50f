/** The controllable clock (clock.ts) and its internal route; global, so every module of a service reads the same now. */
import { Global, Module } from '@nestjs/common';
import { Clock } from './clock';
import { ClockController } from './clock.controller';

@Global()
@Module({
  // In production the route does not exist at all (the controller also answers 404 there,
  // in case NODE_ENV changes after import), and its guard is never built.
  controllers: process.env.NODE_ENV === 'production' ? [] : [ClockController],
  providers: [Clock],
  exports: [Clock],
})
export class ClockModule {}
