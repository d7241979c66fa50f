// `start` and `stop`: the whole dev stack (infra + the seven services) on one machine.
// `start` stays in the foreground as the supervisor; `stop` (another terminal) asks it to
// shut down, or cleans up after it if it is gone.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import {
  commandOf,
  devSecret,
  ensureDir,
  InfraError,
  isAlive,
  log,
  PATHS,
  phase,
  portAnswers,
  readEnvFile,
  readJson,
  rel,
  removeFile,
  ROOT,
  run,
  seconds,
  sleep,
  tail,
  terminate,
  waitForExit,
  writeJson,
} from './common.mjs';
import { nothingStarted, stopStarted, up } from './infra.mjs';
import { approveDemoSystems, DEMO_SYSTEM_IDS } from './approve-demo.mjs';
import { SERVICES } from './services.mjs';

const TAG = 'start';
const READY_DEADLINE_MS = 120_000;
/** Services drain consumers and flush the outbox on SIGTERM: give them time to. */
const SERVICE_GRACE_MS = 15_000;
/** Enough for the supervisor to stop the services, then Kafka's controlled shutdown. */
const SUPERVISOR_GRACE_MS = SERVICE_GRACE_MS + 45_000;

export const mainOf = (name) => path.join(ROOT, 'dist', 'apps', name, 'src', 'main.js');
const logOf = (name) => path.join(PATHS.serviceLogs, `${name}.log`);
const readyUrl = (port) => `http://127.0.0.1:${port}/health/ready`;

