/** The four demo company systems: their catalog, their connectors and what they do with commands. */
import { Module } from '@nestjs/common';
import { READINESS_CHECK } from '@datarights/service-kit';
import { CommandHandlers } from './command-handlers.service';
import { ConnectorsReadiness } from './connectors.readiness';
import { ConnectorsService } from './connectors.service';
import { SystemsRepository } from './systems.repository';

@Module({
  providers: [
    SystemsRepository,
    CommandHandlers,
    ConnectorsService,
    // /health/ready (service-kit) reports not ready while a connector does not consume.
    { provide: READINESS_CHECK, useClass: ConnectorsReadiness },
  ],
  exports: [SystemsRepository, ConnectorsService],
})
export class SystemsModule {}
