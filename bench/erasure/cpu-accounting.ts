/**
 * Where a burst's CPU goes, process by process: user + system time read from /proc before
 * and after the burst, for each service of the stack, the PostgreSQL backends serving the
 * bench's database, this checkout's Kafka broker, the bench client itself, and the whole
 * machine (which includes whatever else runs on it). A figure per request is what a burst
 * of N costs, divided by N: on a CPU-bound machine, throughput cannot exceed
 * (cores × 1,000 ms) / (CPU ms per request), whatever the latency of each hop.
 * Linux only (/proc); elsewhere the table says it has nothing to show.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Linux's USER_HZ: /proc times are in 1/100 s on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

type Snapshot = Map<string, number>;

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** utime + stime of a process, in ms (undefined when it is gone). */
function cpuMsOf(pid: number): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // Fields after the command name in parentheses (which may hold spaces): state is the 1st, utime the 12th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

function pidsWhere(match: (cmdline: string) => boolean): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = read(`/proc/${entry}/cmdline`)?.replaceAll('\0', ' ');
    if (cmdline && match(cmdline)) pids.push(Number(entry));
  }
  return pids;
}

/** Busy ms of the whole machine (all CPUs, everything but idle and iowait). */
function machineBusyMs(): number {
  const line = read('/proc/stat')?.split('\n')[0] ?? '';
  const [, ...values] = line.trim().split(/\s+/);
  const n = values.map(Number);
  const busy = n.reduce((a, b) => a + b, 0) - (n[3] ?? 0) - (n[4] ?? 0);
  return (busy * 1000) / TICKS_PER_SECOND;
}

export interface CpuTargets {
  /** Service name → pid (the e2e stack's processes). */
  services: Record<string, number>;
  /** The database whose backends count as "postgresql" (the backend's title names it). */
  database: string;
  /** The checkout's directory: its broker is the java process whose command line names its .kafka. */
  root: string;
}

export function cpuSnapshot(t: CpuTargets): Snapshot {
  const s: Snapshot = new Map();
  for (const [name, pid] of Object.entries(t.services)) s.set(name, cpuMsOf(pid) ?? 0);
  const sum = (pids: number[]) => pids.reduce((a, pid) => a + (cpuMsOf(pid) ?? 0), 0);
  // A backend's title: "postgres: <user> <database> <client> <state>". A backend that exits
  // during the burst takes its time with it: the services' pools keep theirs open.
  s.set('postgresql (backends)', sum(pidsWhere((c) => c.startsWith('postgres: ') && c.includes(` ${t.database} `))));
  // The server's own processes (WAL writer, checkpointer, autovacuum...): the machine's, so others' work counts too.
  s.set(
    'postgresql (server)',
    sum(pidsWhere((c) => /^postgres: (\S+: )?(walwriter|checkpointer|background writer|autovacuum)/.test(c))),
  );
  s.set('kafka broker', sum(pidsWhere((c) => c.includes('kafka.Kafka') && c.includes(`${t.root}/.kafka`))));
  const own = process.cpuUsage();
  s.set('bench client', (own.user + own.system) / 1000);
  s.set('machine (all processes)', machineBusyMs());
  return s;
}

/** The table of what each process spent between two snapshots. */
export function formatCpu(before: Snapshot, after: Snapshot, requests: number, wallSeconds: number): string {
  if (!read('/proc/stat')) return 'CPU per process: /proc is not available here';
  const rows = [...after.entries()].map(([name, ms]) => ({ name, ms: ms - (before.get(name) ?? 0) }));
  const stack = rows.filter((r) => r.name !== 'machine (all processes)' && r.name !== 'bench client');
  const total = stack.reduce((a, r) => a + r.ms, 0);
  const cores = cpus().length;
  const lines = [
    `CPU during the burst of ${requests} (${wallSeconds.toFixed(1)} s, ${cores} cores = ${(cores * wallSeconds).toFixed(0)} CPU s available):`,
    `${'process'.padEnd(26)}${'CPU s'.padStart(9)}${'ms/request'.padStart(12)}${'share'.padStart(8)}`,
  ];
  for (const r of [...stack].sort((a, b) => b.ms - a.ms))
    lines.push(
      `${r.name.padEnd(26)}${(r.ms / 1000).toFixed(1).padStart(9)}${(r.ms / requests).toFixed(1).padStart(12)}${`${((100 * r.ms) / total).toFixed(0)} %`.padStart(8)}`,
    );
  lines.push(
    `${'stack, all of the above'.padEnd(26)}${(total / 1000).toFixed(1).padStart(9)}${(total / requests).toFixed(1).padStart(12)}`,
  );
  for (const name of ['bench client', 'machine (all processes)']) {
    const r = rows.find((x) => x.name === name)!;
    lines.push(`${name.padEnd(26)}${(r.ms / 1000).toFixed(1).padStart(9)}${(r.ms / requests).toFixed(1).padStart(12)}`);
  }
  const machine = rows.find((x) => x.name === 'machine (all processes)')!.ms;
  lines.push(
    `machine busy ${((100 * machine) / (cores * wallSeconds * 1000)).toFixed(0)} % of its cores; ` +
      `at the stack's ${(total / requests).toFixed(0)} CPU ms per request, ${cores} cores allow at most ${((cores * 1000 * requests) / total).toFixed(1)} req/s`,
  );
  return lines.join('\n');
}
