/**
 * Production authentication: OIDC access tokens (JWTs) checked against the identity
 * provider's published keys (JWKS), its issuer and our audience (issue "Operate it", §4).
 * Only asymmetric signatures are accepted (RS256, ES256): `alg: none` and HMAC tokens,
 * which anyone holding a shared secret could mint, are refused. Roles come from a claim
 * (`roles` by default, or Keycloak's `realm_access.roles`); unknown roles are ignored. A
 * customer-space user's customer number comes from another claim (AUTH_CUSTOMER_CLAIM,
 * `customer_id` by default): the self-service route takes it as the subject's.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Principal, Role } from './auth.guard';
import { isProduction } from './environment';

export const JWT_ALGORITHMS = ['RS256', 'ES256'];
const KNOWN_ROLES: readonly Role[] = ['dpo', 'operator', 'auditor', 'subject'];
/** Keycloak puts realm roles there, whatever AUTH_ROLES_CLAIM says. */
const KEYCLOAK_ROLES_CLAIM = 'realm_access.roles';
/** The claim of a customer-space token that holds the customer number, unless AUTH_CUSTOMER_CLAIM names another. */
export const DEFAULT_CUSTOMER_CLAIM = 'customer_id';

export interface JwtAuthSettings {
  jwksUrl: URL;
  issuer: string;
  audience: string[];
  /** Dotted path of the claim that holds the roles (an array, or a space-separated string). */
  rolesClaim: string;
  /** Dotted path of the claim that holds a customer-space user's customer number (a string or a number). */
  customerClaim: string;
  /** Seconds of clock skew tolerated on `exp` / `nbf` / `iat`. */
  clockToleranceSec: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * The JWT settings from AUTH_* variables; undefined when AUTH_JWKS_URL is not set. In
 * production (NODE_ENV=production) it is required, so that a service whose API faces
 * people never starts without a way to authenticate them; the keys must then come over
 * https (they decide who is the DPO), except from the machine itself.
 */
/** The AUTH_* variables, from the runtime config (runtime.config.ts). */
export type JwtAuthEnv = Partial<
  Record<
    | 'NODE_ENV'
    | 'AUTH_JWKS_URL'
    | 'AUTH_ISSUER'
    | 'AUTH_AUDIENCE'
    | 'AUTH_CLOCK_TOLERANCE_SECONDS'
    | 'AUTH_ROLES_CLAIM'
    | 'AUTH_CUSTOMER_CLAIM',
    string
  >
>;

export function jwtAuthSettingsFromEnv(env: JwtAuthEnv): JwtAuthSettings | undefined {
  const production = isProduction(env);
  const raw = env.AUTH_JWKS_URL?.trim();
  if (!raw) {
    if (production) {
      throw new Error(
        'AUTH_JWKS_URL is required in production (NODE_ENV=production): set AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE to your identity provider',
      );
    }
    return undefined;
  }
  let jwksUrl: URL;
  try {
    jwksUrl = new URL(raw);
  } catch {
    throw new Error('AUTH_JWKS_URL must be an absolute URL (https://.../jwks)');
  }
  if (
    jwksUrl.protocol !== 'https:' &&
    !(jwksUrl.protocol === 'http:' && (!production || LOOPBACK.has(jwksUrl.hostname)))
  ) {
    throw new Error('AUTH_JWKS_URL must use https in production');
  }
  const issuer = env.AUTH_ISSUER?.trim();
  const audience = (env.AUTH_AUDIENCE ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  if (!issuer)
    throw new Error('AUTH_ISSUER is required with AUTH_JWKS_URL (the "iss" of the identity provider\'s tokens)');
  if (audience.length === 0)
    throw new Error('AUTH_AUDIENCE is required with AUTH_JWKS_URL (the "aud" our tokens are issued for)');
  const tolerance = Number(env.AUTH_CLOCK_TOLERANCE_SECONDS ?? 30);
  if (!Number.isFinite(tolerance) || tolerance < 0 || tolerance > 300)
    throw new Error('AUTH_CLOCK_TOLERANCE_SECONDS must be between 0 and 300');
  return {
    jwksUrl,
    issuer,
    audience,
    rolesClaim: env.AUTH_ROLES_CLAIM?.trim() || 'roles',
    customerClaim: env.AUTH_CUSTOMER_CLAIM?.trim() || DEFAULT_CUSTOMER_CLAIM,
    clockToleranceSec: tolerance,
  };
}

export type JwtCheck =
  { ok: true; principal: Principal } | { ok: false; reason: 'invalid' | 'keys-unavailable'; code: string };

export class JwtVerifier {
  private readonly keys: JWTVerifyGetKey;

  /** `keys` replaces the remote key set (tests). */
  constructor(
    private readonly settings: JwtAuthSettings,
    keys?: JWTVerifyGetKey,
  ) {
    // Keys are cached; an unknown `kid` refetches at most every 30 s (key rotation without a restart).
    this.keys =
      keys ??
      createRemoteJWKSet(settings.jwksUrl, {
        timeoutDuration: 5000,
        cooldownDuration: 30_000,
        cacheMaxAge: 10 * 60_000,
      });
  }

  /** Verifies signature, algorithm, issuer, audience and times; never throws. */
  async verify(token: string): Promise<JwtCheck> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: JWT_ALGORITHMS,
        clockTolerance: this.settings.clockToleranceSec,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (err) {
      return { ok: false, reason: keysUnavailable(err) ? 'keys-unavailable' : 'invalid', code: errorCode(err) };
    }
    if (typeof payload.sub !== 'string' || !payload.sub)
      return { ok: false, reason: 'invalid', code: 'ERR_JWT_NO_SUBJECT' };
    const customerId = customerIdOf(payload, this.settings.customerClaim);
    return {
      ok: true,
      principal: {
        id: payload.sub,
        roles: rolesOf(payload, this.settings.rolesClaim),
        ...(customerId ? { customerId } : {}),
      },
    };
  }
}

function claimAt(payload: JWTPayload, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.split('.'))
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

/** The customer number in the configured claim: a non-empty string (trimmed) or a whole number; anything else is none. */
export function customerIdOf(payload: JWTPayload, claim: string): string | undefined {
  const value = claimAt(payload, claim);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && value.trim().length > 0 && value.trim().length <= 64) return value.trim();
  return undefined;
}

/** The known roles found in the configured claim and in Keycloak's realm roles. */
export function rolesOf(payload: JWTPayload, claim: string): Role[] {
  const found = new Set<Role>();
  for (const path of new Set([claim, KEYCLOAK_ROLES_CLAIM])) {
    const value = claimAt(payload, path);
    const list = typeof value === 'string' ? value.split(/\s+/) : Array.isArray(value) ? value : [];
    for (const r of list)
      if (typeof r === 'string' && (KNOWN_ROLES as readonly string[]).includes(r)) found.add(r as Role);
  }
  return [...found];
}

/** The identity provider's keys could not be had: not the caller's fault (503, not 401). */
function keysUnavailable(err: unknown): boolean {
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) return true;
  // jose throws its bare JOSEError only when fetching the key set (not 200, not JSON).
  if (err instanceof errors.JOSEError) return err.constructor === errors.JOSEError;
  // Network errors: connection refused, DNS.
  return true;
}

function errorCode(err: unknown): string {
  if (err instanceof errors.JOSEError) return err.code;
  return (err as { code?: string } | undefined)?.code ?? 'ERR_JWKS_FETCH';
}
