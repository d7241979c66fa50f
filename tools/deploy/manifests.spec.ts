/**
 * The deploy manifests, rendered exactly as an operator renders them (real kustomize) and
 * checked against the Kubernetes, Strimzi and Prometheus Operator schemas, plus the rules
 * this project cares about. A broken or unsafe manifest fails the build.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  commandTopic,
  dlqTopic,
  EVENTS,
  fixedTopics,
  systemTopic,
  systemWritableTopics,
  TOPICS,
  topicsToCreate,
} from '@datarights/contracts';
import {
  allContainers,
  containerEnv,
  K8sObject,
  kustomizeBuild,
  named,
  ofKind,
  serviceDeployments,
  isWebApp,
  parseYamlObjects,
  readRepoFile,
  ROOT,
  selectorMatches,
  validateObjects,
} from './deploy.test-kit';

/** The services and their HTTP ports (docs/architecture.md, tools/infra/services.mjs). */
const SERVICES: Record<string, number> = {
  'request-intake': 3000,
  identity: 3001,
  'data-locator': 3002,
  'erasure-executor': 3003,
  audit: 3004,
  'mail-gateway': 3005,
};
const DEMO = { 'demo-systems': 3010 };
const PUBLIC_APIS = ['request-intake', 'audit'];
/** What the ingress controller reaches: the APIs above, and identity's self-service code routes (no JWT there). */
const INGRESS_BACKENDS = [...PUBLIC_APIS, 'identity'];
/** Variables that hold secrets: only ever from a Secret, never a literal or a ConfigMap. */
const SECRET_VARS = [
  'DATABASE_PASSWORD',
  'KAFKA_SASL_PASSWORD',
  'AUDIT_HMAC_KEY',
  'SUBJECT_HASH_KEY',
  'PACKAGE_ENCRYPTION_KEY',
  'DPO_TOKEN',
  'AUTH_JWKS_URL',
  'AUTH_ISSUER',
  'AUTH_AUDIENCE',
];

const TARGETS = {
  base: 'deploy/k8s/base',
  dev: 'deploy/k8s/overlays/dev',
  prod: 'deploy/k8s/overlays/prod',
  kafka: 'deploy/kafka',
  kafkaCluster: 'deploy/kafka/cluster',
  postgres: 'deploy/postgres',
  observability: 'deploy/observability',
} as const;
type Target = keyof typeof TARGETS;
const K8S_TARGETS = ['base', 'dev', 'prod'] as const;

const rendered = {} as Record<Target, K8sObject[]>;
beforeAll(() => {
  for (const [target, dir] of Object.entries(TARGETS)) rendered[target as Target] = kustomizeBuild(dir);
});

/**
 * The topics a service's Kafka handlers consume, read from its source: `@OnEvent('<event>')`
 * (the event's topic in the registry), `@OnBatch(TOPICS.<t>)`, `@OnAnyEvent([TOPICS.<t>, ...],
 * { commandTopics: true })`. A command topic is represented by `pdata.commands.crm.v1`.
 */
