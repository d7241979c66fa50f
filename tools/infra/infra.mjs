// `up`, `down` and `status`: real Kafka and PostgreSQL for this checkout, whatever the
// machine offers (external URLs, a local broker from Maven Central, the local PostgreSQL,
// or containers), and the topics of libs/contracts.
import path from 'node:path';

import {
  ensureDir,
  InfraError,
  log,
  PATHS,
  phase,
  readEnvFile,
  readText,
  redactUrl,
  rel,
  removeFile,
  run,
  seconds,
  which,
  writeFileAtomic,
} from './common.mjs';
import {
  containerRuntimeAvailable,
  recordedContainer,
  recordedContainers,
  startKafkaContainer,
  stopContainers,
} from './containers.mjs';
import {
  describeCluster,
  ensureJars,
  findJava,
  formatStorage,
  INSTALL_JAVA_HINT,
  jarsPresent,
  LOCAL_BROKERS,
  runningBrokerPid,
  startBroker,
  stopBroker,
  waitForKafka,
  writeKafkaConfig,
} from './kafka.mjs';
import { ensureDatabase, ensurePostgres, probe as probePostgres } from './postgres.mjs';

const TAG = 'infra';

/** What one `up` started itself, so that `test` and `start` stop exactly that. */
export function nothingStarted() {
  return { kafkaPid: undefined, containers: [] };
}

async function ensureKafka(started) {
  if (process.env.KAFKA_BROKERS) {
    const brokers = process.env.KAFKA_BROKERS;
    return phase(TAG, 'kafka', async () => {
      try {
        await waitForKafka(brokers, { deadlineMs: 30_000 });
      } catch (err) {
        throw new InfraError(`KAFKA_BROKERS (${brokers}) does not answer: ${err.message}`, {
          hint: 'Start that broker, or unset KAFKA_BROKERS to run a local one.',
        });
      }
      return { brokers, detail: `external KAFKA_BROKERS=${brokers}, answers` };
    }).then((r) => r.brokers);
  }

  // A broker already answering on the local port is reused as is, whoever started it.
  const existing = await describeCluster(LOCAL_BROKERS, 2000);
  if (existing.ok) {
    const ours = runningBrokerPid();
    log(
      TAG,
      `${'kafka'.padEnd(15)} ${'0.0s'.padStart(6)}  reusing the broker at ${LOCAL_BROKERS}${ours ? ` (pid ${ours}, from an earlier up)` : ' (not started by these scripts)'}`,
    );
    return LOCAL_BROKERS;
  }

  const java = findJava();
  const needMaven = !jarsPresent();
  const mavenMissing = needMaven && !which('mvn');
  if (java.missing || mavenMissing) {
    const missing = [java.missing, mavenMissing && 'Maven (mvn)'].filter(Boolean).join(' and ');
    const previous = recordedContainer('kafka');
    if (previous && (await describeCluster(previous.address, 3000)).ok) {
      log(
        TAG,
        `${'kafka'.padEnd(15)} ${'0.0s'.padStart(6)}  reusing container ${previous.id.slice(0, 12)} at ${previous.address} (from an earlier up)`,
      );
      return previous.address;
    }
    if (await containerRuntimeAvailable()) {
      return phase(TAG, 'kafka', async () => {
        const clusterId = readText(PATHS.kafkaClusterId)?.trim() || 'ZGF0YXJpZ2h0cy1sb2NhbA'; // any stable 22-char id
        const c = await startKafkaContainer({ clusterId, partitions: Number(process.env.KAFKA_PARTITIONS ?? 3) });
        started.containers.push(c.id);
        await waitForKafka(c.brokers, { deadlineMs: 90_000 });
        return {
          brokers: c.brokers,
          detail: `${missing} not found: apache/kafka:3.9.1 container ${c.id.slice(0, 12)} at ${c.brokers}`,
        };
      }).then((r) => r.brokers);
    }
    throw new InfraError(`Cannot run Kafka: ${missing} not found, and no Docker engine runs.`, {
      hint: INSTALL_JAVA_HINT,
    });
  }

  // Our broker may be alive but not answering yet (another `up` is starting it): wait for
  // it rather than start a second one that would fight over the ports and the data dir.
  const ours = runningBrokerPid();
  if (ours) {
    await phase(TAG, 'kafka broker', async () => {
      await waitForKafka(LOCAL_BROKERS, { deadlineMs: 90_000 });
      return `pid ${ours} (already running) answers at ${LOCAL_BROKERS}`;
    });
    return LOCAL_BROKERS;
  }

  await phase(TAG, 'kafka jars', () => ensureJars());
  await phase(TAG, 'kafka storage', async () => {
    writeKafkaConfig();
    return formatStorage(java.java);
  });
  await phase(TAG, 'kafka broker', async () => {
    const pid = await startBroker(java.java, (p) => (started.kafkaPid = p));
    return `started pid ${pid}, ready at ${LOCAL_BROKERS} (log: ${rel(PATHS.kafkaBrokerOut)})`;
  });
  return LOCAL_BROKERS;
}

