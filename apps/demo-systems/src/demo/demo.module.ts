/** The demo's HTTP views (customers, what each system holds about one, status). */
import { Module } from '@nestjs/common';
import { SeedModule } from '../seed/seed.module';
import { SystemsModule } from '../systems/systems.module';
import { DemoController } from './demo.controller';
import { DemoRepository } from './demo.repository';
import { DemoService } from './demo.service';

@Module({
  imports: [SystemsModule, SeedModule],
  controllers: [DemoController],
  providers: [DemoRepository, DemoService],
})
export class DemoModule {}
