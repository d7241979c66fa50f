// `test`: every check of the repository, in order, against real Kafka and PostgreSQL.
// Stops at the first failure, and always stops the infrastructure it started itself.
import { spawn } from 'node:child_process';

import { ensureChromium } from './browser.mjs';
import { InfraError, log, ROOT, seconds, which } from './common.mjs';
import { nothingStarted, stopStarted, up } from './infra.mjs';

const TAG = 'test';

/** In order. `infra`: the step talks to Kafka/PostgreSQL (others only get the env). */
export const STEPS = [
  // Through npm run lint: it computes the Nx project graph first, without which the
  // module-boundary rule is silently skipped.
  { id: 'lint', cmd: ['npm', 'run', '-s', 'lint'] },
  { id: 'typecheck', cmd: ['npx', 'tsc', '-p', 'tsconfig.json'] },
  { id: 'contracts', cmd: ['npm', 'run', 'contracts:check'] },
  { id: 'unit', cmd: ['npx', 'jest', '-c', 'jest.unit.config.js'] },
  { id: 'int', cmd: ['npx', 'jest', '-c', 'jest.int.config.js'], infra: true },
  // The e2e global setup starts the stack itself; it only needs the infra env.
  { id: 'e2e', cmd: ['npx', 'jest', '-c', 'jest.e2e.config.js'], infra: true },
  // The short fault-injection run (tools/chaos): every service SIGKILLed once, a broker roll,
  // PostgreSQL away, a stopped system and poison, then nothing lost and nothing twice.
  { id: 'chaos', cmd: ['npm', 'run', '-s', 'chaos', '--', '--short'], infra: true },
];

/** `--only unit,int` or `--only=unit,int`: a subset of STEPS, still in their order. */
export function selectSteps(args) {
  let only;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--only') only = args[++i];
    else if (a.startsWith('--only=')) only = a.slice('--only='.length);
    else
      throw new InfraError(`unknown argument for test: ${a}`, {
        hint: `usage: test [--only ${STEPS.map((s) => s.id).join(',')}]`,
      });
  }
  if (only === undefined) return STEPS;
  const ids = only
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = ids.filter((id) => !STEPS.some((s) => s.id === id));
  if (unknown.length || ids.length === 0) {
    throw new InfraError(`unknown test step(s): ${unknown.join(', ') || '(none given)'}`, {
      hint: `steps: ${STEPS.map((s) => s.id).join(', ')}`,
    });
  }
  return STEPS.filter((s) => ids.includes(s.id));
}

/**
 * A safety net, not a budget: a suite that never exits (a client left open keeps jest
 * alive after its last test) must fail the run rather than hang CI forever.
 */
const STEP_TIMEOUT_MS = Number(process.env.TEST_STEP_TIMEOUT_MINUTES ?? 30) * 60_000;

let current;

/**
 * Ctrl-C and SIGTERM go on to the running step; `onSignal` hears which one came (the caller
 * then stops what it started). Used by `npm test` and `npm run bench`.
 */
