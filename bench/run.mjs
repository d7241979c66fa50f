#!/usr/bin/env node
// `npm run bench`: every benchmark in turn, against the same Kafka and PostgreSQL as
// `npm test` (brought up the same way if missing, and stopped again if this run started
// them), then one table of every figure next to its same-run baseline and its goal
// (bench/goals.json), written to bench/results/summary-<time>.json (git-ignored).
//
//   npm run bench                         # all of them, sizes a 2-core machine runs in ~15 min
//   npm run bench -- --only ingest,locate
//
// Sizes are the benches' own variables (bench/README.md); a value set in the environment
// wins over the defaults below. Nothing here judges speed by itself: a goal missed is
// reported, and the exit code only says whether every bench ran.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { InfraError, log, ROOT, seconds } from '../tools/infra/common.mjs';
import { nothingStarted, stopStarted, up } from '../tools/infra/infra.mjs';
// As `npm test` runs its steps: own process group, Ctrl-C passed on, a safety-net timeout (TEST_STEP_TIMEOUT_MINUTES).
import { forwardSignals, runStep } from '../tools/infra/run-tests.mjs';

const TAG = 'bench';
const TS_NODE = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'];

/** In order: the cheap ones first, so a broken stack is found before the long ones run. */
const BENCHES = [
  {
    id: 'ingest',
    cmd: ['node', ...TS_NODE, 'bench/ingest/ingest.bench.ts'],
    env: { BENCH_EVENTS: '50000' },
  },
  {
    id: 'locate',
    cmd: ['node', ...TS_NODE, 'bench/locate/locate.bench.ts'],
    env: { BENCH_INDEX_ROWS: '10000000', BENCH_SUBJECTS: '2000' },
  },
  {
    id: 'package',
    cmd: ['node', '--expose-gc', ...TS_NODE, 'bench/package/package.bench.ts'],
    env: { BENCH_RECORDS: '1000000', BENCH_RUNS: '1' },
  },
  {
    id: 'erasure',
    cmd: ['node', ...TS_NODE, 'bench/erasure/erasure.bench.ts'],
    // N=1000 (a goal of its own) is opt-in, BENCH_N=100,1000: at today's throughput it alone takes over an hour.
    env: { BENCH_N: '100', DEMO_CUSTOMERS: '500' },
  },
];

function selectBenches(args) {
  let only;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--only') only = args[++i];
    else if (args[i].startsWith('--only=')) only = args[i].slice('--only='.length);
    else
      throw new InfraError(
        `unknown argument ${args[i]} (usage: npm run bench -- [--only ${BENCHES.map((b) => b.id)}])`,
      );
  }
  if (only === undefined) return BENCHES;
  const ids = only.split(',').map((s) => s.trim());
  const unknown = ids.filter((id) => !BENCHES.some((b) => b.id === id));
  if (unknown.length)
    throw new InfraError(`unknown bench(es): ${unknown.join(', ')}; benches: ${BENCHES.map((b) => b.id)}`);
  return BENCHES.filter((b) => ids.includes(b.id));
}

/** The figures a bench wrote into this run's directory (support/results.ts). */
function figuresOf(dir, benchId) {
  const files = readdirSync(dir).filter((f) => f.startsWith(`${benchId}-`) && f.endsWith('.json'));
  return files.flatMap((f) => {
    const r = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
    return r.figures.map((fig) => ({ bench: benchId, machine: r.machine, ...fig }));
  });
}

/** met / missed, or why the goal is not judged (a run at another size). */
function verdict(goal, fig) {
  if (!goal) return '';
  if (goal.size !== undefined && fig.size !== goal.size) return `n/a (goal at ${goal.size.toLocaleString('en-US')})`;
  const ok = goal.op === '>=' ? fig.value >= goal.value : fig.value <= goal.value;
  return ok ? 'met' : 'MISSED';
}

const num = (v) =>
  v === undefined || Number.isNaN(v) ? '' : Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2);

