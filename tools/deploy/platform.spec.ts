/**
 * The platform datarights runs on, as deploy/ declares it: the Strimzi Kafka cluster, the
 * CloudNativePG cluster with its roles and backups, every Secret from External Secrets,
 * KEDA on consumer lag, and a development overlay that brings its own Kafka and PostgreSQL.
 * Rendered with the real kustomize and validated against each kind's schema (also in
 * manifests.spec.ts); here, the facts that make the pieces fit together.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { topicsToCreate } from '@datarights/contracts';
import {
  allContainers,
  containerEnv,
  K8sObject,
  kustomizeBuild,
  named,
  ofKind,
  serviceDeployments,
  parseYamlObjects,
  promqlScope,
  readRepoFile,
  ROOT,
  validateObjects,
} from './deploy.test-kit';

const SERVICES = ['request-intake', 'identity', 'data-locator', 'erasure-executor', 'audit', 'mail-gateway'];
const schemaOf = (service: string) => service.replace(/-/g, '_');

let prod: K8sObject[];
let dev: K8sObject[];
let kafkaCluster: K8sObject[];
let kafka: K8sObject[];
beforeAll(() => {
  prod = kustomizeBuild('deploy/k8s/overlays/prod');
  dev = kustomizeBuild('deploy/k8s/overlays/dev');
  kafkaCluster = kustomizeBuild('deploy/kafka/cluster');
  kafka = kustomizeBuild('deploy/kafka');
});

const secretRefs = (objects: K8sObject[]) => {
  const refs: Array<{ name: string; key?: string; from: string }> = [];
  for (const d of ofKind(objects, 'Deployment')) {
    for (const c of allContainers(d))
      for (const [, v] of containerEnv(objects, c))
        if (v.secret) refs.push({ ...v.secret, from: `${d.metadata.name}/${c.name}` });
    for (const v of d.spec.template.spec.volumes ?? [])
      if (v.secret)
        for (const item of v.secret.items ?? [{ key: undefined }])
          refs.push({ name: v.secret.secretName, key: item.key, from: `${d.metadata.name}/volume` });
  }
  for (const c of ofKind(objects, 'Cluster'))
    for (const r of c.spec.managed?.roles ?? [])
      if (r.passwordSecret) {
        refs.push({ name: r.passwordSecret.name, key: 'username', from: `Cluster/${r.name}` });
        refs.push({ name: r.passwordSecret.name, key: 'password', from: `Cluster/${r.name}` });
      }
  for (const o of ofKind(objects, 'ObjectStore'))
    for (const ref of Object.values(o.spec.configuration.s3Credentials ?? {}) as Array<{ name: string; key: string }>)
      refs.push({ ...ref, from: `ObjectStore/${o.metadata.name}` });
  return refs;
};

describe('Kafka cluster (deploy/kafka/cluster)', () => {
  it('is KRaft with controller and broker node pools of three, for the topics of deploy/kafka', () => {
    const k = named(kafkaCluster, 'Kafka', 'datarights');
    expect(k.metadata.annotations).toMatchObject({ 'strimzi.io/kraft': 'enabled', 'strimzi.io/node-pools': 'enabled' });
    expect(k.spec.zookeeper).toBeUndefined();
    const pools = ofKind(kafkaCluster, 'KafkaNodePool');
    for (const p of pools) expect(p.metadata.labels?.['strimzi.io/cluster']).toBe('datarights');
    const withRole = (role: string) =>
      pools.filter((p) => p.spec.roles.includes(role)).reduce((n, p) => n + p.spec.replicas, 0);
    expect(withRole('controller')).toBe(3);
    expect(withRole('broker')).toBeGreaterThanOrEqual(3);
    const config = k.spec.kafka.config;
    const topics = ofKind(kafka, 'KafkaTopic');
    const maxReplicas = Math.max(...topics.map((t) => t.spec.replicas));
    expect(withRole('broker')).toBeGreaterThanOrEqual(maxReplicas);
    expect(config['min.insync.replicas']).toBe(2);
    expect(config['default.replication.factor']).toBe(3);
    expect(config['offsets.topic.replication.factor']).toBe(3);
    expect(config['auto.create.topics.enable']).toBe(false);
  });

  it('serves only TLS with SCRAM-SHA-512 users, under simple authorisation, with the User and Topic Operators', () => {
    const k = named(kafkaCluster, 'Kafka', 'datarights');
    expect(k.spec.kafka.listeners).toEqual([
      expect.objectContaining({ port: 9093, tls: true, authentication: { type: 'scram-sha-512' } }),
    ]);
    expect(k.spec.kafka.authorization).toEqual({ type: 'simple' });
    expect(k.spec.entityOperator).toEqual(expect.objectContaining({ topicOperator: {}, userOperator: {} }));
    // The services' prod settings point at that listener.
    const config = named(
      prod,
      'ConfigMap',
      ofKind(prod, 'ConfigMap').find((c) => c.metadata.name.startsWith('datarights-config'))!.metadata.name,
    );
    expect(config.data.KAFKA_BROKERS).toBe('datarights-kafka-bootstrap.kafka.svc:9093');
    for (const u of ofKind(kafka, 'KafkaUser')) expect(u.spec.authentication.type).toBe('scram-sha-512');
  });

  it('runs the Kafka version the tests run against (tools/infra, docker compose): 3.9, which kafkajs supports', () => {
    const infra = readRepoFile('tools/infra/kafka.mjs');
    const tested = /KAFKA_VERSION = '([\d.]+)'/.exec(infra)![1];
    const compose = /apache\/kafka:([\d.]+)/.exec(readRepoFile('docker-compose.yml'))![1];
    for (const k of [named(kafkaCluster, 'Kafka', 'datarights'), named(dev, 'Kafka', 'datarights')]) {
      expect(k.spec.kafka.version).toBe(tested);
      expect(k.spec.kafka.version).toBe(compose);
      expect(k.spec.kafka.metadataVersion).toMatch(new RegExp(`^${tested.split('.').slice(0, 2).join('\\.')}-IV\\d+$`));
    }
    expect(tested).toMatch(/^3\.9\./);
    // The client that decides it.
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/kafkajs'].version).toBe('2.2.4');
  });

  it('lets the services read exactly the Secrets Strimzi writes for them, through one Role', () => {
    const role = named(kafkaCluster, 'Role', 'datarights-kafka-secrets');
    expect(role.metadata.namespace).toBe('kafka');
    expect(role.rules).toEqual([
      expect.objectContaining({ resources: ['secrets'], verbs: ['get'], resourceNames: expect.any(Array) }),
    ]);
    const fromStrimzi = ofKind(prod, 'ExternalSecret')
      .filter((e) => e.spec.secretStoreRef.name === 'strimzi')
      .flatMap((e) => e.spec.data.map((d: { remoteRef: { key: string } }) => d.remoteRef.key));
    expect([...role.rules[0].resourceNames].sort()).toEqual([...new Set(fromStrimzi)].sort());
    const binding = named(kafkaCluster, 'RoleBinding', 'datarights-kafka-secrets');
    const store = named(prod, 'SecretStore', 'strimzi');
    expect(binding.subjects).toEqual([
      {
        kind: 'ServiceAccount',
        name: store.spec.provider.kubernetes.auth.serviceAccount.name,
        namespace: 'datarights',
      },
    ]);
    expect(named(prod, 'ServiceAccount', store.spec.provider.kubernetes.auth.serviceAccount.name)).toBeDefined();
  });
});

describe('PostgreSQL (deploy/postgres, CloudNativePG)', () => {
  it('has one migration owner and one runtime role per service, each with its password Secret', () => {
    const cluster = named(prod, 'Cluster', 'datarights-postgres');
    const roles = cluster.spec.managed.roles as Array<{
      name: string;
      login: boolean;
      passwordSecret: { name: string };
    }>;
    expect(roles.map((r) => r.name).sort()).toEqual(
      SERVICES.flatMap((s) => [schemaOf(s), `${schemaOf(s)}_owner`]).sort(),
    );
    for (const s of SERVICES) {
      expect(roles.find((r) => r.name === schemaOf(s))?.passwordSecret.name).toBe(`datarights-db-${s}`);
      expect(roles.find((r) => r.name === `${schemaOf(s)}_owner`)?.passwordSecret.name).toBe(
        `datarights-db-${s}-owner`,
      );
    }
    for (const r of roles) expect(r).toMatchObject({ login: true });
    expect(JSON.stringify(roles)).not.toMatch(/superuser|createdb|createrole|bypassrls/);
    expect(cluster.spec.enableSuperuserAccess).toBe(false);
  });

  it("gives each service's schema to its owner, the schema each service migrates", () => {
    for (const objects of [prod, dev]) {
      const db = named(objects, 'Database', 'datarights');
      const services = serviceDeployments(objects).map((d) => d.metadata.name);
      expect(db.spec.schemas.map((x: { name: string }) => x.name).sort()).toEqual(services.map(schemaOf).sort());
      for (const s of services) {
        expect(db.spec.schemas).toContainEqual(
          expect.objectContaining({ name: schemaOf(s), owner: `${schemaOf(s)}_owner` }),
        );
        const src = readRepoFile(`apps/${s}/src/app.module.ts`);
        expect(src).toContain(`export const SCHEMA = '${schemaOf(s)}'`);
      }
    }
  });

  it('prod: three instances over TLS with passwords only, spread across zones, the services pointed at its primary', () => {
    const cluster = named(prod, 'Cluster', 'datarights-postgres');
    expect(cluster.spec.instances).toBeGreaterThanOrEqual(3);
    expect(cluster.spec.postgresql.pg_hba).toEqual(['hostssl datarights all all scram-sha-256']);
    expect(cluster.spec.affinity).toMatchObject({
      enablePodAntiAffinity: true,
      topologyKey: 'topology.kubernetes.io/zone',
    });
    for (const d of serviceDeployments(prod)) {
      const env = containerEnv(prod, d.spec.template.spec.containers[0]);
      expect(new URL(env.get('DATABASE_URL')!.value!).hostname).toBe(`${cluster.metadata.name}-rw`);
      expect(env.get('DATABASE_SSL')?.value).toBe('true');
      // The CA CloudNativePG writes to <cluster>-ca.
      const ca = d.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'postgres-ca');
      expect(ca.secret.secretName).toBe(`${cluster.metadata.name}-ca`);
    }
  });

  it('prod: backed up continuously (WAL) and nightly to an object store, encrypted, kept 30 days', () => {
    const cluster = named(prod, 'Cluster', 'datarights-postgres');
    const [plugin] = cluster.spec.plugins;
    expect(plugin).toMatchObject({ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true });
    const store = named(prod, 'ObjectStore', plugin.parameters.barmanObjectName);
    expect(store.spec.retentionPolicy).toBe('30d');
    expect(store.spec.configuration.wal.encryption).toBe('AES256');
    expect(store.spec.configuration.data.encryption).toBe('AES256');
    const [scheduled] = ofKind(prod, 'ScheduledBackup');
    expect(scheduled.spec).toMatchObject({
      cluster: { name: cluster.metadata.name },
      method: 'plugin',
      pluginConfiguration: { name: plugin.name },
    });
  });
});

describe('Secrets (prod: External Secrets)', () => {
  /** Secrets an operator writes in the namespace, not External Secrets. */
  const WRITTEN_BY_OPERATORS: Record<string, string> = {
    'datarights-postgres-ca': 'CloudNativePG: the CA of the server certificate of Cluster datarights-postgres',
    'datarights-tls': "cert-manager (or your ingress's certificate tooling): the ingress certificate",
  };

  it('comes from an ExternalSecret for every Secret and key the prod manifests reference', () => {
    const produced = new Map<string, Set<string>>();
    for (const e of ofKind(prod, 'ExternalSecret')) {
      const keys = new Set<string>([
        ...Object.keys(e.spec.target.template?.data ?? {}),
        ...(e.spec.target.template ? [] : e.spec.data.map((d: { secretKey: string }) => d.secretKey)),
      ]);
      produced.set(e.spec.target.name, keys);
    }
    const tls = named(prod, 'Ingress', 'datarights').spec.tls.map((t: { secretName: string }) => t.secretName);
    for (const ref of secretRefs(prod)) {
      if (ref.name in WRITTEN_BY_OPERATORS) continue;
      expect({ ref, produced: produced.has(ref.name) }).toEqual({ ref, produced: true });
      if (ref.key) expect({ ref, key: produced.get(ref.name)!.has(ref.key) }).toEqual({ ref, key: true });
    }
    for (const name of tls) expect(Object.keys(WRITTEN_BY_OPERATORS)).toContain(name);
    // Nothing unused either.
    const used = new Set(secretRefs(prod).map((r) => r.name));
    for (const name of produced.keys()) expect({ name, used: used.has(name) }).toEqual({ name, used: true });
  });

  it('makes the PostgreSQL role Secrets basic-auth with the role name CloudNativePG manages, reloaded on change', () => {
    const roles = named(prod, 'Cluster', 'datarights-postgres').spec.managed.roles as Array<{
      name: string;
      passwordSecret: { name: string };
    }>;
    for (const r of roles) {
      const e = ofKind(prod, 'ExternalSecret').find((x) => x.spec.target.name === r.passwordSecret.name)!;
      expect(e.spec.target.template).toMatchObject({
        type: 'kubernetes.io/basic-auth',
        metadata: { labels: { 'cnpg.io/reload': 'true' } },
        data: { username: r.name, password: '{{ .password }}' },
      });
    }
  });

  it('reads only from the secret manager store and from Strimzi, never a literal secret', () => {
    for (const e of ofKind(prod, 'ExternalSecret')) {
      expect([
        { kind: 'ClusterSecretStore', name: 'datarights' },
        { kind: 'SecretStore', name: 'strimzi' },
      ]).toContainEqual(e.spec.secretStoreRef);
      for (const v of Object.values(e.spec.target.template?.data ?? {}) as string[])
        if (!/^[a-z_]+$/.test(v)) expect(v).toMatch(/^\{\{ \.[a-z]+ \}\}$/);
    }
    expect(ofKind(prod, 'Secret')).toEqual([]);
  });
});

