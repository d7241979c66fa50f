/**
 * The chaos run's mixed burst: requests of the five rights filed by the DPO and attested
 * (dpo-attested), paced over the fault window, each one retried through the faults as a
 * careful client would: the same Idempotency-Key until the request is filed, the
 * attestation until the request is past awaiting-verification. Each request has its own
 * demo customer, so no request changes what another one finds.
 */
import { randomUUID } from 'node:crypto';
import type { DemoCustomer } from '../../e2e/support/api';
import { automatedSubjectDecision, type Candidate } from '../../e2e/support/subject-choice';

type Api = typeof import('../../e2e/support/api');

export const KINDS = ['erasure', 'access', 'rectification', 'restriction', 'objection'] as const;
export type Kind = (typeof KINDS)[number];

/** The systems a customer must be in for the right to do something (as the e2e specs choose them). */
const NEEDS: Record<Kind, string[]> = {
  erasure: [],
  access: [],
  rectification: ['crm', 'support'],
  restriction: ['crm', 'marketing'],
  objection: ['marketing'],
};
/**
 * Systems a customer must not be in: one without the capability escalates the action to
 * the DPO at once (marketing cannot rectify, support cannot restrict), and the request
 * waits in needs-attention for a decision, which is not what this run measures.
 */
const AVOID: Record<Kind, string[]> = {
  erasure: [],
  access: [],
  rectification: ['marketing'],
  restriction: ['support'],
  objection: [],
};

export interface Planned {
  kind: Kind;
  customer: DemoCustomer;
  /** When to file it, in ms from the start of the burst. */
  at: number;
}

export interface Filed extends Planned {
  id?: string;
  filedAt?: number;
  /** Why it could not be filed and attested before the deadline. */
  error?: string;
  /** HTTP attempts that failed (connection refused, 5xx, timeouts) and were retried. */
  retries: number;
  /** Identity found several candidates and the automated DPO chose (e2e/support/subject-choice.ts). */
  subjectDecided?: boolean;
}

function bodyOf(p: Planned): Record<string, unknown> {
  const subject = { email: p.customer.email };
  switch (p.kind) {
    case 'erasure':
    case 'access':
      return { type: p.kind, subject };
    case 'rectification':
      return { type: p.kind, subject, changes: { email: `chaos-${randomUUID().slice(0, 12)}@example.test` } };
    case 'restriction':
      return { type: p.kind, subject, ground: 'accuracy-contested' };
    case 'objection':
      return { type: p.kind, subject, purposes: ['prospection'] };
  }
}

/** `count` requests, kinds in turn (shuffled), each with a distinct customer in the systems it needs. */
export async function planBurst(
  api: Api,
  count: number,
  windowMs: number,
  random: () => number,
  demoCustomers: number,
): Promise<Planned[]> {
  const kinds = Array.from({ length: count }, (_, i) => KINDS[i % KINDS.length]);
  shuffle(kinds, random);
  const pool: DemoCustomer[] = [];
  for (let offset = 0; offset < demoCustomers; offset += 50) pool.push(...(await api.demoCustomersIn([], offset)));
  const used = new Set<string>();
  return kinds.map((kind, i) => {
    const customer = pool.find(
      (c) =>
        !used.has(c.customerId) &&
        NEEDS[kind].every((s) => c.systems.includes(s)) &&
        !AVOID[kind].some((s) => c.systems.includes(s)),
    );
    if (!customer) throw new Error(`not enough demo customers for ${count} requests (set a larger customer count)`);
    used.add(customer.customerId);
    return { kind, customer, at: Math.round(((i + random()) / count) * windowMs) };
  });
}

export function shuffle<T>(xs: T[], random: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One HTTP call that gives up after 10 s (a service killed mid-request, or waiting on a database that is away). */
async function call(api: Api, method: string, path: string, body?: unknown, headers?: Record<string, string>) {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      api.http('request-intake', method, path, { body, headers }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer within 10 s')), 10_000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Files and attests one request, retrying through faults until `deadline`. */
export async function fileOne(api: Api, p: Planned, t0: number, deadline: number): Promise<Filed> {
  const filed: Filed = { ...p, retries: 0 };
  const key = randomUUID();
  const body = { channel: 'email', ...bodyOf(p) };
  const retry = async (what: string, last: string) => {
    if (Date.now() > deadline) throw new Error(`${what}: still failing at the deadline (${last})`);
    filed.retries++;
    await sleep(1000);
  };
  try {
    while (!filed.id) {
      try {
        const res = await call(api, 'POST', '/v1/requests', body, { 'idempotency-key': key });
        if (res.status === 201 || res.status === 200) {
          filed.id = res.body.id as string;
          filed.filedAt = Date.now() - t0;
        } else if (res.status === 429 || res.status >= 500) await retry('filing', `HTTP ${res.status}`);
        else throw new Error(`filing: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      } catch (err) {
        if ((err as Error).message.startsWith('filing')) throw err;
        await retry('filing', (err as Error).message);
      }
    }
    for (;;) {
      let status: string | undefined;
      try {
        const res = await call(api, 'GET', `/v1/requests/${filed.id}`);
        if (res.status === 200) status = res.body.status as string;
      } catch {
        /* retried below */
      }
      if (status && !['received', 'awaiting-subject-decision', 'awaiting-verification'].includes(status)) return filed;
      if (status === 'awaiting-subject-decision') {
        // Several candidates (a weak link in the demo data): the DPO decides, as the bench does.
        try {
          const view = await call(api, 'GET', `/v1/requests/${filed.id}`);
          const res = await call(
            api,
            'POST',
            `/v1/requests/${filed.id}/subject-decision`,
            automatedSubjectDecision(view.body.candidates as Candidate[]),
          );
          if (res.status < 300 || res.status === 409) {
            filed.subjectDecided = true;
            await sleep(1000);
            continue;
          }
          if (res.status !== 429 && res.status < 500)
            throw new Error(`deciding the subject: HTTP ${res.status} ${JSON.stringify(res.body)}`);
        } catch (err) {
          if ((err as Error).message.startsWith('deciding')) throw err;
        }
      }
      if (status === 'awaiting-verification') {
        try {
          const res = await call(api, 'POST', `/v1/requests/${filed.id}/verification`, {
            method: 'dpo-attested',
            note: 'identity card seen by the DPO at the counter',
          });
          // 409: attested already (an earlier try whose answer was lost); the loop sees it move on.
          if (res.status < 300 || res.status === 409) {
            await sleep(1000);
            continue;
          }
          if (res.status !== 429 && res.status < 500)
            throw new Error(`attesting: HTTP ${res.status} ${JSON.stringify(res.body)}`);
        } catch (err) {
          if ((err as Error).message.startsWith('attesting')) throw err;
        }
      }
      await retry('waiting to attest', status ?? 'no answer');
    }
  } catch (err) {
    filed.error = (err as Error).message;
    return filed;
  }
}

/** Files every planned request at its time, all in parallel; resolves when each is filed and attested (or failed). */
export function runBurst(api: Api, plan: Planned[], t0: number, deadline: number): Promise<Filed[]> {
  return Promise.all(
    plan.map(async (p) => {
      await sleep(Math.max(0, t0 + p.at - Date.now()));
      return fileOne(api, p, t0, deadline);
    }),
  );
}
