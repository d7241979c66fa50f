/** The personal-data index: owns `pdata_index`, fed by every system's data events. */
import { Module } from '@nestjs/common';
import { PdataIndexConsumer } from './pdata-index.consumer';
import { PdataIndexRepository } from './pdata-index.repository';
import { PdataIndexService } from './pdata-index.service';

@Module({
  controllers: [PdataIndexConsumer],
  providers: [PdataIndexRepository, PdataIndexService],
  exports: [PdataIndexRepository],
})
export class PdataIndexModule {}
