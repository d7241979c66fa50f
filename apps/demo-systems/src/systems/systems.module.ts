/** The four demo company systems: their catalog, their connectors and what they do with commands. */
import { Module } from '@nestjs/common';
import { CommandHandlers } from './command-handlers.service';
import { ConnectorsService } from './connectors.service';
import { SystemsRepository } from './systems.repository';

@Module({
  providers: [SystemsRepository, CommandHandlers, ConnectorsService],
  exports: [SystemsRepository, ConnectorsService],
})
export class SystemsModule {}