describe('Autoscaling (prod: KEDA)', () => {
  it('scales every service on its consumer lag (and CPU), from 3 up to its partitions, one autoscaler each', () => {
    const scaled = ofKind(prod, 'ScaledObject');
    expect(scaled.map((s) => s.spec.scaleTargetRef.name).sort()).toEqual([...SERVICES].sort());
    expect(ofKind(prod, 'HorizontalPodAutoscaler')).toEqual([]);
    // The fixed topics and a company system's own (its data events are the busiest).
    const systemTopics = parseYamlObjects(
      readRepoFile('deploy/kafka/templates/system-topic.yaml').replace(/SYSTEM_ID/g, 'crm'),
    );
    const maxPartitions = Math.max(
      ...[...ofKind(kafka, 'KafkaTopic'), ...ofKind(systemTopics, 'KafkaTopic')].map((t) => t.spec.partitions),
    );
    for (const s of scaled) {
      const service = s.spec.scaleTargetRef.name;
      expect(named(prod, 'Deployment', service).spec.replicas).toBeUndefined();
      expect(s.spec.minReplicaCount).toBeGreaterThanOrEqual(3);
      expect(s.spec.maxReplicaCount).toBeLessThanOrEqual(maxPartitions);
      const lag = s.spec.triggers.find((t: { type: string }) => t.type === 'prometheus');
      const scope = promqlScope(lag.metadata.query);
      expect(scope.selectors).toEqual([{ metric: 'messaging_consumer_lag', matchers: ['namespace', 'service'] }]);
      expect(lag.metadata.query).toContain(`namespace="datarights"`);
      expect(lag.metadata.query).toContain(`service="${service}"`);
      expect(Number(lag.metadata.threshold)).toBeGreaterThan(0);
      expect(s.spec.triggers.map((t: { type: string }) => t.type)).toContain('cpu');
      expect(s.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
    }
  });
});

describe('dev overlay: self-contained', () => {
  it('brings its own one-node Kafka, and the topics with settings one broker can meet', () => {
    const k = named(dev, 'Kafka', 'datarights');
    const brokers = ofKind(dev, 'KafkaNodePool')
      .filter((p) => p.spec.roles.includes('broker'))
      .reduce((n, p) => n + p.spec.replicas, 0);
    expect(brokers).toBe(1);
    const topics = ofKind(dev, 'KafkaTopic');
    expect(topics.map((t) => t.spec.topicName).sort()).toEqual([...topicsToCreate()].sort());
    for (const t of topics) {
      expect(t.spec.replicas).toBeLessThanOrEqual(brokers);
      expect(t.spec.config['min.insync.replicas']).toBeLessThanOrEqual(t.spec.replicas);
      expect(t.metadata.labels?.['strimzi.io/cluster']).toBe(k.metadata.name);
    }
    expect(k.spec.kafka.config['offsets.topic.replication.factor']).toBe(1);
    expect(ofKind(dev, 'KafkaUser')).toEqual([]);
    // The services talk to it, in this namespace, on its plain listener.
    const [listener] = k.spec.kafka.listeners;
    for (const d of serviceDeployments(dev)) {
      const env = containerEnv(dev, d.spec.template.spec.containers[0]);
      expect(env.get('KAFKA_BROKERS')?.value).toBe(`${k.metadata.name}-kafka-bootstrap:${listener.port}`);
      expect(env.get('KAFKA_REPLICATION_FACTOR')?.value).toBe('1');
    }
    const egress = named(dev, 'NetworkPolicy', 'allow-egress-dns-kafka-postgres').spec.egress[1];
    expect(egress.to[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('datarights-dev');
  });

  it('brings its own one-instance PostgreSQL, with a role for every Deployment', () => {
    const cluster = named(dev, 'Cluster', 'datarights-postgres');
    expect(cluster.spec.instances).toBe(1);
    const roles = new Set(cluster.spec.managed.roles.map((r: { name: string }) => r.name));
    for (const d of serviceDeployments(dev))
      for (const c of allContainers(d)) {
        const secret = containerEnv(dev, c).get('DATABASE_USER')!.secret!.name;
        const role = cluster.spec.managed.roles.find(
          (r: { passwordSecret: { name: string } }) => r.passwordSecret.name === secret,
        );
        expect({ d: d.metadata.name, c: c.name, role: role && roles.has(role.name) }).toEqual({
          d: d.metadata.name,
          c: c.name,
          role: true,
        });
      }
    // dev-secrets.sh creates every Secret dev references: by name, or in its loop over the services.
    const script = readRepoFile('tools/deploy/dev-secrets.sh');
    const loop = /for s in ([a-z -]+); do[\s\S]*?role "datarights-db-\$s-owner"[\s\S]*?role "datarights-db-\$s"/.exec(
      script,
    );
    const looped = new Set(
      (loop?.[1] ?? '').split(' ').flatMap((x) => [`datarights-db-${x}`, `datarights-db-${x}-owner`]),
    );
    for (const ref of secretRefs(dev))
      expect({ ref: ref.name, created: looped.has(ref.name) || script.includes(ref.name) }).toEqual({
        ref: ref.name,
        created: true,
      });
  });

  it('renders with every object valid, in datarights-dev only', () => {
    expect(validateObjects(dev).filter((r) => r.errors.length > 0)).toEqual([]);
    expect(dev.every((o) => o.kind === 'Namespace' || o.metadata.namespace === 'datarights-dev')).toBe(true);
  });
});
