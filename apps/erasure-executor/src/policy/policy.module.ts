/**
 * Owns the policy (the law as configuration): loaded and validated once at start-up from
 * POLICY_FILE (default deploy/policy/default.fr.yaml). An invalid file stops the service
 * with the file's path and each error's place and reason.
 */
import { Global, Logger, Module } from '@nestjs/common';
import { loadPolicy, resolvePolicyPath, type Policy } from '@datarights/policy';
import { appConfig } from '../config/app.config';

export const POLICY = Symbol('POLICY');

export function loadServicePolicy(file = appConfig().POLICY_FILE): Policy {
  const path = resolvePolicyPath(file);
  const policy = loadPolicy(path);
  new Logger('PolicyModule').log(`policy ${policy.profile} (version ${policy.version}) loaded from ${path}`);
  return policy;
}

@Global()
@Module({
  providers: [{ provide: POLICY, useFactory: () => loadServicePolicy() }],
  exports: [POLICY],
})
export class PolicyModule {}
