/**
 * Owns the validated configuration and the policy (the law as configuration), for every
 * module: both read once at start-up, the policy from POLICY_FILE (default
 * deploy/policy/default.fr.yaml). An invalid variable or file stops the service with the
 * file's path and each error's place and reason.
 */
import { Global, Logger, Module } from '@nestjs/common';
import { loadPolicy, resolvePolicyPath, type Policy } from '@datarights/policy';
import { appConfig, ErasureExecutorConfig } from '../config/app.config';

export const POLICY = Symbol('POLICY');

export function loadServicePolicy(file = appConfig().POLICY_FILE): Policy {
  const path = resolvePolicyPath(file);
  const policy = loadPolicy(path);
  new Logger('PolicyModule').log(`policy ${policy.profile} (version ${policy.version}) loaded from ${path}`);
  return policy;
}

@Global()
@Module({
  providers: [
    { provide: ErasureExecutorConfig, useFactory: appConfig },
    {
      provide: POLICY,
      useFactory: (config: ErasureExecutorConfig) => loadServicePolicy(config.POLICY_FILE),
      inject: [ErasureExecutorConfig],
    },
  ],
  exports: [ErasureExecutorConfig, POLICY],
})
export class PolicyModule {}
