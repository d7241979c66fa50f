// PostgreSQL for this checkout: an external DATABASE_URL, else the machine's own server on
// 127.0.0.1:5432 (started through pg_ctlcluster when installed but down), else a postgres:15
// container. A machine's own server is never stopped by these scripts.
import pg from 'pg';

import { InfraError, redactUrl, run, sleep, which } from './common.mjs';
import { containerRuntimeAvailable, recordedContainer, startPostgresContainer } from './containers.mjs';

export const DATABASE = 'datarights';
const LOCAL_HOST = '127.0.0.1';
const LOCAL_PORT = 5432;

/** Errors meaning "nobody answers (yet)", as opposed to "answers and says no". */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P03',
]);

function isUnreachable(err) {
  return UNREACHABLE.has(err?.code) || /timeout|terminated unexpectedly/i.test(err?.message ?? '');
}

/** One connection attempt: { ok, version } or { ok: false, error, unreachable }. */
export async function probe(url, timeoutMs = 3000) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {}); // a server going away mid-probe must not crash the CLI
  try {
    await client.connect();
    const { rows } = await client.query('SHOW server_version');
    return { ok: true, version: rows[0].server_version };
  } catch (err) {
    return { ok: false, error: err, unreachable: isUnreachable(err) };
  } finally {
    await client.end().catch(() => {});
  }
}

async function waitFor(url, deadlineMs) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const res = await probe(url);
    if (res.ok || !res.unreachable || Date.now() > deadline) return res;
    await sleep(500);
  }
}

function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function databaseOf(url) {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

/**
 * Creates the database if it does not exist (the services create their own schemas at
 * start-up). Done from the server's maintenance database, since the target may not
 * exist yet; a concurrent creator (42P04) is fine.
 */
export async function ensureDatabase(url) {
  const name = databaseOf(url);
  const direct = await probe(url);
  if (direct.ok) return `${name || 'the default database'} exists`;
  if (direct.error?.code !== '3D000') throw refusedError(url, direct.error);
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres'), connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return `${name} exists`;
    await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
    return `${name} created`;
  } catch (err) {
    if (err.code === '42P04') return `${name} exists`;
    throw new InfraError(`could not create the database ${name} on ${redactUrl(url)}: ${err.message}`, {
      hint: 'The user needs the CREATEDB privilege, or create the database yourself.',
    });
  } finally {
    await client.end().catch(() => {});
  }
}

const INSTALL_HINT =
  'Install and start PostgreSQL (Debian/Ubuntu: `sudo apt-get install postgresql`, then ' +
  '`sudo pg_ctlcluster 15 main start`; macOS: `brew install postgresql@15 && brew services start postgresql@15`), ' +
  'or run a Docker engine, or set DATABASE_URL to a server you run yourself.';

/** `pg_lsclusters`: [{ version, name, port, online }], the one on port 5432 first. */
async function clusters() {
  const out = await run('pg_lsclusters', ['--no-header']);
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 4)
    .map(([version, name, port, status]) => ({
      version,
      name,
      port: Number(port),
      online: status.startsWith('online'),
    }))
    .sort((a, b) => (b.port === LOCAL_PORT) - (a.port === LOCAL_PORT));
}

async function startInstalledCluster() {
  const list = await clusters();
  if (list.length === 0)
    throw new InfraError('pg_lsclusters lists no PostgreSQL cluster on this machine.', { hint: INSTALL_HINT });
  const c = list[0];
  if (!c.online) {
    try {
      // --skip-systemctl-redirect: start it directly, also where systemd is not PID 1
      // (containers, CI runners).
      await run('pg_ctlcluster', ['--skip-systemctl-redirect', c.version, c.name, 'start']);
    } catch (err) {
      throw new InfraError(
        `could not start the installed PostgreSQL ${c.version}/${c.name} cluster with pg_ctlcluster.`,
        {
          hint: `Start it yourself (\`sudo pg_ctlcluster ${c.version} ${c.name} start\`) or set DATABASE_URL.`,
          details: err.details,
        },
      );
    }
  }
  return c;
}

function localUrl(host, port, database = 'postgres') {
  return `postgres://postgres@${host}:${port}/${database}`;
}

