/**
 * PostgreSQL settings shared by every service, from the environment the entry point read
 * once at boot (service-kit's `loadRuntimeConfig`; docs/conventions.md, "Configuration"):
 * this lib never reads process.env itself.
 */
import { readFileSync } from 'node:fs';

export interface DatabaseSettings {
  url: string;
  ssl: false | { ca?: string; rejectUnauthorized: boolean };
  poolSize: number;
}

/**
 * DATABASE_URL, with DATABASE_USER / DATABASE_PASSWORD, when set, in place of the URL's
 * own credentials. In Kubernetes the URL (host, port, database) is configuration and the
 * role's name and password come from the role's Secret (deploy/postgres), so no secret has
 * to be assembled into a URL; any character of the password is percent-encoded here.
 */
export function databaseUrlFromEnv(env: NodeJS.ProcessEnv): string {
  const raw = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/datarights';
  if (!/^postgres(ql)?:\/\//.test(raw)) throw new Error('DATABASE_URL must be a postgres:// URL');
  if (!env.DATABASE_USER && !env.DATABASE_PASSWORD) return raw;
  const url = new URL(raw);
  if (env.DATABASE_USER) url.username = encodeURIComponent(env.DATABASE_USER);
  if (env.DATABASE_PASSWORD) url.password = encodeURIComponent(env.DATABASE_PASSWORD);
  return url.toString();
}

export function databaseSettingsFromEnv(env: NodeJS.ProcessEnv): DatabaseSettings {
  const url = databaseUrlFromEnv(env);
  const sslOn = env.DATABASE_SSL === 'true';
  return {
    url,
    ssl: sslOn
      ? {
          rejectUnauthorized: true,
          ...(env.DATABASE_SSL_CA_FILE ? { ca: readFileSync(env.DATABASE_SSL_CA_FILE, 'utf8') } : {}),
        }
      : false,
    poolSize: Number(env.DATABASE_POOL_SIZE ?? 10),
  };
}

/**
 * The schema a service uses: its own name, or DATABASE_SCHEMA when set (test runs use a
 * schema of their own). Given the environment read when the app is created, not when modules are imported.
 */
export function resolveSchema(defaultSchema: string, env: { DATABASE_SCHEMA?: string }): string {
  return assertSchemaName(env.DATABASE_SCHEMA || defaultSchema);
}

/** A schema name is an identifier we interpolate into SQL: keep it to a strict pattern. */
export function assertSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  return schema;
}
