/** Minimisation: closed requests past their proof period lose their identifiers (keyed hashes instead). */
import { Module } from '@nestjs/common';
import { RequestsModule } from '../requests/requests.module';
import { Minimiser } from './minimiser';

@Module({
  imports: [RequestsModule],
  providers: [Minimiser],
  exports: [Minimiser],
})
export class MinimisationModule {}
