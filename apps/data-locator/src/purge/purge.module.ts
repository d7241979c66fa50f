/** The purge of records past their periods, outside any request (owns `purge_commands`; purge.loop.ts). */
import { Module } from '@nestjs/common';
import { loadPolicy, resolvePolicyPath } from '@datarights/policy';
import { appConfig, DataLocatorConfig } from '../config/app.config';
import { PurgeLoop } from './purge.loop';
import { PurgeRepository } from './purge.repository';
import { PURGE_POLICY } from './purge.tokens';

@Module({
  providers: [
    { provide: DataLocatorConfig, useFactory: appConfig },
    {
      provide: PURGE_POLICY,
      useFactory: (c: DataLocatorConfig) => loadPolicy(resolvePolicyPath(c.POLICY_FILE)),
      inject: [DataLocatorConfig],
    },
    PurgeRepository,
    PurgeLoop,
  ],
  exports: [PurgeLoop, PurgeRepository, PURGE_POLICY],
})
export class PurgeModule {}
