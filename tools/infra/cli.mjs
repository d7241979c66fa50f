#!/usr/bin/env node
// Entry point of the local infrastructure and dev-stack scripts:
//   node tools/infra/cli.mjs <up|down|start|stop|test|status>
// (npm start / npm stop / npm test / npm run infra:up / npm run infra:down map here).
// See tools/infra/README.md.
import { InfraError, ROOT } from './common.mjs';
import { ensureDependencies } from './deps.mjs';

const USAGE = `usage: node tools/infra/cli.mjs <command>

  up       Kafka (KRaft, with the contract topics) and PostgreSQL (with the datarights
           database); writes .run/infra.env. KAFKA_BROKERS / DATABASE_URL, when set,
           are used as they are.
  down     stop what \`up\` started (never a machine's own PostgreSQL)
  start    up, build, run the seven services in the foreground until Ctrl-C
  stop     stop a stack started by \`start\` (from another terminal)
  test     up, then lint, typecheck, contracts, unit, int, e2e, chaos; then down
           [--only lint,typecheck,contracts,unit,int,e2e,chaos]
  status   what runs, and where`;

const COMMANDS = {
  up: async () => {
    await (await import('./infra.mjs')).up();
  },
  down: async () => {
    await (await import('./infra.mjs')).down();
  },
  start: async () => {
    await (await import('./stack.mjs')).start();
  },
  stop: async () => {
    await (await import('./stack.mjs')).stop();
  },
  test: async (args) => {
    await (await import('./run-tests.mjs')).runTests(args);
  },
  status: async () => {
    const [{ infraStatus }, { servicesStatus }] = await Promise.all([import('./infra.mjs'), import('./stack.mjs')]);
    const lines = [...(await infraStatus()), ...(await servicesStatus())];
    process.stdout.write(`${lines.join('\n')}\n`);
  },
};

function printError(err) {
  if (err instanceof InfraError) {
    process.stderr.write(`\nerror: ${err.message}\n`);
    if (err.details) process.stderr.write(`${err.details}\n`);
    if (err.hint) process.stderr.write(`hint: ${err.hint}\n`);
  } else {
    process.stderr.write(`\nunexpected error: ${err?.stack ?? err}\n`);
  }
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  const handler = COMMANDS[command];
  if (!handler) {
    process.stderr.write(`unknown command: ${command}\n\n${USAGE}\n`);
    return 2;
  }
  if (command !== 'test' && args.length) {
    process.stderr.write(`${command} takes no arguments (got: ${args.join(' ')})\n`);
    return 2;
  }
  if (command !== 'stop' && command !== 'status' && command !== 'down') ensureDependencies(ROOT);
  await handler(args);
  return process.exitCode ?? 0;
}

main().then(
  // Exit explicitly: idle sockets of clients (kafkajs, pg) must not keep the CLI alive.
  (code) => process.exit(code),
  (err) => {
    printError(err);
    process.exit(1);
  },
);