/** GET a URL; resolves to the status code, or 0 when nothing answers. */
export function httpStatus(url, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

async function build() {
  try {
    await run('npx', ['tsc', '-p', 'tsconfig.build.json']);
    await run('npx', ['tsc-alias', '-p', 'tsconfig.build.json']);
  } catch (err) {
    throw new InfraError('building the services failed (tsc -p tsconfig.build.json)', { details: err.details });
  }
  const missing = SERVICES.filter((s) => !fs.existsSync(mainOf(s.name))).map((s) => rel(mainOf(s.name)));
  if (missing.length) throw new InfraError(`the build produced no entry point for: ${missing.join(', ')}`);
  return `dist/apps/<app>/src/main.js for ${SERVICES.length} services and web apps`;
}

/**
 * A port that already answers would make the readiness check pass against someone
 * else's process (typically a stack left from an earlier `npm start`): refuse early.
 */
async function checkPortsFree() {
  const busy = [];
  for (const s of SERVICES) if (await portAnswers('127.0.0.1', s.port, 500)) busy.push(`${s.port} (${s.name})`);
  if (busy.length) {
    throw new InfraError(`port(s) already in use: ${busy.join(', ')}`, {
      hint: 'Another stack is probably running: stop it with `npm stop`, or free the ports.',
    });
  }
}

function serviceEnv(infraEnv, service, secrets) {
  return {
    ...process.env,
    ...infraEnv,
    PORT: String(service.port),
    NODE_ENV: 'development',
    DPO_TOKEN: secrets.dpoToken,
    AUDIT_HMAC_KEY: secrets.auditHmacKey,
    SUBJECT_HASH_KEY: secrets.subjectHashKey,
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    // The privacy centre forwards each subject's address (X-Forwarded-For) from 127.0.0.1,
    // so the per-address limits of the self-service routes apply per subject.
    TRUST_PROXY: 'loopback',
  };
}

function spawnService(service, env) {
  ensureDir(PATHS.serviceLogs);
  const file = logOf(service.name);
  if (fs.existsSync(file)) fs.renameSync(file, `${file}.1`);
  const out = fs.openSync(file, 'a');
  // Detached: its own process group, so Ctrl-C reaches only the supervisor, which then
  // stops the services in order (services first, infra last).
  const child = spawn(process.execPath, ['--enable-source-maps', mainOf(service.name)], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const proc = { ...service, pid: child.pid, child, exit: undefined, log: file };
  child.on('exit', (code, sig) => (proc.exit = sig ?? `exit code ${code}`));
  child.on('error', (err) => (proc.exit = err.message));
  return proc;
}

async function waitAllReady(procs, deadlineMs) {
  const deadline = Date.now() + deadlineMs;
  const pending = new Set(procs);
  while (pending.size) {
    for (const p of [...pending]) {
      if (p.exit) throw Object.assign(new InfraError(`${p.name} exited during start-up (${p.exit})`), { service: p });
      if ((await httpStatus(readyUrl(p.port))) === 200) pending.delete(p);
    }
    if (!pending.size) break;
    if (Date.now() > deadline) {
      const first = [...pending][0];
      throw Object.assign(
        new InfraError(
          `not ready after ${deadlineMs / 1000} s: ${[...pending].map((p) => `${p.name} (${readyUrl(p.port)})`).join(', ')}`,
        ),
        { service: first },
      );
    }
    await sleep(500);
  }
}

const STOP_WORDS = {
  'not-running': 'had already exited',
  stopped: 'stopped',
  killed: `killed after ${SERVICE_GRACE_MS / 1000} s`,
};

async function stopServices(procs) {
  return Promise.all(
    procs.map(
      async (p) => `${p.name}: ${STOP_WORDS[await terminate(p.pid, { graceMs: SERVICE_GRACE_MS, group: true })]}`,
    ),
  );
}

/**
 * `start`: up, build, spawn the seven services, wait for /health/ready, then supervise in
 * the foreground until Ctrl-C / SIGTERM (or `npm stop`).
 */
export async function start() {
  const t0 = Date.now();
  // Before anything starts: a second `start` must not touch the first one's stack.
  await checkPortsFree();
  const started = nothingStarted();
  const procs = [];
  let infraUp = false;
  let stateWritten = false;
  let stopping;

  const shutdown = async (reason) => {
    if (stopping) return stopping;
    stopping = (async () => {
      log(TAG, `stopping (${reason})...`);
      const t1 = Date.now();
      for (const line of await stopServices(procs)) log('stop', line);
      if (stateWritten) removeFile(PATHS.servicesState);
      for (const line of await stopStarted(started, { quiet: true })) log('stop', line);
      if (infraUp && !started.kafkaPid && started.containers.length === 0) {
        log('stop', 'infrastructure left running (this start did not start it; `npm run infra:down` stops it)');
      }
      log('stop', `stopped in ${seconds(Date.now() - t1)}`);
    })();
    return stopping;
  };
  let signals = 0;
  const onSignal = (sig) => {
    signals += 1;
    if (signals > 1) {
      // A second Ctrl-C: the user does not want to wait for clean shutdowns.
      log(TAG, 'second signal: killing the services now');
      for (const p of procs) {
        try {
          process.kill(-p.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      process.exit(130);
    }
    void shutdown(sig).then(() => process.exit(sig === 'SIGINT' ? 130 : 0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    await up({ started });
    infraUp = true;
    // The services read the infra from .run/infra.env, exactly as written by up.
    const fileEnv = readEnvFile(PATHS.infraEnv);
    await phase(TAG, 'build', build);
    const secrets = {
      dpoToken: devSecret('DPO_TOKEN', 'dev-token'),
      auditHmacKey: devSecret('AUDIT_HMAC_KEY', 'audit-hmac-key'),
      subjectHashKey: devSecret('SUBJECT_HASH_KEY', 'subject-hash-key'),
    };
    await phase(TAG, 'services', async () => {
      for (const s of SERVICES) procs.push(spawnService(s, serviceEnv(fileEnv, s, secrets)));
      writeJson(PATHS.servicesState, {
        supervisorPid: process.pid,
        startedAt: new Date().toISOString(),
        infraStarted: started,
        services: procs.map(({ name, port, pid, log: file }) => ({ name, port, pid, log: rel(file) })),
      });
      stateWritten = true;
      await waitAllReady(procs, READY_DEADLINE_MS);
      return `${procs.length} services ready (logs in ${rel(PATHS.serviceLogs)}/)`;
    });
    await phase(TAG, 'demo systems', async () => {
      const n = await approveDemoSystems(secrets.dpoToken, READY_DEADLINE_MS);
      return `${DEMO_SYSTEM_IDS.length} in the register (${n} registration(s) approved as the DPO)`;
    });
    printReady(Date.now() - t0, secrets.dpoToken);
  } catch (err) {
    if (stopping) return new Promise(() => {}); // a signal arrived: its handler exits
    const svc = err.service;
    if (svc) err.details = `--- last 60 lines of ${rel(svc.log)} ---\n${tail(svc.log, 60)}`;
    await shutdown('start-up failed');
    throw err;
  }

  // Supervise: a service dying after start-up is reported, the others keep running.
  for (const p of procs) {
    p.child.on('exit', () => {
      if (stopping) return;
      log(TAG, `${p.name} exited (${p.exit}); last lines of ${rel(p.log)}:\n${tail(p.log, 20)}`);
    });
  }
  return new Promise(() => {}); // until a signal
}

function printReady(ms, dpoToken) {
  const lines = [
    '',
    `datarights is up in ${seconds(ms)}`,
    '',
    ...SERVICES.filter((s) => s.web).map((s) => `  ${s.web.padEnd(16)} http://127.0.0.1:${s.port}/`),
    '  API              http://127.0.0.1:3000/v1',
    '  OpenAPI          http://127.0.0.1:3000/docs',
    '  mail sink        http://127.0.0.1:3010/mail',
    '  health',
    ...SERVICES.map((s) => `    ${s.name.padEnd(17)} ${readyUrl(s.port)}`),
    '',
    `  DPO dev token    ${dpoToken}`,
    `                   (the services' DPO_TOKEN; kept in ${rel(path.join(PATHS.run, 'dev-token'))} unless DPO_TOKEN is set)`,
    `  logs             ${rel(PATHS.serviceLogs)}/<service>.log, ${rel(PATHS.kafkaBrokerOut)}`,
    '',
    '  stop with Ctrl-C here, or `npm stop` from another terminal',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * `stop`: asks the `start` supervisor to shut everything down in order; if it is gone
 * (killed), stops the recorded services and the infra that start brought up itself.
 */
export async function stop() {
  const state = readJson(PATHS.servicesState);
  if (!state) {
    log(
      'stop',
      `no stack recorded in ${rel(PATHS.servicesState)}: nothing to stop (infra from \`npm run infra:up\` stops with \`npm run infra:down\`)`,
    );
    return;
  }
  const sup = state.supervisorPid;
  if (isAlive(sup) && commandOf(sup).includes('cli.mjs')) {
    log('stop', `asking the supervisor (pid ${sup}) to stop the stack...`);
    process.kill(sup, 'SIGTERM');
    if (await waitForExit(sup, SUPERVISOR_GRACE_MS)) {
      log('stop', 'stopped');
      return;
    }
    log('stop', 'the supervisor did not finish in time: stopping the services directly');
    process.kill(sup, 'SIGKILL');
  }
  // Only pids that still run one of our services' main.js are signalled.
  const procs = state.services.filter((s) => isAlive(s.pid) && commandOf(s.pid).includes(mainOf(s.name)));
  for (const line of await stopServices(procs)) log('stop', line);
  for (const line of await stopStarted(state.infraStarted ?? { containers: [] }, { quiet: true })) log('stop', line);
  removeFile(PATHS.servicesState);
  log('stop', 'stopped');
}

/** Lines for `status`: each service, its pid and readiness. */
export async function servicesStatus() {
  const state = readJson(PATHS.servicesState);
  const lines = [];
  if (state) {
    const sup = state.supervisorPid;
    lines.push(
      `stack      started ${state.startedAt}, supervisor pid ${sup} ${isAlive(sup) ? 'running' : 'GONE (run `npm stop` to clean up)'}`,
    );
  }
  for (const s of SERVICES) {
    const rec = state?.services.find((r) => r.name === s.name);
    const code = await httpStatus(readyUrl(s.port), 1000);
    const pid = rec && isAlive(rec.pid) ? `pid ${rec.pid}` : 'no process';
    lines.push(
      `${s.name.padEnd(17)} ${code === 200 ? 'ready   ' : code ? `HTTP ${code}` : 'down    '} ${readyUrl(s.port)} (${pid})`,
    );
  }
  return lines;
}
