/** Talking to the stack through its public surfaces only: HTTP APIs and the Kafka contract. */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../libs/testing/src/infra';
import { approveRegistrations, readState, type ServiceName, type StackState } from './stack';

export const state: StackState = readState();

export interface HttpResult<T = any> {
  status: number;
  body: T;
}

export async function http<T = any>(
  service: ServiceName,
  method: string,
  path: string,
  opts: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<HttpResult<T>> {
  const token = opts.token === undefined ? state.token : opts.token;
  const res = await fetch(`${state.urls[service]}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...opts.headers,
    },
    body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: body as T };
}

export async function getRequest(id: string): Promise<any> {
  const res = await http('request-intake', 'GET', `/v1/requests/${id}`);
  if (res.status !== 200) throw new Error(`GET request ${id}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export function waitForStatus(id: string, statuses: string[], timeoutMs = 60_000): Promise<any> {
  return waitFor(
    async () => {
      const r = await getRequest(id);
      return statuses.includes(r.status) ? r : undefined;
    },
    `request ${id} to reach ${statuses.join(' or ')}`,
    timeoutMs,
    250,
  );
}

/** Everything the services logged during the run. */
export function allLogs(): string {
  return readdirSync(state.logDir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => readFileSync(join(state.logDir, f), 'utf8'))
    .join('\n');
}

/** Waits until the demo systems have seeded and published their data events. */
export function demoReady(timeoutMs = 240_000): Promise<unknown> {
  return waitFor(
    async () => {
      const res = await http('demo-systems', 'GET', '/demo/status', { token: null });
      return res.status === 200 && res.body?.seedStatus === 'ready' ? res.body : undefined;
    },
    'the demo systems to seed and publish',
    timeoutMs,
    1000,
  );
}

/**
 * The page of 50 demo customers (offset) each test works on. Every e2e file shares one
 * stack and they run in any order: two tests that picked the same customer would see each
 * other's effects (a system one added, a record the other erased), so no page is shared.
 */
export const CUSTOMER_PAGE = {
  erasureFourSystems: 0,
  erasureSilentSystem: 50,
  access: 100,
  recipients: 250,
  mail: 300,
  web: 400,
  webPrivacyCentre: 450,
  hostileSystem: 500,
  identity: 600,
  lawHold: 700,
  metrics: 800,
  rightsRestriction: 900,
  rightsObjection: 950,
  rightsMarketing: 1000,
  forget: 1050,
  javaConnector: 1100,
  strongLinks: 1200,
} as const;
if (new Set(Object.values(CUSTOMER_PAGE)).size !== Object.keys(CUSTOMER_PAGE).length)
  throw new Error('two e2e tests share a page of demo customers');

/** A customer of the demo systems, as `GET /demo/customers` lists them. */
export interface DemoCustomer {
  customerId: string;
  email: string;
  phone: string;
  name: string;
  systems: string[];
}

/** The customers of one page of the demo directory held in every one of these systems. */
export async function demoCustomersIn(systems: readonly string[], offset: number): Promise<DemoCustomer[]> {
  const res = await http<{ customers: DemoCustomer[] }>(
    'demo-systems',
    'GET',
    `/demo/customers?limit=50&offset=${offset}`,
    { token: null },
  );
  if (res.status !== 200) throw new Error(`GET /demo/customers: ${res.status}`);
  return res.body.customers.filter((x) => systems.every((s) => x.systems.includes(s)));
}

export async function demoCustomerIn(systems: readonly string[], offset: number): Promise<DemoCustomer> {
  const [c] = await demoCustomersIn(systems, offset);
  if (!c) throw new Error(`no demo customer in ${systems.join(', ')} in the page at ${offset}`);
  return c;
}

/**
 * Waits until data-locator's register shows a system and this many of its records: a new
 * system's topics are picked up within seconds, and a plan is built on the index as it
 * stands, so a test files once the system's data is indexed (as a DPO would see it in the
 * register).
 */
export async function systemIndexed(systemId: string, records: number): Promise<void> {
  // A registration with capabilities waits for the DPO: approved here as the DPO would.
  await approveRegistrations(state, [systemId]);
  await waitFor(
    async () => (await http('data-locator', 'GET', `/v1/systems/${systemId}`)).body?.records === records,
    `${systemId} and its ${records} record(s) in the register`,
    60_000,
  );
}

/** Files a request as the DPO (received by e-mail unless the body says otherwise) and attests the subject's identity. */
export async function fileAndVerify(body: Record<string, unknown>): Promise<string> {
  const created = await http('request-intake', 'POST', '/v1/requests', {
    body: { channel: 'email', ...body },
    headers: { 'idempotency-key': randomUUID() },
  });
  if (created.status !== 201) throw new Error(`POST /v1/requests: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  await waitForStatus(id, ['awaiting-verification']);
  const verified = await http('request-intake', 'POST', `/v1/requests/${id}/verification`, {
    body: { method: 'dpo-attested', note: 'identity card seen by the DPO at the counter' },
  });
  if (verified.status >= 300) throw new Error(`attesting ${id}: ${verified.status} ${JSON.stringify(verified.body)}`);
  return id;
}

/** Moves the executor's clock (PUT /internal/clock, outside production only); 0 is the real time. */
export async function setExecutorClock(offsetMs: number): Promise<void> {
  const res = await http('erasure-executor', 'PUT', '/internal/clock', { body: { offsetMs } });
  if (res.status !== 200) throw new Error(`PUT /internal/clock: ${res.status}`);
}
