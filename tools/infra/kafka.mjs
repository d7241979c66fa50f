// A real, single-node Apache Kafka (KRaft) for this checkout, without Docker: the broker's
// jars come from Maven Central (tools/infra/kafka/pom.xml), config, data and logs live in
// .kafka/ (git-ignored), and the broker runs detached so that `up` can return.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import kafkajs from 'kafkajs';

import {
  ensureDir,
  InfraError,
  isAlive,
  commandOf,
  PATHS,
  readText,
  rel,
  removeFile,
  run,
  sleep,
  tail,
  terminate,
  which,
  writeFileAtomic,
} from './common.mjs';

const { Kafka, logLevel } = kafkajs;

export const KAFKA_VERSION = '3.9.1';

/**
 * The local broker's port: 9092, or KAFKA_LOCAL_PORT where 9092 is taken (a shared
 * machine, another checkout's broker). The controller listens on the next port.
 */
function localPort() {
  const port = Number(process.env.KAFKA_LOCAL_PORT ?? 9092);
  if (!Number.isInteger(port) || port < 1 || port > 65534) {
    throw new InfraError(`KAFKA_LOCAL_PORT must be a TCP port, got ${process.env.KAFKA_LOCAL_PORT}`);
  }
  return port;
}
export const LOCAL_BROKERS = `127.0.0.1:${localPort()}`;
const CONTROLLER_PORT = localPort() + 1;
const READY_DEADLINE_MS = 90_000;
/** Controlled shutdown of a KRaft node (flush, close logs) takes a few seconds. */
const SHUTDOWN_GRACE_MS = 30_000;
/** The main class, as it appears in the broker's command line (pid-file sanity check). */
const BROKER_MAIN = 'kafka.Kafka';

export function brokerList(value) {
  return value
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
}

/**
 * One attempt at an admin `describeCluster()`: what "the broker is ready" means here.
 * No retries and short timeouts, because callers poll with their own deadline; kafkajs'
 * own logging is off, since connection refusals are expected while a broker starts.
 */
export async function describeCluster(brokers, timeoutMs = 3000) {
  const kafka = new Kafka({
    clientId: 'datarights-infra',
    brokers: brokerList(brokers),
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 1500),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  let timer;
  try {
    const attempt = (async () => {
      await admin.connect();
      return admin.describeCluster();
    })();
    attempt.catch(() => {}); // the race below may have settled already
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    const cluster = await Promise.race([attempt, timeout]);
    return { ok: true, cluster };
  } catch (err) {
    return { ok: false, error: err?.message ?? String(err) };
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => {});
  }
}

/**
 * Polls `describeCluster()` until it succeeds or the deadline passes. `exited` (optional)
 * reports a broker process that already died, so a crash fails at once, not after 90 s.
 */
export async function waitForKafka(brokers, { deadlineMs, exited } = {}) {
  const deadline = Date.now() + deadlineMs;
  let last;
  for (;;) {
    const probe = await describeCluster(brokers);
    if (probe.ok) return probe.cluster;
    last = probe.error;
    const died = exited?.();
    if (died) throw new InfraError(`the Kafka broker exited during start-up (${died})`);
    if (Date.now() > deadline) {
      throw new InfraError(
        `Kafka at ${brokers} did not answer describeCluster() within ${deadlineMs / 1000} s (last error: ${last})`,
      );
    }
    await sleep(500);
  }
}

// ---------------------------------------------------------------------------------
// Tools

/** The java binary to use: $JAVA_HOME's when set (as Maven does), else the one on PATH. */
export function findJava() {
  const fromHome = process.env.JAVA_HOME && path.join(process.env.JAVA_HOME, 'bin', 'java');
  const java = fromHome && fs.existsSync(fromHome) ? fromHome : which('java');
  if (!java) return { missing: 'java (a Java 17 runtime)' };
  const res = spawnSync(java, ['-version'], { encoding: 'utf8' });
  const text = `${res.stderr ?? ''}${res.stdout ?? ''}`;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(text);
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : NaN;
  if (res.status !== 0 || !(major >= 11)) {
    return { missing: `a Java 11+ runtime (found ${java}: ${text.split('\n')[0] || 'does not run'})` };
  }
  return { java, version: text.split('\n')[0].trim() };
}

export const INSTALL_JAVA_HINT =
  'Install a Java 17 runtime and Maven (Debian/Ubuntu: `sudo apt-get install openjdk-17-jre-headless maven`; ' +
  'macOS: `brew install openjdk@17 maven`), or run a Docker engine, or point KAFKA_BROKERS at a broker you run yourself.';

// ---------------------------------------------------------------------------------
// Jars

const FETCHED_MARKER = path.join(PATHS.kafkaLibs, '.fetched');

function pomDigest() {
  return createHash('sha256').update(fs.readFileSync(PATHS.kafkaPom)).digest('hex');
}

/** Whether .kafka/libs holds a complete copy made from the current pom.xml. */
export function jarsPresent() {
  return readText(FETCHED_MARKER)?.trim() === pomDigest();
}

function countJars(dir) {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.jar')).length;
}