function refusedError(url, err) {
  return new InfraError(`PostgreSQL at ${redactUrl(url)} answers but refuses the connection: ${err.message}`, {
    hint:
      'Without DATABASE_URL these scripts connect as user postgres without a password (trust auth on 127.0.0.1). ' +
      'With password authentication, create a role and its database once, then pass its URL:\n' +
      '    sudo -u postgres psql -c "CREATE ROLE datarights LOGIN PASSWORD \'<password>\'" ' +
      '-c "CREATE DATABASE datarights OWNER datarights"\n' +
      '    DATABASE_URL=postgres://datarights:<password>@127.0.0.1:5432/datarights npm test   (or npm start)',
  });
}

/**
 * Makes PostgreSQL available and returns { url, detail } where url is DATABASE_URL.
 * `started.containers` receives the id of a container started here.
 */
export async function ensurePostgres(started) {
  if (process.env.DATABASE_URL) {
    const url = process.env.DATABASE_URL;
    const res = await waitFor(url, 30_000);
    // 3D000: the server answers, only the database is missing; ensureDatabase creates it.
    if (!res.ok && res.error?.code !== '3D000') {
      if (res.unreachable) {
        throw new InfraError(`DATABASE_URL (${redactUrl(url)}) does not answer: ${res.error.message}`, {
          hint: 'Start that server, or unset DATABASE_URL to use a local one.',
        });
      }
      throw refusedError(url, res.error);
    }
    return {
      url,
      detail: `external DATABASE_URL ${redactUrl(url)}${res.version ? ` (PostgreSQL ${res.version})` : ''}`,
    };
  }

  const first = await probe(localUrl(LOCAL_HOST, LOCAL_PORT));
  if (first.ok) {
    return {
      url: localUrl(LOCAL_HOST, LOCAL_PORT, DATABASE),
      detail: `local server at ${LOCAL_HOST}:${LOCAL_PORT} (PostgreSQL ${first.version}), left as is`,
    };
  }
  if (!first.unreachable) throw refusedError(localUrl(LOCAL_HOST, LOCAL_PORT), first.error);

  let clusterError;
  if (which('pg_ctlcluster') && which('pg_lsclusters')) {
    try {
      const c = await startInstalledCluster();
      const res = await waitFor(localUrl(LOCAL_HOST, c.port), 30_000);
      if (res.ok) {
        return {
          url: localUrl(LOCAL_HOST, c.port, DATABASE),
          detail: `started the installed cluster ${c.version}/${c.name} at ${LOCAL_HOST}:${c.port} (PostgreSQL ${res.version}); it stays up after down`,
        };
      }
      if (!res.unreachable) throw refusedError(localUrl(LOCAL_HOST, c.port), res.error);
      clusterError = new InfraError(
        `PostgreSQL ${c.version}/${c.name} was started but does not answer on ${LOCAL_HOST}:${c.port} within 30 s.`,
        {
          hint: `See its log under /var/log/postgresql/, and check listen_addresses and port in its postgresql.conf.`,
        },
      );
    } catch (err) {
      clusterError = err;
    }
  }

  const previous = recordedContainer('postgres');
  if (previous) {
    const [host, port] = [previous.address.replace(/:\d+$/, ''), Number(previous.address.split(':').pop())];
    const res = await probe(localUrl(host, port));
    if (res.ok) {
      return {
        url: localUrl(host, port, DATABASE),
        detail: `reusing postgres:15 container ${previous.id.slice(0, 12)} at ${previous.address} (from an earlier up)`,
      };
    }
  }

  if (await containerRuntimeAvailable()) {
    const c = await startPostgresContainer({ database: DATABASE });
    started.containers.push(c.id);
    const res = await waitFor(localUrl(c.host, c.port), 60_000);
    if (!res.ok)
      throw new InfraError(`the postgres:15 container does not answer at ${c.host}:${c.port}: ${res.error.message}`);
    return {
      url: localUrl(c.host, c.port, DATABASE),
      detail: `postgres:15 container ${c.id.slice(0, 12)} at ${c.host}:${c.port}`,
    };
  }

  if (clusterError) throw clusterError;
  throw new InfraError(
    `No PostgreSQL answers on ${LOCAL_HOST}:${LOCAL_PORT}, none is installed (no pg_ctlcluster), and no Docker engine runs.`,
    {
      hint: INSTALL_HINT,
    },
  );
}