export function forwardSignals(onSignal) {
  const handler = (sig) => {
    onSignal(sig);
    signalStep(sig);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

/** Signals the running step's whole process group (npx → npm → sh → node). */
export function signalStep(sig) {
  if (!current?.pid) return;
  try {
    process.kill(-current.pid, sig);
  } catch {
    // already gone
  }
}

export function runStep(step, env) {
  return new Promise((resolve) => {
    const [cmd, ...args] = step.cmd;
    // Own process group, so a timeout can stop the whole tree; Ctrl-C is forwarded.
    current = spawn(cmd, args, { cwd: ROOT, env, stdio: 'inherit', detached: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      log(
        TAG,
        `${step.id} still running after ${STEP_TIMEOUT_MS / 60_000} min (TEST_STEP_TIMEOUT_MINUTES): stopping it`,
      );
      signalStep('SIGTERM');
      setTimeout(() => signalStep('SIGKILL'), 10_000).unref();
    }, STEP_TIMEOUT_MS);
    current.on('error', (err) => {
      clearTimeout(timer);
      resolve(`could not run ${cmd}: ${err.message}`);
    });
    current.on('exit', (code, sig) => {
      clearTimeout(timer);
      current = undefined;
      if (timedOut) resolve(`timed out after ${STEP_TIMEOUT_MS / 60_000} min`);
      else resolve(code === 0 ? undefined : (sig ?? `exit code ${code}`));
    });
  });
}

/**
 * The unit step renders deploy/ with the real kustomize (tools/deploy/deploy.test-kit.ts):
 * say so before anything starts rather than after lint and typecheck.
 */
export function checkKustomize(steps, env = process.env) {
  if (!steps.some((s) => s.id === 'unit')) return;
  if (env.KUSTOMIZE || which('kustomize') || which('kubectl')) return;
  throw new InfraError(
    'the unit tests render deploy/ with kustomize, and neither kubectl nor kustomize is on the PATH',
    {
      hint:
        'Install kubectl >= 1.27 (its `kubectl kustomize` embeds kustomize v5) or a kustomize >= 4.5 binary, ' +
        'or set KUSTOMIZE=<path to kustomize>; or run the other steps: npm test -- --only lint,typecheck,contracts,int,e2e',
    },
  );
}

/**
 * The e2e step builds the Java reference connector (examples/java-connector) with Maven
 * and runs it on a JDK (e2e/java-connector.e2e-spec.ts): say so before anything starts.
 */
export function checkMaven(steps, has = which) {
  if (!steps.some((s) => s.id === 'e2e')) return;
  const missing = ['mvn', 'java'].filter((tool) => !has(tool));
  if (missing.length === 0) return;
  throw new InfraError(
    `the end-to-end tests build and run the Java reference connector, and ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not on the PATH`,
    {
      hint:
        'Install Maven and a JDK 17 (Debian: apt-get install maven openjdk-17-jdk-headless); ' +
        'or run the other steps: npm test -- --only lint,typecheck,contracts,unit,int',
    },
  );
}

export async function runTests(args) {
  const steps = selectSteps(args);
  checkKustomize(steps);
  checkMaven(steps);
  const t0 = Date.now();
  const started = nothingStarted();
  const results = [];
  let interrupted;

  // Ctrl-C: pass it on to the running step, then stop the infrastructure we started.
  forwardSignals((sig) => (interrupted = sig));

  try {
    let env = { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' };
    // Lint/typecheck/unit alone need no infrastructure: `--only lint` stays fast.
    if (steps.some((s) => s.infra) || steps === STEPS) {
      try {
        const res = await up({ started });
        env = { ...env, ...res.env };
      } catch (err) {
        results.push({ id: 'infra up', failed: err.message, ms: Date.now() - t0 });
        throw err;
      }
    }
    // The e2e step drives the web apps in Debian's chromium: installed now if missing.
    if (steps.some((s) => s.id === 'e2e')) {
      try {
        env.CHROMIUM_PATH = await ensureChromium(env);
      } catch (err) {
        results.push({ id: 'browser', failed: err.message, ms: Date.now() - t0 });
        throw err;
      }
    }
    for (const step of steps) {
      if (interrupted) break;
      log(TAG, `── ${step.id}: ${step.cmd.join(' ')}`);
      const s0 = Date.now();
      const failed = await runStep(step, env);
      results.push({ id: step.id, failed, ms: Date.now() - s0 });
      log(TAG, `── ${step.id} ${failed ? `FAILED (${failed})` : 'passed'} in ${seconds(Date.now() - s0)}`);
      if (failed) break;
    }
  } catch (err) {
    if (!(err instanceof InfraError)) throw err;
    printSummary(steps, results, t0);
    throw err;
  } finally {
    const stopped = await stopStarted(started, { quiet: true });
    for (const line of stopped) log('down', line);
  }
  printSummary(steps, results, t0);
  if (interrupted) process.exitCode = 130;
  else if (results.some((r) => r.failed)) process.exitCode = 1;
}

function printSummary(steps, results, t0) {
  const passed = results.filter((r) => !r.failed).length;
  const failed = results.filter((r) => r.failed).length;
  const notRun = steps.filter((s) => !results.some((r) => r.id === s.id)).map((s) => s.id);
  process.stdout.write('\n');
  for (const r of results) log(TAG, `${r.failed ? 'FAIL' : 'pass'}  ${r.id.padEnd(10)} ${seconds(r.ms).padStart(7)}`);
  if (notRun.length) log(TAG, `not run: ${notRun.join(', ')}`);
  log(TAG, `${passed} passed, ${failed} failed (${seconds(Date.now() - t0)})`);
}