/**
 * Copies the broker's runtime jars into .kafka/libs with Maven (~/.m2 caches the
 * downloads across checkouts). The copy goes to a side directory first and is swapped
 * in at the end, so an interrupted fetch never leaves a half classpath behind.
 */
export async function ensureJars() {
  if (jarsPresent()) return `cached: ${countJars(PATHS.kafkaLibs)} jars in ${rel(PATHS.kafkaLibs)}`;
  const mvn = which('mvn');
  if (!mvn) {
    throw new InfraError(
      'Maven (`mvn`) is needed once, to fetch the Kafka broker from Maven Central, and was not found.',
      {
        hint: INSTALL_JAVA_HINT,
      },
    );
  }
  process.stdout.write(
    `[infra] fetching Kafka ${KAFKA_VERSION} jars with Maven (the first time on a machine, Maven downloads ~70 MB into ~/.m2)...\n`,
  );
  const partial = `${PATHS.kafkaLibs}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  try {
    await run(mvn, [
      '-q',
      '-B',
      '-f',
      PATHS.kafkaPom,
      'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${partial}`,
    ]);
  } catch (err) {
    throw new InfraError('Maven could not fetch the Kafka broker jars.', {
      hint: 'Check access to Maven Central (https://repo.maven.apache.org), or a mirror/proxy in ~/.m2/settings.xml.',
      details: err.details,
    });
  }
  if (!fs.existsSync(path.join(partial, `kafka_2.13-${KAFKA_VERSION}.jar`))) {
    throw new InfraError(`Maven finished but ${rel(partial)} has no kafka_2.13-${KAFKA_VERSION}.jar`);
  }
  fs.rmSync(PATHS.kafkaLibs, { recursive: true, force: true });
  fs.renameSync(partial, PATHS.kafkaLibs);
  fs.writeFileSync(FETCHED_MARKER, `${pomDigest()}\n`);
  return `fetched: ${countJars(PATHS.kafkaLibs)} jars into ${rel(PATHS.kafkaLibs)}`;
}

// ---------------------------------------------------------------------------------
// Configuration and storage

function partitions() {
  const n = Number(process.env.KAFKA_PARTITIONS ?? 3);
  if (!Number.isInteger(n) || n < 1)
    throw new InfraError(`KAFKA_PARTITIONS must be a positive integer, got ${process.env.KAFKA_PARTITIONS}`);
  return n;
}

