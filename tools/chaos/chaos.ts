/**
 * `npm run chaos [-- --short] [--seed N] [--keep] [--no-build]`: the fault-injection run
 * (README, "Chaos run"). This entry only fixes where the run's stack lives — its own
 * ports (CHAOS_PORT_BASE, default 5000, away from e2e's 4000), its own state file — before
 * e2e/support/stack.ts reads them, then hands over to run.ts.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
// The infrastructure of `npm run infra:up` (.run/infra.env), unless given.
if (!process.env.KAFKA_BROKERS || !process.env.DATABASE_URL) {
  try {
    for (const line of readFileSync(join(root, '.run', 'infra.env'), 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
      if (m) process.env[m[1]] ??= m[2];
    }
  } catch {
    process.stderr.write('no KAFKA_BROKERS/DATABASE_URL and no .run/infra.env: run `npm run infra:up` first\n');
    process.exit(2);
  }
}
// The broker rolled is this checkout's own (tools/chaos/broker.mjs): the one `up` started on KAFKA_BROKERS.
const local = /^127\.0\.0\.1:(\d+)$/.exec(process.env.KAFKA_BROKERS ?? '');
if (local) process.env.KAFKA_LOCAL_PORT ??= local[1];
process.env.E2E_PORT_BASE = process.env.CHAOS_PORT_BASE ?? '5000';
delete process.env.E2E_SMTP_PORT;
process.env.E2E_STATE = join(root, '.run', 'chaos-state.json');

import('./run')
  .then((m) => m.main(process.argv.slice(2)))
  .then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(`\nchaos run failed: ${err.stack ?? err.message}\n`);
      process.exit(1);
    },
  );
