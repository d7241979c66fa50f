// The Docker fallback: when Java/Maven (for Kafka) or a local PostgreSQL are missing but a
// container engine runs, start the official images with testcontainers. Containers are
// created without the Ryuk reaper (autoCleanup off) because they must outlive `up`; their
// ids go to .run/containers.json and `down` removes them.
import { spawnSync } from 'node:child_process';

import { freePort, InfraError, PATHS, readJson, readText, writeJson } from './common.mjs';

const LABEL = 'datarights.infra';

let runtimeAnswer;

/** Whether a container engine answers: `docker info`, or testcontainers' own detection. */
export async function containerRuntimeAvailable() {
  if (runtimeAnswer !== undefined) return runtimeAnswer;
  const res = spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 });
  if (res.status === 0) return (runtimeAnswer = true);
  if (res.error?.code !== 'ENOENT') return (runtimeAnswer = false);
  // No docker CLI, but Podman/Colima/a remote DOCKER_HOST may still serve the API.
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    runtimeAnswer = true;
  } catch {
    runtimeAnswer = false;
  }
  return runtimeAnswer;
}

function recorded() {
  return readJson(PATHS.containers) ?? [];
}

function record(entry) {
  writeJson(PATHS.containers, [...recorded().filter((c) => c.id !== entry.id), entry]);
}

function forget(id) {
  writeJson(
    PATHS.containers,
    recorded().filter((c) => c.id !== id),
  );
}

export function recordedContainers() {
  return recorded();
}

/** The container of that role recorded by an earlier `up`, if any: { id, role, image, address }. */
export function recordedContainer(role) {
  return recorded().find((c) => c.role === role);
}

async function startContainer(role, image, configure, addressOf) {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = configure(new GenericContainer(image), Wait);
  try {
    const started = await container
      .withLabels({ [LABEL]: role })
      .withAutoCleanup(false)
      .start();
    record({ id: started.getId(), role, image, address: addressOf(started) });
    return started;
  } catch (err) {
    throw new InfraError(`could not start the ${role} container: ${err.message}`);
  }
}

/**
 * apache/kafka in KRaft mode. The broker must advertise the address clients reach it
 * on (host:mapped port), which is only known once the port is chosen: so the host port
 * is picked first and bound explicitly. A second listener (BROKER) serves the broker's
 * own connections from inside the container.
 */
export async function startKafkaContainer({ clusterId, partitions }) {
  const { getContainerRuntimeClient } = await import('testcontainers');
  const runtimeHost = (await getContainerRuntimeClient()).info.containerRuntime.host;
  // kafkajs may resolve `localhost` to ::1 first; the published port is surely on IPv4.
  const host = runtimeHost === 'localhost' ? '127.0.0.1' : runtimeHost;
  const port = await freePort();
  const started = await startContainer(
    'kafka',
    'apache/kafka:3.9.1',
    (container, Wait) =>
      container
        .withExposedPorts({ container: 9092, host: port })
        .withEnvironment({
          CLUSTER_ID: clusterId,
          KAFKA_NODE_ID: '1',
          KAFKA_PROCESS_ROLES: 'broker,controller',
          KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
          KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,BROKER://0.0.0.0:9094,CONTROLLER://0.0.0.0:9093',
          KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${port},BROKER://localhost:9094`,
          KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT',
          KAFKA_INTER_BROKER_LISTENER_NAME: 'BROKER',
          KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
          KAFKA_NUM_PARTITIONS: String(partitions),
          KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
          KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '1',
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
          KAFKA_DEFAULT_REPLICATION_FACTOR: '1',
          KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        })
        .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
        .withStartupTimeout(120_000),
    () => `${host}:${port}`,
  );
  return { brokers: `${host}:${port}`, id: started.getId() };
}

/** postgres:15 with trust auth, like the machines' own server. */
export async function startPostgresContainer({ database }) {
  const started = await startContainer(
    'postgres',
    'postgres:15',
    (container, Wait) =>
      container
        .withExposedPorts(5432)
        .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust', POSTGRES_DB: database })
        // The entrypoint starts the server twice (init, then for real): wait for the second.
        .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
        .withStartupTimeout(120_000),
    (c) => `${c.getHost()}:${c.getMappedPort(5432)}`,
  );
  return { host: started.getHost(), port: started.getMappedPort(5432), id: started.getId() };
}

/** Stops and removes containers recorded by `up` (all of them, or the given ids). */
export async function stopContainers(ids) {
  const targets = recorded().filter((c) => !ids || ids.includes(c.id));
  if (targets.length === 0) return [];
  const { getContainerRuntimeClient } = await import('testcontainers');
  const client = await getContainerRuntimeClient();
  const done = [];
  for (const c of targets) {
    const container = client.container.getById(c.id);
    try {
      await client.container.stop(container, { timeout: 30 });
    } catch {
      // already stopped
    }
    try {
      await client.container.remove(container, { removeVolumes: true });
    } catch {
      // already removed
    }
    forget(c.id);
    done.push(`${c.role} container ${c.id.slice(0, 12)} removed`);
  }
  return done;
}

export const hasContainerState = () => readText(PATHS.containers) !== undefined && recorded().length > 0;
