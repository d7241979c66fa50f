/** privacy-centre: the subjects' web pages over the self-service API. */
import 'reflect-metadata';
import { loadPolicy, resolvePolicyPath } from '@datarights/policy';
import { listen, setLogLevel } from '@datarights/web-kit';
import { createPrivacyCentre } from './app';
import { privacyCentreConfig } from './config';

async function main(): Promise<void> {
  const config = privacyCentreConfig(process.env);
  setLogLevel(config.LOG_LEVEL);
  const policy = loadPolicy(resolvePolicyPath(config.POLICY_FILE));
  const app = createPrivacyCentre({
    requestIntakeUrl: config.REQUEST_INTAKE_URL,
    identityUrl: config.IDENTITY_URL,
    policy,
    trustProxy: config.TRUST_PROXY,
  });
  await listen(app, config.PORT, 'privacy-centre');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
