/** The console's settings, from the environment; a bad or missing one stops the start-up with its name. */
import { logLevelOf } from '@datarights/web-kit';

export interface ConsoleConfig {
  PORT: number;
  REQUEST_INTAKE_URL: string;
  DATA_LOCATOR_URL: string;
  AUDIT_URL: string;
  POLICY_FILE?: string;
  /** Outside production only: sign in by pasting the development token (the services' DPO_TOKEN). */
  devLogin: boolean;
  oidc?: {
    issuer: string;
    audience: string;
    clientId: string;
    clientSecret?: string;
    redirectUri: string;
    scope: string;
  };
  TRUST_PROXY?: string | number;
  /** The log level (pino's), `info` by default. */
  LOG_LEVEL: string;
}

/** `env`: the environment main.ts read at boot. */
export function consoleConfig(env: NodeJS.ProcessEnv): ConsoleConfig {
  const url = (name: string, fallback?: string) => {
    const v = env[name] ?? fallback;
    if (v === undefined) throw new Error(`${name} is required`);
    try {
      return new URL(v).toString();
    } catch {
      throw new Error(`${name} must be an absolute URL (got ${JSON.stringify(v)})`);
    }
  };
  const port = Number(env.PORT ?? 3020);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('PORT must be a port number');
  const production = env.NODE_ENV === 'production';
  // The same issuer and audience as the API's (AUTH_ISSUER, AUTH_AUDIENCE), plus this client's registration.
  const issuer = env.AUTH_ISSUER?.trim();
  let oidc: ConsoleConfig['oidc'];
  if (issuer) {
    const audience = (env.AUTH_AUDIENCE ?? '').split(',')[0]?.trim();
    if (!audience) throw new Error('AUTH_AUDIENCE is required with AUTH_ISSUER (the API audience to ask a token for)');
    if (!env.OIDC_CLIENT_ID) throw new Error('OIDC_CLIENT_ID is required with AUTH_ISSUER');
    oidc = {
      issuer,
      audience,
      clientId: env.OIDC_CLIENT_ID,
      clientSecret: env.OIDC_CLIENT_SECRET || undefined,
      redirectUri: url('OIDC_REDIRECT_URI'),
      scope: env.OIDC_SCOPE ?? 'openid',
    };
  } else if (production) {
    throw new Error('AUTH_ISSUER, AUTH_AUDIENCE, OIDC_CLIENT_ID and OIDC_REDIRECT_URI are required in production');
  }
  const trust = env.TRUST_PROXY?.trim();
  return {
    PORT: port,
    REQUEST_INTAKE_URL: url('REQUEST_INTAKE_URL', 'http://127.0.0.1:3000'),
    DATA_LOCATOR_URL: url('DATA_LOCATOR_URL', 'http://127.0.0.1:3002'),
    AUDIT_URL: url('AUDIT_URL', 'http://127.0.0.1:3004'),
    POLICY_FILE: env.POLICY_FILE,
    devLogin: !production,
    oidc,
    TRUST_PROXY: trust ? (/^\d+$/.test(trust) ? Number(trust) : trust) : undefined,
    LOG_LEVEL: logLevelOf(env.LOG_LEVEL),
  };
}