async function ensureTopics(brokers) {
  return phase(TAG, 'topics', async () => {
    try {
      const out = await run(
        process.execPath,
        [
          '-r',
          'ts-node/register/transpile-only',
          '-r',
          'tsconfig-paths/register',
          path.join('tools', 'infra', 'create-topics.ts'),
        ],
        {
          env: {
            ...process.env,
            KAFKA_BROKERS: brokers,
            TS_NODE_PROJECT: 'tsconfig.json',
            KAFKAJS_NO_PARTITIONER_WARNING: '1',
          },
        },
      );
      return out.trim().split('\n').pop();
    } catch (err) {
      throw new InfraError('creating the topics failed (tools/infra/create-topics.ts)', { details: err.details });
    }
  });
}

function writeInfraEnv(env) {
  ensureDir(PATHS.run);
  const lines = [
    '# Written by `node tools/infra/cli.mjs up`: the infrastructure of this checkout.',
    ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
    '',
  ];
  writeFileAtomic(PATHS.infraEnv, lines.join('\n'), 0o600);
}

/**
 * Brings Kafka (with topics) and PostgreSQL (with the database) up, idempotently, and
 * writes .run/infra.env. Kafka and PostgreSQL come up in parallel. On failure whatever
 * this call started is stopped again, so a failed `up` leaves nothing behind.
 * `started` (optional) is filled in as things start, so a caller's signal handler can
 * stop them even while `up` is still running. Returns { env, started }.
 */
export async function up({ started = nothingStarted() } = {}) {
  const t0 = Date.now();
  try {
    const [kafka, postgres] = await Promise.allSettled([
      ensureKafka(started),
      phase(TAG, 'postgres', () => ensurePostgres(started)).then(async (res) => {
        await phase(TAG, 'database', () => ensureDatabase(res.url));
        return res.url;
      }),
    ]);
    if (kafka.status === 'rejected') throw kafka.reason;
    if (postgres.status === 'rejected') throw postgres.reason;
    await ensureTopics(kafka.value);
    const env = { KAFKA_BROKERS: kafka.value, DATABASE_URL: postgres.value };
    writeInfraEnv(env);
    log(
      TAG,
      `ready in ${seconds(Date.now() - t0)}: KAFKA_BROKERS=${env.KAFKA_BROKERS} DATABASE_URL=${redactUrl(env.DATABASE_URL)} (${rel(PATHS.infraEnv)})`,
    );
    return { env, started };
  } catch (err) {
    await stopStarted(started, { quiet: true });
    throw err;
  }
}

/** Stops what one `up` started (a broker it spawned, containers it created). */
export async function stopStarted(started, { quiet = false } = {}) {
  const done = [];
  if (started.kafkaPid) done.push(`kafka: ${await stopBroker(started.kafkaPid)}`);
  if (started.containers.length) done.push(...(await stopContainers(started.containers)));
  // What .run/infra.env points to is gone: nobody should pick the stale settings up.
  if (done.length) removeFile(PATHS.infraEnv);
  if (!quiet) for (const line of done) log('down', line);
  return done;
}

/**
 * `down`: stops everything an `up` started in this checkout: the broker in the pid file
 * and recorded containers. PostgreSQL servers of the machine are never stopped; jars
 * (.kafka/libs) and data stay for the next `up`.
 */
export async function down() {
  const t0 = Date.now();
  const lines = [];
  if (runningBrokerPid()) lines.push(`kafka broker: ${await stopBroker()}`);
  else {
    removeFile(PATHS.kafkaPid);
    lines.push('kafka broker: not running');
  }
  if (recordedContainers().length) lines.push(...(await stopContainers()));
  removeFile(PATHS.infraEnv);
  for (const line of lines) log('down', line);
  log(
    'down',
    `done in ${seconds(Date.now() - t0)} (kept ${rel(PATHS.kafkaLibs)} and ${rel(PATHS.kafkaData)}; a machine's own PostgreSQL is never stopped)`,
  );
}

/** `status`: what runs, and where. */
export async function infraStatus() {
  const env = readEnvFile(PATHS.infraEnv);
  const brokers = process.env.KAFKA_BROKERS ?? env?.KAFKA_BROKERS ?? LOCAL_BROKERS;
  const dbUrl = process.env.DATABASE_URL ?? env?.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/datarights';
  const pid = runningBrokerPid();
  const [kafka, pgRes] = await Promise.all([describeCluster(brokers, 3000), probePostgres(dbUrl)]);
  const lines = [];
  lines.push(
    kafka.ok
      ? `kafka      up     ${brokers} (${kafka.cluster.brokers.length} broker(s), cluster ${kafka.cluster.clusterId})${pid ? `, local broker pid ${pid}` : ''}`
      : `kafka      down   ${brokers}${pid ? ` (pid ${pid} alive but not answering)` : ''}`,
  );
  lines.push(
    pgRes.ok
      ? `postgres   up     ${redactUrl(dbUrl)} (PostgreSQL ${pgRes.version})`
      : pgRes.error.code === '3D000'
        ? `postgres   up     ${redactUrl(dbUrl)} (server answers; the database is created by \`up\`)`
        : `postgres   down   ${redactUrl(dbUrl)} (${pgRes.error.message})`,
  );
  for (const c of recordedContainers()) lines.push(`container  ${c.role.padEnd(6)} ${c.id.slice(0, 12)} (${c.image})`);
  lines.push(`infra.env  ${env ? rel(PATHS.infraEnv) : 'none (run `npm run infra:up`)'}`);
  lines.push(`kafka jars ${jarsPresent() ? `cached in ${rel(PATHS.kafkaLibs)}` : 'not fetched yet'}`);
  return lines;
}
