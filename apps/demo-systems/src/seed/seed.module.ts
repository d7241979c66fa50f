/** Seeding the demo systems with fake customers, announcing them, and the start/stop order. */
import { Module } from '@nestjs/common';
import { SystemsModule } from '../systems/systems.module';
import { DemoLifecycle } from './demo-lifecycle';
import { SeedRepository } from './seed.repository';
import { SeedService } from './seed.service';

@Module({
  imports: [SystemsModule],
  providers: [SeedRepository, SeedService, DemoLifecycle],
  exports: [SeedService, SeedRepository],
})
export class SeedModule {}
