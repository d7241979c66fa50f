/** Builds the services and starts the whole stack once for the end-to-end suite. */
import { execFileSync } from 'node:child_process';
import globalInfraCheck from '../../libs/testing/src/global-setup';
import { ROOT, startStack, STATE_FILE } from './stack';

export default async function globalSetup(): Promise<void> {
  await globalInfraCheck();
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync('npx', ['tsc-alias', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  const state = await startStack();
  process.env.E2E_STATE = STATE_FILE;
  console.log(`\ne2e stack ${state.id} ready; logs in ${state.logDir}`);
}
