/**
 * The whole stack for end-to-end tests: the seven services built and started as separate
 * processes, as `npm start` runs them, on their own ports (4000+) with their own topic
 * prefix, schemas and consumer groups, so a dev stack on the same broker is unaffected.
 * Their logs are kept, so tests can check that no personal data reached them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SYSTEM_IDS } from '../../apps/demo-systems/src/systems/system-catalog';

export const ROOT = resolve(__dirname, '../..');

/** Ports are E2E_PORT_BASE (default 4000) plus these offsets, apart from npm start's 3000s. */
const PORT_BASE = Number(process.env.E2E_PORT_BASE ?? 4000);
export const E2E_SERVICES = [
  { name: 'request-intake', port: PORT_BASE, schema: 'request_intake' },
  { name: 'identity', port: PORT_BASE + 1, schema: 'identity' },
  { name: 'data-locator', port: PORT_BASE + 2, schema: 'data_locator' },
  { name: 'erasure-executor', port: PORT_BASE + 3, schema: 'erasure_executor' },
  { name: 'audit', port: PORT_BASE + 4, schema: 'audit' },
  { name: 'mail-gateway', port: PORT_BASE + 5, schema: 'mail_gateway' },
  { name: 'demo-systems', port: PORT_BASE + 10, schema: 'demo_systems' },
] as const;
/** The browser apps: no schema, no Kafka; they call the services above over HTTP. */
export const E2E_WEB_APPS = [
  { name: 'dpo-console', port: PORT_BASE + 20 },
  { name: 'privacy-centre', port: PORT_BASE + 21 },
] as const;
const ALL = [...E2E_SERVICES, ...E2E_WEB_APPS];

/** The demo systems' SMTP sink, where the mail gateway delivers (E2E_SMTP_PORT, else PORT_BASE + 25). */
export const E2E_SMTP_PORT = Number(process.env.E2E_SMTP_PORT ?? PORT_BASE + 25);

export type ServiceName = (typeof ALL)[number]['name'];

export interface StackState {
  id: string;
  topicPrefix: string;
  token: string;
  operatorToken: string;
  hmacKey: string;
  logDir: string;
  pids: Record<string, number>;
  urls: Record<ServiceName, string>;
  schemas: Partial<Record<ServiceName, string>>;
  demoCustomers: number;
}

export const STATE_FILE = join(ROOT, '.run', 'e2e-state.json');

/** How each process of a stack was started, so one can be killed and started again (tools/chaos). */
const launches = new Map<string, { env: NodeJS.ProcessEnv; child: ChildProcess }>();

export function readState(): StackState {
  return JSON.parse(readFileSync(process.env.E2E_STATE ?? STATE_FILE, 'utf8')) as StackState;
}

/** The policy of the e2e run: the French defaults, with commands timing out in seconds so a silent system is escalated during the test. */
function writeE2ePolicy(dir: string): string {
  const base = readFileSync(join(ROOT, 'deploy/policy/default.fr.yaml'), 'utf8');
  const policy = base
    .replace(/respondWithin: \S+/, 'respondWithin: PT4S')
    .replace(/maxAttempts: \d+/, 'maxAttempts: 2')
    .replace(/retryBackoff: \S+/, 'retryBackoff: PT1S');
  const path = join(dir, 'policy.e2e.yaml');
  writeFileSync(path, policy);
  return path;
}

