/**
 * The faults of a chaos run, played one after the other at random moments of the window:
 * a service killed with SIGKILL and started again, the local Kafka broker rolled (data
 * kept), PostgreSQL unavailable (the proxy cuts and refuses connections), one demo system
 * stopped, poison messages planted. After each fault the run waits for every service to be
 * ready again before the next one, so each fault's cost is its own.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RawKafka } from '../../libs/testing/src/kafka-client';
import { restartService, ROOT, type ServiceName, type StackState } from '../../e2e/support/stack';
import type { PgProxy } from './pg-proxy';
import { plantPoison } from './poison';

type Api = typeof import('../../e2e/support/api');

export const KILLED: ServiceName[] = [
  'request-intake',
  'identity',
  'data-locator',
  'erasure-executor',
  'audit',
  'demo-systems',
];
const HOLDERS = ['crm', 'billing', 'support', 'marketing'] as const;

export type Fault =
  | { kind: 'kill'; service: ServiceName }
  | { kind: 'kafka-restart' }
  | { kind: 'postgres-down'; ms: number }
  | { kind: 'system-down'; ms: number; systemId?: string }
  | { kind: 'poison' };

export interface FaultRecord {
  name: string;
  /** ms from the start of the run. */
  startedAt: number;
  /** How long the fault itself lasted (the service down, the broker down, ...). */
  faultMs: number;
  /** From the end of the fault until every service answered /health/ready again. */
  recoveryMs: number;
  note?: string;
}

export interface FaultContext {
  api: Api;
  state: StackState;
  proxy: PgProxy;
  raw: RawKafka;
  random: () => number;
  t0: number;
}

export function faultName(f: Fault): string {
  switch (f.kind) {
    case 'kill':
      return `SIGKILL ${f.service}`;
    case 'kafka-restart':
      return 'Kafka broker restart';
    case 'postgres-down':
      return `PostgreSQL away ${f.ms / 1000} s`;
    case 'system-down':
      return `demo system ${f.systemId ?? '?'} stopped ${f.ms / 1000} s`;
    case 'poison':
      return 'poison messages planted';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function broker(command: 'stop' | 'start'): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'tools/chaos/broker.mjs'), command], {
    env: process.env,
  });
  return stdout.trim();
}

async function demoSystem(ctx: FaultContext, action: 'stop' | 'start', systemId: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const res = await ctx.api
      .http('demo-systems', 'POST', `/demo/systems/${systemId}/${action}`, { token: null })
      .catch((err: Error) => ({ status: 0, body: err.message }));
    if (res.status === 200) return;
    if (attempt >= 60) throw new Error(`POST /demo/systems/${systemId}/${action}: ${res.status} ${String(res.body)}`);
    await sleep(1000);
  }
}

/** Plays one fault; returns how long it lasted. */
async function play(f: Fault, ctx: FaultContext): Promise<string | undefined> {
  switch (f.kind) {
    case 'kill':
      await restartService(ctx.state, f.service);
      return undefined;
    case 'kafka-restart':
      await broker('stop');
      await broker('start');
      return undefined;
    case 'postgres-down':
      await ctx.proxy.outage(f.ms);
      return undefined;
    case 'system-down': {
      await demoSystem(ctx, 'stop', f.systemId!);
      await sleep(f.ms);
      await demoSystem(ctx, 'start', f.systemId!);
      return undefined;
    }
    case 'poison':
      return `${await plantPoison(ctx.raw)} messages`;
  }
}

/** Every service of the stack ready again (the web apps have no dependency to lose). */
export async function allReady(ctx: FaultContext, timeoutMs = 300_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answers = await Promise.all(
      Object.keys(ctx.state.schemas).map((name) =>
        fetch(`${ctx.state.urls[name as ServiceName]}/health/ready`, { signal: AbortSignal.timeout(2000) })
          .then((r) => r.status === 200)
          .catch(() => false),
      ),
    );
    if (answers.every(Boolean)) return true;
    if (Date.now() > deadline) return false;
    await sleep(250);
  }
}

/** The faults of a run, each at a random moment of the window (sorted), played in that order. */
export function schedule(faults: Fault[], windowMs: number, random: () => number): { fault: Fault; at: number }[] {
  return faults
    .map((fault) => ({
      fault:
        fault.kind === 'system-down' ? { ...fault, systemId: HOLDERS[Math.floor(random() * HOLDERS.length)] } : fault,
      at: Math.round((0.05 + 0.85 * random()) * windowMs),
    }))
    .sort((a, b) => a.at - b.at);
}

export async function runFaults(
  planned: { fault: Fault; at: number }[],
  ctx: FaultContext,
  onEach: (r: FaultRecord) => void,
): Promise<FaultRecord[]> {
  const records: FaultRecord[] = [];
  for (const { fault, at } of planned) {
    await sleep(Math.max(0, ctx.t0 + at - Date.now()));
    const start = Date.now();
    const note = await play(fault, ctx);
    const end = Date.now();
    const recovered = await allReady(ctx);
    const record: FaultRecord = {
      name: faultName(fault),
      startedAt: start - ctx.t0,
      faultMs: end - start,
      recoveryMs: Date.now() - end,
      ...(note ? { note } : {}),
      ...(recovered ? {} : { note: 'not every service ready 300 s after the fault' }),
    };
    records.push(record);
    onEach(record);
  }
  return records;
}
