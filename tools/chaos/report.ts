/** The chaos run's figures, printed as a table, and whether every check passed. */
import type { Filed } from './burst';
import type { FaultRecord } from './faults';
import type { DeadLetterCount } from './poison';

export interface Outcome {
  seed: number;
  short: boolean;
  filed: Filed[];
  /** Request id → its status at the end of the drain. */
  statuses: Map<string, string>;
  /** From the end of the last fault until every request was completed (undefined: never). */
  drainMs?: number;
  effects: { systemId: string; commands: number; appliedMoreThanOnce: number; redeliveries: number }[];
  auditValid: boolean;
  auditDetail: string;
  dead: DeadLetterCount;
  faults: FaultRecord[];
  runMs: number;
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Prints the report; true when every check passed. */
export function printReport(o: Outcome): boolean {
  const withId = o.filed.filter((f) => f.id);
  const completed = withId.filter((f) => o.statuses.get(f.id!) === 'completed');
  // Lost: the stack never answered with the request (filing failed through the faults), or forgot it.
  const lost = o.filed.filter((f) => !f.id || o.statuses.get(f.id) === 'not found');
  const stuck = withId.filter((f) => !['completed', 'not found'].includes(o.statuses.get(f.id!) ?? ''));
  const twice = o.effects.reduce((n, e) => n + e.appliedMoreThanOnce, 0);
  const applied = o.effects.reduce((n, e) => n + e.commands, 0);
  const redelivered = o.effects.reduce((n, e) => n + e.redeliveries, 0);
  const kinds = new Map<string, number>();
  for (const f of withId) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
  const stuckBy = new Map<string, number>();
  for (const f of stuck) {
    const st = o.statuses.get(f.id!) ?? 'unknown';
    stuckBy.set(`${f.kind} ${st}`, (stuckBy.get(`${f.kind} ${st}`) ?? 0) + 1);
  }

  const checks: [string, string, boolean | undefined][] = [
    ['requests filed', `${withId.length} (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')})`, undefined],
    ['completed (all of them)', `${completed.length} of ${o.filed.length}`, completed.length === o.filed.length],
    [
      'lost',
      `${lost.length}${lost.length ? ` (${lost.map((f) => f.error ?? f.id).join('; ')})` : ''}`,
      lost.length === 0,
    ],
    [
      'not completed at the drain deadline',
      `${stuck.length}${stuck.length ? ` (${[...stuckBy].map(([k, n]) => `${k}: ${n}`).join(', ')})` : ''}`,
      stuck.length === 0,
    ],
    [
      'effects applied twice at a system',
      `${twice} (${applied} commands applied, ${redelivered} redeliveries answered from the record)`,
      twice === 0,
    ],
    ['audit chain valid', o.auditValid ? 'yes' : `NO ${o.auditDetail}`, o.auditValid],
    [
      'DLQ entries other than the planted poison',
      `${o.dead.unplanned} (planted poison dead-lettered: ${o.dead.planted})`,
      o.dead.unplanned === 0,
    ],
    [
      'time to drain after the last fault',
      o.drainMs === undefined ? 'did not drain' : s(Math.max(0, o.drainMs)),
      undefined,
    ],
    ['client HTTP retries through the faults', String(o.filed.reduce((n, f) => n + f.retries, 0)), undefined],
    [
      'several candidates, subject chosen by the DPO',
      String(o.filed.filter((f) => f.subjectDecided).length),
      undefined,
    ],
    ['whole run', s(o.runMs), undefined],
  ];
  const pass = checks.every(([, , ok]) => ok !== false);
  const w = Math.max(...checks.map(([k]) => k.length));
  const lines = [
    '',
    `chaos run (${o.short ? 'short' : 'full'}, seed ${o.seed}): ${pass ? 'PASSED' : 'FAILED'}`,
    '',
    ...checks.map(([k, v, ok]) => `  ${k.padEnd(w)}  ${v}${ok === false ? '   <-- FAILED' : ''}`),
    '',
    `  ${'fault'.padEnd(36)} ${'at'.padStart(7)} ${'lasted'.padStart(8)} ${'ready again after'.padStart(18)}`,
    ...o.faults.map(
      (f) =>
        `  ${f.name.padEnd(36)} ${s(f.startedAt).padStart(7)} ${s(f.faultMs).padStart(8)} ${s(f.recoveryMs).padStart(18)}${f.note ? `  ${f.note}` : ''}`,
    ),
  ];
  if (o.dead.unplanned) {
    lines.push('', '  unplanned dead letters:');
    for (const [topic, reasons] of Object.entries(o.dead.unplannedByTopic))
      for (const r of reasons.slice(0, 10)) lines.push(`    ${topic}: ${r}`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
  return pass;
}
