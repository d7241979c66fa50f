/** The privacy centre's settings, from the environment (validated: a bad value stops the start-up with its name). */
import { logLevelOf } from '@datarights/web-kit';

export interface PrivacyCentreConfig {
  PORT: number;
  REQUEST_INTAKE_URL: string;
  IDENTITY_URL: string;
  POLICY_FILE?: string;
  /** Proxies in front of it whose X-Forwarded-For is believed (e.g. the ingress): hops or subnets. */
  TRUST_PROXY?: string | number;
  /** The log level (pino's), `info` by default. */
  LOG_LEVEL: string;
}

/** `env`: the environment main.ts read at boot. */
export function privacyCentreConfig(env: NodeJS.ProcessEnv): PrivacyCentreConfig {
  const url = (name: string, fallback: string) => {
    const v = env[name] ?? fallback;
    try {
      return new URL(v).toString();
    } catch {
      throw new Error(`${name} must be an absolute URL (got ${JSON.stringify(v)})`);
    }
  };
  const port = Number(env.PORT ?? 3021);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('PORT must be a port number');
  const trust = env.TRUST_PROXY?.trim();
  return {
    PORT: port,
    REQUEST_INTAKE_URL: url('REQUEST_INTAKE_URL', 'http://127.0.0.1:3000'),
    IDENTITY_URL: url('IDENTITY_URL', 'http://127.0.0.1:3001'),
    POLICY_FILE: env.POLICY_FILE,
    TRUST_PROXY: trust ? (/^\d+$/.test(trust) ? Number(trust) : trust) : undefined,
    LOG_LEVEL: logLevelOf(env.LOG_LEVEL),
  };
}