function consumedTopics(service: string): string[] {
  const files = readdirSync(join(ROOT, 'apps', service, 'src'), { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'),
  );
  const topics = new Set<string>();
  const events = EVENTS as Record<string, (typeof EVENTS)[keyof typeof EVENTS]>;
  const topicDefs = TOPICS as Record<string, { name: string }>;
  for (const f of files) {
    const src = readFileSync(join(ROOT, 'apps', service, 'src', f), 'utf8');
    for (const [, name] of src.matchAll(/@OnEvent\(\s*'(\w+)'/g)) {
      const e = events[name];
      if (!e) throw new Error(`${service}/${f}: @OnEvent('${name}') is not an event of the registry`);
      topics.add(e.topic === 'command' ? commandTopic('crm') : forCrm(e.topic.name));
    }
    for (const [, args] of src.matchAll(/@On(?:Batch|AnyEvent)\(([^)]*)\)/g)) {
      for (const [, key] of args.matchAll(/TOPICS\.(\w+)/g)) topics.add(forCrm(topicDefs[key].name));
      if (/commandTopics:\s*true/.test(args)) topics.add(commandTopic('crm'));
    }
  }
  return [...topics];
}

/** A system's own topic of a per-system family, for the system `crm` (a fixed topic as is). */
function forCrm(name: string): string {
  return name.replace('{systemId}', 'crm');
}

/** A company system's templates, rendered for one system id as the README does. */
function systemTemplates(systemId: string): K8sObject[] {
  return ['deploy/kafka/templates/system-topic.yaml', 'deploy/kafka/templates/system-user.yaml'].flatMap((f) =>
    parseYamlObjects(readRepoFile(f).replace(/SYSTEM_ID/g, systemId)),
  );
}

describe.each(Object.keys(TARGETS) as Target[])('%s', (target) => {
  it('renders, and every object is valid against its schema', () => {
    const objects = rendered[target];
    expect(objects.length).toBeGreaterThan(0);
    const invalid = validateObjects(objects).filter((r) => r.errors.length > 0);
    expect(invalid).toEqual([]);
  });

  it('has valid, unique object names', () => {
    const seen = new Set<string>();
    for (const o of rendered[target]) {
      const key = `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      // RFC 1123 subdomain: what every object name must be.
      expect(o.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/);
      expect(o.metadata.name.length).toBeLessThanOrEqual(253);
      // RFC 1035 label: what a Service name must be.
      if (o.kind === 'Service') expect(o.metadata.name).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
    }
  });
});

describe.each(K8S_TARGETS)('k8s %s', (target) => {
  const objects = () => rendered[target];
  const deployments = () => serviceDeployments(objects());
  const expected = () => (target === 'dev' ? { ...SERVICES, ...DEMO } : SERVICES);

  it('has exactly the expected services, each with a Deployment, a Service and a PodDisruptionBudget', () => {
    expect(
      deployments()
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(Object.keys(expected()).sort());
    for (const [name, port] of Object.entries(expected())) {
      const d = named(objects(), 'Deployment', name);
      const podLabels = d.spec.template.metadata.labels;
      expect(selectorMatches(d.spec.selector, podLabels)).toBe(true);
      const svc = named(objects(), 'Service', name);
      expect(selectorMatches({ matchLabels: svc.spec.selector }, podLabels)).toBe(true);
      // HTTP first; only the demo systems add their development SMTP sink.
      expect(svc.spec.ports[0]).toEqual(expect.objectContaining({ name: 'http', port, targetPort: 'http' }));
      expect(svc.spec.ports.slice(1).map((p: { name: string }) => p.name)).toEqual(
        name === 'demo-systems' ? ['smtp'] : [],
      );
      const app = d.spec.template.spec.containers.find((c: { name: string }) => c.name === 'app');
      expect(app.ports[0]).toEqual(expect.objectContaining({ name: 'http', containerPort: port }));
      expect(app.ports.slice(1).map((p: { name: string }) => p.name)).toEqual(name === 'demo-systems' ? ['smtp'] : []);
      expect(containerEnv(objects(), app).get('PORT')?.value).toBe(String(port));
      const pdb = named(objects(), 'PodDisruptionBudget', name);
      expect(selectorMatches(pdb.spec.selector, podLabels)).toBe(true);
    }
  });

  it('runs every container as non-root, read-only, without privileges, under seccomp', () => {
    for (const d of deployments()) {
      const pod = d.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of allContainers(d)) {
        const sc = c.securityContext ?? {};
        expect({
          deployment: d.metadata.name,
          container: c.name,
          runAsNonRoot: sc.runAsNonRoot ?? pod.securityContext.runAsNonRoot,
        }).toEqual(expect.objectContaining({ runAsNonRoot: true }));
        expect(sc).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
        expect(sc.capabilities?.drop).toContain('ALL');
        expect(sc.capabilities?.add ?? []).toEqual([]);
        expect(sc.privileged ?? false).toBe(false);
        // Writable /tmp, from an emptyDir: the only place the service writes.
        const tmp = (c.volumeMounts ?? []).find((m: { mountPath: string }) => m.mountPath === '/tmp');
        expect(tmp).toBeDefined();
        expect(pod.volumes.find((v: { name: string }) => v.name === tmp.name)?.emptyDir).toBeDefined();
        expect(c.resources?.requests).toEqual(
          expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }),
        );
        expect(c.resources?.limits).toEqual(
          expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }),
        );
      }
    }
  });

  it('probes every service: startup and liveness on /health/live, readiness on /health/ready', () => {
    for (const d of deployments()) {
      for (const c of d.spec.template.spec.containers) {
        expect({ name: d.metadata.name, startup: c.startupProbe?.httpGet?.path }).toEqual({
          name: d.metadata.name,
          startup: '/health/live',
        });
        expect(c.livenessProbe?.httpGet).toMatchObject({ path: '/health/live', port: 'http' });
        expect(c.readinessProbe?.httpGet).toMatchObject({ path: '/health/ready', port: 'http' });
      }
    }
  });

  it('migrates in an init container running the same image with --migrate-only, and not in the service', () => {
    for (const d of deployments()) {
      const spec = d.spec.template.spec;
      expect(spec.initContainers).toHaveLength(1);
      const [migrate] = spec.initContainers;
      const [app] = spec.containers;
      expect(migrate.image).toBe(app.image);
      expect([...(migrate.command ?? []), ...(migrate.args ?? [])]).toEqual(['node', 'main.js', '--migrate-only']);
      expect(containerEnv(objects(), app).get('RUN_MIGRATIONS')?.value).toBe('false');
      // The init container sees the same configuration as the service.
      // (But for its PostgreSQL role: the schema's owner, not the runtime role; and the mail
      // relay's credentials, which migrating does not need.)
      const appEnv = containerEnv(objects(), app);
      const migrateEnv = containerEnv(objects(), migrate);
      const ownRole = ['RUN_MIGRATIONS', 'DATABASE_USER', 'DATABASE_PASSWORD', 'SMTP_USER', 'SMTP_PASSWORD'];
      for (const [k, v] of appEnv) if (!ownRole.includes(k)) expect({ k, v: migrateEnv.get(k) }).toEqual({ k, v });
    }
  });

  it('announces /metrics to Prometheus on the service port', () => {
    for (const d of deployments()) {
      expect(d.spec.template.metadata.annotations).toEqual(
        expect.objectContaining({
          'prometheus.io/scrape': 'true',
          'prometheus.io/path': '/metrics',
          'prometheus.io/port': String(expected()[d.metadata.name as keyof typeof SERVICES]),
        }),
      );
    }
  });

  it('takes secrets only from Secrets, and every referenced ConfigMap exists', () => {
    expect(ofKind(objects(), 'Secret')).toEqual([]);
    const configMaps = new Set(ofKind(objects(), 'ConfigMap').map((c) => c.metadata.name));
    for (const cm of ofKind(objects(), 'ConfigMap')) for (const v of SECRET_VARS) expect(cm.data?.[v]).toBeUndefined();
    for (const d of deployments()) {
      for (const v of d.spec.template.spec.volumes ?? [])
        if (v.configMap) expect(configMaps.has(v.configMap.name)).toBe(true);
      for (const c of allContainers(d)) {
        for (const src of c.envFrom ?? []) expect(configMaps.has(src.configMapRef?.name)).toBe(true);
        for (const [name, v] of containerEnv(objects(), c)) {
          if (SECRET_VARS.includes(name))
            expect({ name, secret: v.secret !== undefined }).toEqual({ name, secret: true });
        }
        const env = containerEnv(objects(), c);
        // The server, without credentials; the role's name and password from its Secret.
        expect(env.get('DATABASE_URL')?.value).toMatch(/^postgres:\/\/[^@/]+\/datarights$/);
        const migrating = c.name === 'migrate';
        const roleSecret =
          migrating || d.metadata.name === 'demo-systems'
            ? `datarights-db-${d.metadata.name}-owner`
            : `datarights-db-${d.metadata.name}`;
        expect({ c: c.name, user: env.get('DATABASE_USER')?.secret }).toEqual({
          c: c.name,
          user: { name: roleSecret, key: 'username' },
        });
        expect(env.get('DATABASE_PASSWORD')?.secret).toEqual({ name: roleSecret, key: 'password' });
        if (migrating && d.metadata.name !== 'demo-systems')
          expect(env.get('DATABASE_RUNTIME_ROLE')?.secret).toEqual({
            name: `datarights-db-${d.metadata.name}`,
            key: 'username',
          });
        else expect(env.get('DATABASE_RUNTIME_ROLE')).toBeUndefined();
        expect(env.get('POLICY_FILE')?.value).toBe('/app/deploy/policy/default.fr.yaml');
      }
    }
  });

  it('mounts the policy generated from deploy/policy at /app/deploy/policy', () => {
    const policy = ofKind(objects(), 'ConfigMap').find((c) => c.metadata.name.startsWith('datarights-policy-'));
    expect(policy?.data?.['default.fr.yaml']).toBe(readRepoFile('deploy/policy/default.fr.yaml'));
    for (const d of deployments()) {
      const vol = d.spec.template.spec.volumes.find(
        (v: { configMap?: { name: string } }) => v.configMap?.name === policy!.metadata.name,
      );
      expect(vol).toBeDefined();
      for (const c of allContainers(d))
        expect(c.volumeMounts).toContainEqual(
          expect.objectContaining({ name: vol.name, mountPath: '/app/deploy/policy', readOnly: true }),
        );
    }
  });

  it('denies all traffic by default and allows only ingress-controller, Prometheus, DNS, Kafka and PostgreSQL', () => {
    const policies = ofKind(objects(), 'NetworkPolicy');
    const pods = deployments().map((d) => ({
      name: d.metadata.name,
      labels: d.spec.template.metadata.labels as Record<string, string>,
    }));
    const webPods = ofKind(objects(), 'Deployment')
      .filter(isWebApp)
      .map((d) => ({ name: d.metadata.name, labels: d.spec.template.metadata.labels as Record<string, string> }));
    // The pods the operators make: CloudNativePG's instances, Strimzi's brokers.
    const operated = [
      ...ofKind(objects(), 'Cluster').map((c) => ({
        name: c.metadata.name,
        labels: { 'cnpg.io/cluster': c.metadata.name },
      })),
      ...ofKind(objects(), 'Kafka').map((k) => ({
        name: k.metadata.name,
        labels: { 'strimzi.io/cluster': k.metadata.name },
      })),
    ];
    const deny = policies.find((p) => Object.keys(p.spec.podSelector).length === 0);
    expect(deny?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    for (const p of policies) {
      // A policy that selects no pod is a label typo.
      expect({
        policy: p.metadata.name,
        selects: [...pods, ...webPods, ...operated].some((pod) => selectorMatches(p.spec.podSelector, pod.labels)),
      }).toEqual({ policy: p.metadata.name, selects: true });
    }
    const ingressFrom = (pod: { labels: Record<string, string> }, namespace: string) =>
      policies.some(
        (p) =>
          selectorMatches(p.spec.podSelector, pod.labels) &&
          (p.spec.ingress ?? []).some((rule: any) =>
            (rule.from ?? []).some(
              (f: any) => f.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === namespace,
            ),
          ),
      );
    const egressPorts = (pod: { labels: Record<string, string> }) =>
      policies
        .filter((p) => selectorMatches(p.spec.podSelector, pod.labels))
        .flatMap((p) => (p.spec.egress ?? []).flatMap((r: any) => (r.ports ?? []).map((x: any) => x.port)));
    for (const pod of pods) {
      expect({ pod: pod.name, fromIngress: ingressFrom(pod, 'ingress-nginx') }).toEqual({
        pod: pod.name,
        fromIngress: INGRESS_BACKENDS.includes(pod.name),
      });
      expect({ pod: pod.name, fromPrometheus: ingressFrom(pod, 'monitoring') }).toEqual({
        pod: pod.name,
        fromPrometheus: true,
      });
      expect(egressPorts(pod)).toEqual(expect.arrayContaining([53, 9092, 9093, 5432]));
    }
  });

  it('exposes only the public APIs through the ingress, to existing Services and ports', () => {
    const api = named(objects(), 'Ingress', 'datarights');
    const selfService = named(objects(), 'Ingress', 'datarights-self-service');
    expect(api.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => p.path)).sort()).toEqual([
      '/docs',
      '/v1',
      '/v1/audit',
    ]);
    // identity's two code routes only, on the API's host, as regular expressions (issue 13).
    expect(selfService.metadata.annotations?.['nginx.ingress.kubernetes.io/use-regex']).toBe('true');
    expect(selfService.spec.rules.map((r: any) => r.host)).toEqual(api.spec.rules.map((r: any) => r.host));
    const [route] = selfService.spec.rules.flatMap((r: any) => r.http.paths);
    expect(route.backend.service.name).toBe('identity');
    const pattern = new RegExp(`^${route.path}`);
    const id = '3f1c2a9e-8b4d-4c55-9a0e-2b7d9f1e6a10';
    expect(pattern.test(`/v1/self-service/requests/${id}/verification`)).toBe(true);
    expect(pattern.test(`/v1/self-service/requests/${id}/verification/code`)).toBe(true);
    for (const other of [
      `/v1/self-service/requests/${id}`,
      `/v1/self-service/requests`,
      `/v1/requests/${id}/verification`,
      '/metrics',
    ])
      expect({ other, routed: pattern.test(other) }).toEqual({ other, routed: false });
    const paths = [api, selfService].flatMap((i) => i.spec.rules.flatMap((r: any) => r.http.paths));
    for (const p of paths) {
      const svc = named(objects(), 'Service', p.backend.service.name);
      expect(svc.spec.ports.map((x: { name: string }) => x.name)).toContain(p.backend.service.port.name);
      expect(INGRESS_BACKENDS).toContain(svc.metadata.name);
    }
  });

  it('autoscales every service of a multi-replica environment within its partitions', () => {
    const hpas = ofKind(objects(), 'HorizontalPodAutoscaler');
    if (target === 'dev') return expect(hpas).toEqual([]);
    // prod: KEDA's ScaledObjects instead (tested in 'prod: KEDA ...').
    if (target === 'prod') return expect(hpas).toEqual([]);
    expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual(Object.keys(SERVICES).sort());
    for (const h of hpas) {
      expect(h.spec.scaleTargetRef).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
      expect(h.spec.maxReplicas).toBeLessThanOrEqual(12);
      expect(h.spec.minReplicas).toBeLessThanOrEqual(h.spec.maxReplicas);
      // Replicas come from the autoscaler, not from the Deployment.
      expect(named(objects(), 'Deployment', h.spec.scaleTargetRef.name).spec.replicas).toBeUndefined();
    }
  });
});

describe('k8s overlays', () => {
  const env = (objects: K8sObject[], service: string) =>
    containerEnv(objects, named(objects, 'Deployment', service).spec.template.spec.containers[0]);

  it('prod: NODE_ENV=production, no DPO_TOKEN, Kafka TLS + SCRAM with each service its own user, PostgreSQL TLS, JWT auth', () => {
    const prod = rendered.prod;
    const users = new Set(ofKind(rendered.kafka, 'KafkaUser').map((u) => u.metadata.name));
    expect(JSON.stringify(prod)).not.toContain('DPO_TOKEN');
    for (const d of serviceDeployments(prod)) {
      for (const c of allContainers(d)) {
        const e = containerEnv(prod, c);
        expect(e.get('NODE_ENV')?.value).toBe('production');
        expect(e.get('KAFKA_SSL')?.value).toBe('true');
        expect(e.get('KAFKA_SASL_MECHANISM')?.value).toBe('scram-sha-512');
        expect(e.get('DATABASE_SSL')?.value).toBe('true');
        const user = e.get('KAFKA_SASL_USERNAME')?.value;
        expect(user).toBe(`datarights-${d.metadata.name}`);
        expect(users.has(user!)).toBe(true);
        // Strimzi's User Operator writes the password to a Secret named after the user.
        expect(e.get('KAFKA_SASL_PASSWORD')?.secret).toEqual({ name: user, key: 'password' });
        for (const file of ['KAFKA_SSL_CA_FILE', 'DATABASE_SSL_CA_FILE']) {
          const path = e.get(file)?.value ?? '';
          expect(c.volumeMounts.some((m: { mountPath: string }) => path.startsWith(`${m.mountPath}/`))).toBe(true);
        }
      }
    }
    for (const s of PUBLIC_APIS)
      for (const v of ['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE'])
        expect(env(prod, s).get(v)?.secret?.name).toBe('datarights-auth');
    for (const h of ofKind(prod, 'HorizontalPodAutoscaler')) expect(h.spec.minReplicas).toBeGreaterThanOrEqual(3);
    expect(named(prod, 'Ingress', 'datarights').spec.tls?.[0]?.secretName).toBeDefined();
    for (const d of serviceDeployments(prod)) {
      const [app] = d.spec.template.spec.containers;
      expect(app.image).toMatch(/^[^:]+:(?!latest$)[\w.-]+$/);
      expect(app.resources.requests.memory).toBe(app.resources.limits.memory);
    }
    expect(prod.every((o) => o.kind === 'Namespace' || o.metadata.namespace === 'datarights')).toBe(true);
  });

  it('dev: one replica each, the demo systems, DPO_TOKEN only on the public APIs and from a Secret', () => {
    const dev = rendered.dev;
    for (const d of serviceDeployments(dev)) {
      expect(d.spec.replicas).toBe(1);
      expect(env(dev, d.metadata.name).get('NODE_ENV')?.value).toBe('development');
      const token = env(dev, d.metadata.name).get('DPO_TOKEN');
      if (PUBLIC_APIS.includes(d.metadata.name))
        expect(token?.secret).toEqual({ name: 'datarights-dev', key: 'dpo-token' });
      else expect(token).toBeUndefined();
    }
    expect(dev.every((o) => o.kind === 'Namespace' || o.metadata.namespace === 'datarights-dev')).toBe(true);
  });
});

describe('kafka', () => {
  const topics = () => ofKind(rendered.kafka, 'KafkaTopic');
  const users = () => ofKind(rendered.kafka, 'KafkaUser');
  const topicName = (t: K8sObject) => t.spec.topicName ?? t.metadata.name;
  type Acl = { resource: { type: string; name?: string; patternType?: string }; operations: string[] };
  const acls = (u: K8sObject) => u.spec.authorization.acls as Acl[];
  const can = (u: K8sObject, op: string, type: string, name: string) =>
    acls(u).some(
      (a) =>
        a.resource.type === type &&
        a.operations.includes(op) &&
        (a.resource.patternType === 'prefix' ? name.startsWith(a.resource.name!) : a.resource.name === name),
    );

  it('stays valid as kafka.strimzi.io/v1, the only API of Strimzi 1.0', () => {
    const asV1 = [...rendered.kafka, ...systemTemplates('crm')].map((o) => ({
      ...o,
      apiVersion: 'kafka.strimzi.io/v1',
    }));
    expect(validateObjects(asV1).filter((r) => r.errors.length > 0)).toEqual([]);
  });

  it('has a KafkaTopic for every topic of topicsToCreate(), and no other', () => {
    expect(topics().map(topicName).sort()).toEqual([...topicsToCreate()].sort());
  });

  it('replicates every topic 3 times with min.insync.replicas 2, sized and retained as documented', () => {
    for (const t of topics()) {
      const name = topicName(t);
      expect(t.metadata.labels?.['strimzi.io/cluster']).toBe('datarights');
      expect(t.spec.replicas).toBe(3);
      expect(t.spec.config['min.insync.replicas']).toBe(2);
      const isDlq = name.endsWith('.dlq');
      const def = Object.values(TOPICS).find((d) => d.name === name);
      const compacted = !isDlq && (def as { compacted?: boolean } | undefined)?.compacted === true;
      expect({ name, policy: t.spec.config['cleanup.policy'] }).toEqual({
        name,
        policy: compacted ? 'compact' : 'delete',
      });
      if (isDlq) {
        expect(t.spec.partitions).toBe(1);
        expect(t.spec.config['retention.ms']).toBe(30 * 86_400_000);
      } else {
        expect(t.spec.partitions).toBe(name === TOPICS.dataEvents.name ? 12 : 6);
        if (!compacted) expect(t.spec.config['retention.ms']).toBeGreaterThanOrEqual(86_400_000);
      }
    }
  });

  it('gives each service a SCRAM-SHA-512 user with its own group, and only existing topics', () => {
    const names = users()
      .map((u) => u.metadata.name)
      .sort();
    expect(names).toEqual([...Object.keys(SERVICES).map((s) => `datarights-${s}`), 'datarights-ops'].sort());
    const known = new Set(topicsToCreate());
    for (const u of users()) {
      expect(u.metadata.labels?.['strimzi.io/cluster']).toBe('datarights');
      expect(u.spec.authentication.type).toBe('scram-sha-512');
      for (const a of acls(u)) {
        if (a.resource.type === 'topic' && a.resource.patternType === 'literal')
          expect(known.has(a.resource.name!)).toBe(true);
        expect(a.operations).not.toContain('All');
        expect(a.operations).not.toContain('Delete');
        expect(a.operations).not.toContain('Alter');
      }
    }
    for (const s of Object.keys(SERVICES)) {
      const u = named(rendered.kafka, 'KafkaUser', `datarights-${s}`);
      const groups = acls(u).filter((a) => a.resource.type === 'group');
      expect(groups).toEqual([
        { resource: { type: 'group', name: `datarights.${s}`, patternType: 'literal' }, operations: ['Read'] },
      ]);
      // At start-up every service checks that every topic exists (listTopics).
      for (const t of topicsToCreate())
        expect({ s, t, describe: can(u, 'Describe', 'topic', t) }).toEqual({ s, t, describe: true });
      // What it consumes, it may dead-letter (a system's own topics included).
      for (const t of [...fixedTopics(), ...systemWritableTopics('crm')])
        if (can(u, 'Read', 'topic', t))
          expect({ s, t, dlq: can(u, 'Write', 'topic', dlqTopic(t)) }).toEqual({ s, t, dlq: true });
    }
  });

  it('lets only data-locator and erasure-executor send commands, and audit write nothing but dead letters and its checkpoints', () => {
    const crm = commandTopic('crm');
    for (const s of Object.keys(SERVICES)) {
      const u = named(rendered.kafka, 'KafkaUser', `datarights-${s}`);
      expect({ s, commands: can(u, 'Write', 'topic', crm) }).toEqual({
        s,
        commands: ['data-locator', 'erasure-executor'].includes(s),
      });
    }
    const audit = named(rendered.kafka, 'KafkaUser', 'datarights-audit');
    for (const t of fixedTopics()) {
      expect(can(audit, 'Read', 'topic', t)).toBe(true);
      expect({ t, write: can(audit, 'Write', 'topic', t) }).toEqual({ t, write: t === TOPICS.auditCheckpoints.name });
    }
    expect(can(audit, 'Read', 'topic', crm)).toBe(true);
  });

  it('lets each service write exactly the topics the event registry says it produces', () => {
    const produced: Record<string, Set<string>> = {};
    for (const e of Object.values(EVENTS)) {
      for (const p of e.producers as readonly string[])
        (produced[p] ??= new Set()).add(e.topic === 'command' ? commandTopic('crm') : e.topic.name);
    }
    for (const s of Object.keys(SERVICES)) {
      const u = named(rendered.kafka, 'KafkaUser', `datarights-${s}`);
      const writable = [...fixedTopics(), commandTopic('crm')].filter((t) => can(u, 'Write', 'topic', t));
      expect({ s, writes: writable.sort() }).toEqual({ s, writes: [...(produced[s] ?? [])].sort() });
    }
  });

  it('lets each service read every topic its handlers consume', () => {
    for (const s of Object.keys(SERVICES)) {
      const u = named(rendered.kafka, 'KafkaUser', `datarights-${s}`);
      for (const t of consumedTopics(s))
        expect({ s, t, read: can(u, 'Read', 'topic', t) }).toEqual({ s, t, read: true });
    }
  });

  it("renders a company system's templates into valid objects with exactly the contract's rights", () => {
    const objects = systemTemplates('crm');
    expect(validateObjects(objects).filter((r) => r.errors.length > 0)).toEqual([]);
    expect(ofKind(objects, 'KafkaTopic').map(topicName).sort()).toEqual(
      [commandTopic('crm'), ...systemWritableTopics('crm')].flatMap((t) => [t, dlqTopic(t)]).sort(),
    );
    for (const t of ofKind(objects, 'KafkaTopic'))
      expect(t.spec).toMatchObject({ replicas: 3, config: { 'min.insync.replicas': 2 } });
    const [user] = ofKind(objects, 'KafkaUser');
    expect(user.spec.authentication.type).toBe('scram-sha-512');
    const rights = acls(user).map(
      (a) =>
        `${a.resource.type}:${a.resource.name ?? ''}:${a.resource.patternType ?? ''}:${[...a.operations].sort().join('+')}`,
    );
    expect(rights.sort()).toEqual(
      [
        `topic:${systemTopic(TOPICS.systems, 'crm')}:literal:Describe+Write`,
        `topic:${systemTopic(TOPICS.dataEvents, 'crm')}:literal:Describe+Write`,
        `topic:${systemTopic(TOPICS.replies, 'crm')}:literal:Describe+Write`,
        `topic:${commandTopic('crm')}:literal:Describe+Read`,
        'group:system.crm:literal:Read',
        'cluster:::IdempotentWrite',
      ].sort(),
    );
    // And the template leaves no placeholder behind for a real id.
    expect(JSON.stringify(objects)).not.toContain('SYSTEM_ID');
  });
});