/** `name` starts the run's id (its topic prefix, schemas and log directory): `chaos` for tools/chaos. */
export async function startStack(extraEnv: Record<string, string> = {}, name = 'e2e'): Promise<StackState> {
  const id = `${name}${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const logDir = join(ROOT, '.run', 'e2e-logs', id);
  mkdirSync(logDir, { recursive: true });
  const state: StackState = {
    id,
    topicPrefix: `${id}.`,
    token: randomBytes(24).toString('base64url'),
    operatorToken: randomBytes(24).toString('base64url'),
    hmacKey: randomBytes(32).toString('base64url'),
    logDir,
    pids: {},
    urls: {} as StackState['urls'],
    schemas: {} as StackState['schemas'],
    demoCustomers: Number(process.env.E2E_DEMO_CUSTOMERS ?? 2000),
  };
  for (const s of ALL) {
    // A stack left running (or another run's) would answer instead of ours.
    if ((await status(`http://127.0.0.1:${s.port}/health/live`)) !== 0) {
      throw new Error(`port ${s.port} is already in use (another e2e stack?); stop it or set E2E_PORT_BASE`);
    }
  }
  const policyFile = writeE2ePolicy(logDir);
  const children: ChildProcess[] = [];
  for (const s of ALL) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(s.port),
      KAFKA_TOPIC_PREFIX: state.topicPrefix,
      KAFKA_GROUP_ID: `datarights.${s.name}.${id}`,
      ...('schema' in s ? { DATABASE_SCHEMA: `${s.schema}_${id}` } : {}),
      DPO_TOKEN: state.token,
      OPERATOR_TOKEN: state.operatorToken,
      AUDIT_HMAC_KEY: state.hmacKey,
      POLICY_FILE: policyFile,
      DEMO_CUSTOMERS: String(state.demoCustomers),
      SMTP_SINK_PORT: String(E2E_SMTP_PORT),
      SMTP_URL: `smtp://127.0.0.1:${E2E_SMTP_PORT}`,
      SMTP_STARTTLS: 'opportunistic',
      LOG_LEVEL: 'info',
      // The executor replaces a finished request's stored keys by keyed hashes on this
      // schedule (5 minutes by default): seconds, so that e2e/forget sees it happen.
      MINIMISATION_POLL_MS: '2000',
      // The web apps call the APIs of this stack; the privacy centre forwards subjects' addresses.
      REQUEST_INTAKE_URL: `http://127.0.0.1:${PORT_BASE}`,
      IDENTITY_URL: `http://127.0.0.1:${PORT_BASE + 1}`,
      DATA_LOCATOR_URL: `http://127.0.0.1:${PORT_BASE + 2}`,
      AUDIT_URL: `http://127.0.0.1:${PORT_BASE + 4}`,
      TRUST_PROXY: 'loopback',
      ...extraEnv,
    };
    const child = spawnService(logDir, s.name, env);
    launches.set(s.name, { env, child });
    children.push(child);
    state.pids[s.name] = child.pid!;
    state.urls[s.name] = `http://127.0.0.1:${s.port}`;
    if ('schema' in s) state.schemas[s.name] = `${s.schema}_${id}`;
  }
  writeFileSync(process.env.E2E_STATE ?? STATE_FILE, JSON.stringify(state, null, 2));
  try {
    const deadline = Date.now() + 180_000;
    for (const s of ALL) {
      for (;;) {
        const exited = ALL.find((_, i) => children[i].exitCode !== null);
        if (exited) throw new Error(`${exited.name} exited during start-up; see ${join(logDir, `${exited.name}.log`)}`);
        if ((await status(`${state.urls[s.name]}/health/ready`)) === 200) break;
        if (Date.now() > deadline)
          throw new Error(`${s.name} not ready after 180 s; see ${join(logDir, `${s.name}.log`)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    // The demo systems' registrations carry capabilities: they wait for the DPO, who approves them.
    await approveRegistrations(state, SYSTEM_IDS, 120_000);
  } catch (err) {
    // Leave nothing running: the next run would find the ports taken.
    await stopStack(state);
    throw err;
  }
  return state;
}

/**
 * As the DPO does in the console: waits until each system's registration is in data-locator's
 * register or waiting for the DPO, and approves a waiting one through the API. Resolves once
 * every system is in force with nothing left waiting.
 */
export async function approveRegistrations(
  state: Pick<StackState, 'urls' | 'token'>,
  systemIds: readonly string[],
  timeoutMs = 60_000,
): Promise<void> {
  const api = async (method: string, path: string) => {
    const res = await fetch(`${state.urls['data-locator']}${path}`, {
      method,
      headers: { authorization: `Bearer ${state.token}` },
    });
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as {
      items: { systemId: string }[];
      pending: { systemId: string; registrationId: string }[];
    };
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const register = await api('GET', '/v1/systems');
    const waiting = register.pending.filter((x) => systemIds.includes(x.systemId));
    for (const p of waiting) await api('POST', `/v1/systems/${p.systemId}/registrations/${p.registrationId}/approval`);
    const inForce = new Set(register.items.map((i) => i.systemId));
    if (waiting.length === 0 && systemIds.every((id) => inForce.has(id))) return;
    if (Date.now() > deadline)
      throw new Error(`registrations of ${systemIds.filter((id) => !inForce.has(id)).join(', ')} not in force`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function spawnService(logDir: string, name: string, env: NodeJS.ProcessEnv): ChildProcess {
  const out = openSync(join(logDir, `${name}.log`), 'a');
  return spawn(process.execPath, [join(ROOT, 'dist/apps', name, 'src/main.js')], {
    cwd: ROOT,
    stdio: ['ignore', out, out],
    env,
  });
}

/**
 * Kills one process of a stack this process started with SIGKILL (no shutdown hook runs:
 * a crash), starts it again with the same environment, and resolves once it is ready.
 */
export async function restartService(state: StackState, name: ServiceName, readyWithinMs = 180_000): Promise<void> {
  const launch = launches.get(name);
  if (!launch) throw new Error(`${name} was not started by this process`);
  if (launch.child.exitCode === null && launch.child.signalCode === null) {
    const exited = new Promise((r) => launch.child.once('exit', r));
    launch.child.kill('SIGKILL');
    await exited;
  }
  const child = spawnService(state.logDir, name, launch.env);
  launch.child = child;
  state.pids[name] = child.pid!;
  writeFileSync(process.env.E2E_STATE ?? STATE_FILE, JSON.stringify(state, null, 2));
  const deadline = Date.now() + readyWithinMs;
  while ((await status(`${state.urls[name]}/health/ready`)) !== 200) {
    if (child.exitCode !== null) throw new Error(`${name} exited after its restart; see ${state.logDir}`);
    if (Date.now() > deadline) throw new Error(`${name} not ready ${readyWithinMs / 1000} s after its restart`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function stopStack(state: StackState): Promise<void> {
  for (const pid of Object.values(state.pids)) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  const deadline = Date.now() + 20_000;
  for (const pid of Object.values(state.pids)) {
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function status(url: string): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.status;
  } catch {
    return 0;
  }
}
