/** Stops the stack and removes its schemas and topics (logs are kept under .run/e2e-logs). */
import { deleteTopicsWithPrefix, dropSchema } from '../../libs/testing/src/infra';
import { E2E_SERVICES, readState, stopStack } from './stack';

export default async function globalTeardown(): Promise<void> {
  const state = readState();
  await stopStack(state);
  if (process.env.E2E_KEEP === '1') return;
  for (const s of E2E_SERVICES) await dropSchema(state.schemas[s.name]!);
  await deleteTopicsWithPrefix(state.topicPrefix);
}
