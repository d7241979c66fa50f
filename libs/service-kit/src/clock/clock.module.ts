/** The controllable clock (clock.ts) and its internal route; global, so every module of a service reads the same now. */
import { Global, Module } from '@nestjs/common';
import { isProduction } from '../environment';
import { Clock } from './clock';
import { ClockController } from './clock.controller';

@Global()
@Module({
  // In production the route does not exist at all (the controller also answers 404 there,
  // in case NODE_ENV changes after import), and its guard is never built.
  controllers: isProduction() ? [] : [ClockController],
  providers: [Clock],
  exports: [Clock],
})
export class ClockModule {}
