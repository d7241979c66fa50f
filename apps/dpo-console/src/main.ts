/** dpo-console: the DPO's web console over the public HTTP APIs. */
import 'reflect-metadata';
import { loadPolicy, resolvePolicyPath } from '@datarights/policy';
import { listen, setLogLevel } from '@datarights/web-kit';
import { createConsole } from './app';
import { consoleConfig } from './config';

async function main(): Promise<void> {
  const config = consoleConfig(process.env);
  setLogLevel(config.LOG_LEVEL);
  const policy = loadPolicy(resolvePolicyPath(config.POLICY_FILE));
  await listen(createConsole(config, policy), config.PORT, 'dpo-console');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