function table(rows) {
  const head = ['measure', 'value', 'baseline (same run)', 'ratio', 'goal', ''];
  const body = rows.map((r) => [
    r.label + (r.size ? ` @${r.size.toLocaleString('en-US')}` : ''),
    `${num(r.value)} ${r.unit}`,
    r.baseline ? `${num(r.baseline.value)} (${r.baseline.label})` : '',
    r.ratio === undefined ? '' : `${num(r.ratio)}x`,
    r.goal ? `${r.goal.op} ${r.goal.value} ${r.goal.unit}` : '',
    r.verdict,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

async function main() {
  const benches = selectBenches(process.argv.slice(2));
  const { goals } = JSON.parse(readFileSync(path.join(ROOT, 'bench', 'goals.json'), 'utf8'));
  const at = new Date().toISOString().replace(/[:.]/g, '-');
  const resultsDir = path.join(ROOT, 'bench', 'results');
  const runDir = path.join(resultsDir, `run-${at}`);
  mkdirSync(runDir, { recursive: true });

  const started = nothingStarted();
  let interrupted;
  forwardSignals((sig) => (interrupted = sig));

  const t0 = Date.now();
  const ran = [];
  try {
    const infra = await up({ started });
    for (const bench of benches) {
      if (interrupted) break;
      // The bench's defaults, unless the environment says otherwise.
      const env = {
        ...bench.env,
        ...process.env,
        ...infra.env,
        TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
        KAFKAJS_NO_PARTITIONER_WARNING: '1',
        BENCH_JSON: '1',
        BENCH_RESULTS_DIR: runDir,
      };
      const sizes = Object.keys(bench.env)
        .map((k) => `${k}=${env[k]}`)
        .join(' ');
      log(TAG, `── ${bench.id}: ${sizes}`);
      const s0 = Date.now();
      const failed = await runStep(bench, env);
      ran.push({ id: bench.id, failed, seconds: (Date.now() - s0) / 1000, sizes });
      log(TAG, `── ${bench.id} ${failed ? `FAILED (${failed})` : 'done'} in ${seconds(Date.now() - s0)}`);
    }
  } finally {
    for (const line of await stopStarted(started, { quiet: true })) log('down', line);
  }

  const rows = ran.flatMap((r) =>
    figuresOf(runDir, r.id).map((fig) => {
      const goal = goals.find((g) => g.id === fig.id);
      const ratio = fig.baseline && fig.unit !== 'x' ? fig.value / fig.baseline.value : undefined;
      return { ...fig, ratio, goal, verdict: verdict(goal, fig) };
    }),
  );
  const missing = goals.filter(
    (g) => !rows.some((r) => r.id === g.id) && benches.some((b) => g.id.startsWith(`${b.id}.`)),
  );
  const summary = {
    at: new Date().toISOString(),
    machine: {
      cores: os.availableParallelism?.() ?? os.cpus().length,
      cpu: os.cpus()[0]?.model,
      node: process.version,
    },
    seconds: (Date.now() - t0) / 1000,
    benches: ran,
    figures: rows,
    goalsWithoutFigure: missing.map((g) => g.id),
  };
  const file = path.join(resultsDir, `summary-${at}.json`);
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);

  process.stdout.write(`\n${table(rows)}\n\n`);
  if (missing.length) log(TAG, `no figure for: ${missing.map((g) => g.id).join(', ')}`);
  for (const r of ran)
    log(TAG, `${r.failed ? 'FAIL' : 'ran '}  ${r.id.padEnd(8)} ${seconds(r.seconds * 1000).padStart(7)}  ${r.sizes}`);
  log(
    TAG,
    `${seconds(Date.now() - t0)} in all; summary: ${path.relative(ROOT, file)} (per-bench JSON in ${path.relative(ROOT, runDir)})`,
  );
  if (interrupted) return 130;
  return ran.some((r) => r.failed) || ran.length < benches.length ? 1 : 0;
}

main().then(
  // Exit explicitly: idle sockets of clients (kafkajs, pg) must not keep the harness alive.
  (code) => process.exit(code),
  (err) => {
    // A usage or infrastructure error says what to do (InfraError carries a hint); anything else, where.
    const hint = err?.hint ? `\nhint: ${err.hint}` : '';
    process.stderr.write(`\nbench: ${err instanceof InfraError || hint ? err.message : (err?.stack ?? err)}${hint}\n`);
    process.exit(1);
  },
);
