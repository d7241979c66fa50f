/**
 * Authentication at the edges of the running stack (issue "Operate it", §4). The stack runs
 * with NODE_ENV=test; production mode itself (JWTs against a JWKS, the development token
 * refused per request) is proven by libs/service-kit/src/auth.guard.spec.ts. Here: the
 * built service refuses to start in production with a development token or without a
 * JWKS, and the running APIs refuse forged tokens and send security headers.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { http, state } from './support/api';
import { ROOT } from './support/stack';

const pick = (...names: string[]) =>
  Object.fromEntries(names.filter((n) => process.env[n]).map((n) => [n, process.env[n] as string]));

/** Starts a built service with `env` and returns how it ended (it must end by itself). */
function startBuilt(app: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/apps', app, 'src/main.js')], {
      cwd: ROOT,
      // Not the test run's environment: no development token may leak in from it.
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...pick('KAFKA_BROKERS', 'DATABASE_URL'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += String(d)));
    child.stderr.on('data', (d) => (output += String(d)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${app} did not stop by itself within 60 s: ${output.slice(-2000)}`));
    }, 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const PRODUCTION = {
  NODE_ENV: 'production',
  PORT: '4091',
  KAFKA_TOPIC_PREFIX: `${state.topicPrefix}prodcheck.`,
  DATABASE_SCHEMA: `request_intake_${state.id}_prodcheck`,
  // Every other secret production requires, so that only the setting under test is missing.
  SUBJECT_HASH_KEY: 'e2e-production-check-subject-hash-key-0123456789',
  PACKAGE_ENCRYPTION_KEY: '0f'.repeat(32),
  PACKAGE_LINK_SECRET: 'e2e-production-check-package-link-secret-0123456789',
  RUN_MIGRATIONS: 'false',
};

describe('authentication, end to end', () => {
  it('a service started in production with DPO_TOKEN set refuses to start, and says why', async () => {
    const { code, output } = await startBuilt('request-intake', {
      ...PRODUCTION,
      DPO_TOKEN: 'dev-dpo-token',
      AUTH_JWKS_URL: 'https://id.example.test/jwks',
      AUTH_ISSUER: 'https://id.example.test',
      AUTH_AUDIENCE: 'datarights',
    });
    expect(code).not.toBe(0);
    expect(output).toContain('DPO_TOKEN is a development token and is refused in production');
  }, 90_000);

  it('a service started in production without AUTH_JWKS_URL refuses to start, and says why', async () => {
    const { code, output } = await startBuilt('request-intake', PRODUCTION);
    expect(code).not.toBe(0);
    expect(output).toContain('AUTH_JWKS_URL is required in production');
  }, 90_000);

  it("the running APIs refuse a forged JWT and an unknown token, accept the DPO's, and send security headers", async () => {
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const forged = `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ sub: 'mallory', roles: ['dpo'], exp: Math.floor(Date.now() / 1000) + 600 })}.`;
    for (const [service, path] of [
      ['request-intake', '/v1/requests?limit=1'],
      ['audit', '/v1/audit/verify'],
    ] as const) {
      expect((await http(service, 'GET', path, { token: forged })).status).toBe(401);
      expect((await http(service, 'GET', path, { token: 'not-a-token' })).status).toBe(401);
      expect((await http(service, 'GET', path, { token: null })).status).toBe(401);
      expect((await http(service, 'GET', path)).status).toBe(200);
    }
    const res = await fetch(`${state.urls['request-intake']}/v1/requests?limit=1`, {
      headers: { authorization: `Bearer ${state.token}` },
    });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});
