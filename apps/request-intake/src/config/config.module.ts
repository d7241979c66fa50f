/**
 * Provides the validated configuration and the policy file (the law as configuration:
 * deadlines, docs/architecture.md) to every module. Both are read once, when the app is created; an
 * invalid variable or policy file stops the service with what is wrong.
 */
import { Global, Module } from '@nestjs/common';
import { loadPolicy, Policy, resolvePolicyPath } from '@datarights/policy';
import { appConfig, RequestIntakeConfig } from './app.config';

@Global()
@Module({
  providers: [
    { provide: RequestIntakeConfig, useFactory: appConfig },
    {
      provide: Policy,
      useFactory: (config: RequestIntakeConfig) => loadPolicy(resolvePolicyPath(config.POLICY_FILE)),
      inject: [RequestIntakeConfig],
    },
  ],
  exports: [RequestIntakeConfig, Policy],
})
export class ConfigModule {}