/** One KRaft node acting as broker and controller; values explained in tools/infra/README.md. */
function serverProperties() {
  return [
    '# Written by tools/infra/kafka.mjs on every `up`: edit that file, not this one.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${CONTROLLER_PORT}`,
    `listeners=PLAINTEXT://${LOCAL_BROKERS},CONTROLLER://127.0.0.1:${CONTROLLER_PORT}`,
    `advertised.listeners=PLAINTEXT://${LOCAL_BROKERS}`,
    'inter.broker.listener.name=PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${PATHS.kafkaData}`,
    `num.partitions=${partitions()}`,
    // Topics are created up front from libs/contracts: a typo in a topic name must fail,
    // not silently create a new topic.
    'auto.create.topics.enable=false',
    // A single node cannot hold more than one replica of anything.
    'offsets.topic.replication.factor=1',
    // One partition for consumer offsets: the first group join is much faster.
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'default.replication.factor=1',
    // Otherwise every new consumer group (every test run) waits 3 s before its first join.
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n');
}

function log4jProperties() {
  return [
    '# Written by tools/infra/kafka.mjs. Everything goes to stdout, which `up` sends to',
    '# .kafka/logs/broker.out (rotated to broker.out.1 at each start).',
    'log4j.rootLogger=INFO, stdout',
    'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
    'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
    // Per-request and per-partition state logs are noise for a dev broker.
    'log4j.logger.kafka.request.logger=WARN',
    'log4j.logger.state.change.logger=WARN',
    'log4j.logger.kafka.authorizer.logger=WARN',
    '',
  ].join('\n');
}

function writeIfChanged(file, content) {
  if (readText(file) !== content) writeFileAtomic(file, content);
}

export function writeKafkaConfig() {
  ensureDir(PATHS.kafkaLogs);
  writeIfChanged(PATHS.kafkaServerProps, serverProperties());
  writeIfChanged(PATHS.kafkaLog4j, log4jProperties());
}

/** 16 random bytes, base64url: 22 characters; one starting with '-' would read as an option. */
function newClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * The cluster id, generated once per checkout and kept in .kafka/cluster-id. If only the
 * data directory survived, its meta.properties is the truth.
 */
function clusterId() {
  const kept = readText(PATHS.kafkaClusterId)?.trim();
  if (kept) return kept;
  const meta = readText(path.join(PATHS.kafkaData, 'meta.properties'));
  const id = /^cluster\.id=(.+)$/m.exec(meta ?? '')?.[1]?.trim() ?? newClusterId();
  writeFileAtomic(PATHS.kafkaClusterId, `${id}\n`);
  return id;
}

function classpathArgs() {
  // The JVM expands `dir/*` itself; passing it unexpanded keeps the command line short.
  return ['-cp', `${PATHS.kafkaLibs}${path.sep}*`, `-Dlog4j.configuration=${pathToFileURL(PATHS.kafkaLog4j).href}`];
}

/** Formats the data directory once; later runs find meta.properties and skip the JVM. */
export async function formatStorage(java) {
  const id = clusterId();
  if (fs.existsSync(path.join(PATHS.kafkaData, 'meta.properties'))) return `already formatted (cluster ${id})`;
  try {
    await run(java, [
      ...classpathArgs(),
      'kafka.tools.StorageTool',
      'format',
      '-t',
      id,
      '-c',
      PATHS.kafkaServerProps,
      '-g',
    ]);
  } catch (err) {
    throw new InfraError(`kafka.tools.StorageTool could not format ${rel(PATHS.kafkaData)}`, { details: err.details });
  }
  return `formatted ${rel(PATHS.kafkaData)} (cluster ${id})`;
}

// ---------------------------------------------------------------------------------
// Broker process

/** The pid in .kafka/kafka.pid if that process is alive and still our broker. */
export function runningBrokerPid() {
  const pid = Number(readText(PATHS.kafkaPid)?.trim());
  if (!isAlive(pid)) return undefined;
  return commandOf(pid).includes(BROKER_MAIN) ? pid : undefined;
}

function rotate(file) {
  if (fs.existsSync(file)) fs.renameSync(file, `${file}.1`);
}

export function brokerLogTail(lines = 60) {
  const text = tail(PATHS.kafkaBrokerOut, lines);
  // Stack traces bury the reason: repeat the innermost causes at the end.
  const causes = [...new Set(text.split('\n').filter((l) => /^Caused by: /.test(l)))].slice(-3);
  return [
    `--- last ${lines} lines of ${rel(PATHS.kafkaBrokerOut)} ---`,
    text,
    ...(causes.length ? ['--- most likely cause ---', ...causes] : []),
  ].join('\n');
}

/**
 * Starts the broker detached (its own session, output to a file) so it outlives `up`,
 * then waits for describeCluster(). A broker that does not come up is killed again:
 * `up` either leaves a working broker or none.
 */
export async function startBroker(java, onStarted) {
  ensureDir(PATHS.kafkaLogs);
  rotate(PATHS.kafkaBrokerOut);
  const out = fs.openSync(PATHS.kafkaBrokerOut, 'a');
  let exited;
  const child = spawn(
    java,
    [
      '-Xms256m',
      '-Xmx768m',
      '-Djava.awt.headless=true',
      ...classpathArgs(),
      `-Dkafka.logs.dir=${PATHS.kafkaLogs}`,
      BROKER_MAIN,
      PATHS.kafkaServerProps,
    ],
    { cwd: PATHS.kafka, detached: true, stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  child.on('exit', (code, sig) => (exited = sig ?? `exit code ${code}`));
  child.on('error', (err) => (exited = err.message));
  child.unref();
  if (!child.pid) throw new InfraError(`could not start ${java}`);
  writeFileAtomic(PATHS.kafkaPid, `${child.pid}\n`);
  onStarted?.(child.pid);
  try {
    await waitForKafka(LOCAL_BROKERS, { deadlineMs: READY_DEADLINE_MS, exited: () => exited });
  } catch (err) {
    await stopBroker(child.pid);
    throw new InfraError(err.message, {
      hint:
        `Is something else using port ${localPort()} or ${CONTROLLER_PORT}? (KAFKA_LOCAL_PORT=<port> moves the local broker.) ` +
        `Full log: ${rel(PATHS.kafkaBrokerOut)}`,
      details: brokerLogTail(60),
    });
  }
  return child.pid;
}

/**
 * Stops the broker named by the pid file: SIGTERM (Kafka's controlled shutdown), up to
 * 30 s, then SIGKILL. A pid that is no longer our broker is left alone.
 */
export async function stopBroker(expectedPid) {
  // The broker `up` started may have been rolled since (the chaos run stops and starts
  // this checkout's broker, which writes its new pid to .kafka/kafka.pid): then the one in
  // the pid file is the broker to stop. It used to be left running after `npm test`.
  const isOurs = (p) => Boolean(p) && isAlive(p) && commandOf(p).includes(BROKER_MAIN);
  const pid =
    expectedPid && !isOurs(expectedPid) ? (runningBrokerPid() ?? expectedPid) : (expectedPid ?? runningBrokerPid());
  const filePid = Number(readText(PATHS.kafkaPid)?.trim());
  if (!pid || !isAlive(pid) || !commandOf(pid).includes(BROKER_MAIN)) {
    if (!expectedPid || filePid === expectedPid) removeFile(PATHS.kafkaPid);
    return 'not running';
  }
  const result = await terminate(pid, { graceMs: SHUTDOWN_GRACE_MS });
  if (!expectedPid || filePid === expectedPid || filePid === pid) removeFile(PATHS.kafkaPid);
  return result === 'killed' ? `pid ${pid} killed after ${SHUTDOWN_GRACE_MS / 1000} s` : `pid ${pid} stopped`;
}
