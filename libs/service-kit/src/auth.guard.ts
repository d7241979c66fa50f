/**
 * Bearer-token authentication and roles for the APIs facing people. In production
 * (NODE_ENV=production) a token is an OIDC JWT checked against the identity provider's
 * JWKS (auth.jwt.ts); the service refuses to start without AUTH_JWKS_URL, or with a
 * development token set. On one machine, development tokens (DPO_TOKEN, OPERATOR_TOKEN,
 * AUDITOR_TOKEN) stand for those roles, and JWTs are accepted too when AUTH_JWKS_URL is set
 * (issue: "Operate it", §4). A public route either ignores tokens (health, metrics: a probe
 * or a scraper never gets a 401) or accepts one (`@Public({ acceptsToken: true })`: the
 * self-service route, where a customer-space user's token names them): there, no header is
 * anonymous, and a header is checked like anywhere else — a bad or expired token is a 401,
 * never a silent fall back to anonymous.
 */
import { CanActivate, ExecutionContext, HttpStatus, Inject, Injectable, Logger, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { AppError, ErrorCode } from './http-error.filter';
import { jwtAuthSettingsFromEnv, JwtVerifier } from './auth.jwt';
import { isProduction } from './environment';
import { RuntimeConfig } from './runtime.config';

export const ROLES = ['dpo', 'operator', 'auditor', 'subject'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  id: string;
  roles: Role[];
  /** A customer-space user's customer number (JWT claim AUTH_CUSTOMER_CLAIM), when the token carries one. */
  customerId?: string;
}

const ROLES_KEY = 'datarights:roles';
const PUBLIC_KEY = 'datarights:public';
const TOKEN_ACCEPTED = 'token-accepted';

export interface PublicOptions {
  /** A bearer token may be presented: checked when it is (401 if bad), and its principal set on the request; anonymous without one. */
  acceptsToken?: boolean;
}

/** The roles allowed on a route (any of them). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** A route that needs no token (health, self-service with its own checks); `acceptsToken`: one may still be presented, and is then checked. */
export const Public = (options: PublicOptions = {}) =>
  SetMetadata(PUBLIC_KEY, options.acceptsToken ? TOKEN_ACCEPTED : true);

export const DEV_TOKEN_VARIABLES = ['DPO_TOKEN', 'OPERATOR_TOKEN', 'AUDITOR_TOKEN'] as const;

/** The development tokens and NODE_ENV, from the runtime config (runtime.config.ts). */
export type DevTokenEnv = Partial<Record<'NODE_ENV' | (typeof DEV_TOKEN_VARIABLES)[number], string>>;

/** Called at start-up (bootstrap): a development token set in production stops the service. */
export function assertDevTokenAllowed(env: DevTokenEnv): void {
  if (!isProduction(env)) return;
  const set = DEV_TOKEN_VARIABLES.filter((v) => env[v]);
  if (set.length) {
    throw new Error(
      `${set.join(', ')} ${set.length > 1 ? 'are development tokens and are' : 'is a development token and is'} refused in production: unset it and configure AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE instead`,
    );
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');
  private readonly production: boolean;
  private readonly jwt?: JwtVerifier;
  private readonly devTokens: Array<[string | undefined, Principal]>;

  /**
   * Throws in production without AUTH_JWKS_URL or with a development token: the app does not
   * start. The settings come from the runtime config, read from the environment at boot.
   */
  constructor(
    private readonly reflector: Reflector,
    @Inject(RuntimeConfig) config: RuntimeConfig,
  ) {
    this.production = isProduction(config);
    assertDevTokenAllowed(config);
    const settings = jwtAuthSettingsFromEnv(config);
    this.jwt = settings ? new JwtVerifier(settings) : undefined;
    this.devTokens = [
      [config.DPO_TOKEN, { id: 'dev-dpo', roles: ['dpo', 'operator', 'auditor'] }],
      [config.OPERATOR_TOKEN, { id: 'dev-operator', roles: ['operator'] }],
      [config.AUDITOR_TOKEN, { id: 'dev-auditor', roles: ['auditor'] }],
    ];
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const open = this.reflector.getAllAndOverride<true | typeof TOKEN_ACCEPTED | undefined>(PUBLIC_KEY, targets);
    if (open === true) return true;
    const req = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    // A route that accepts a token: without an Authorization header, the caller is anonymous.
    if (open === TOKEN_ACCEPTED && req.headers.authorization === undefined) return true;
    const header = req.headers.authorization ?? '';
    const token = /^bearer /i.test(header) ? header.slice(7).trim() : '';
    if (!token) throw new AppError(HttpStatus.UNAUTHORIZED, ErrorCode.Unauthenticated, 'a bearer token is required');
    const principal = await this.authenticate(token);
    req.principal = principal;
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (required && !required.some((r) => principal.roles.includes(r))) {
      throw new AppError(
        HttpStatus.FORBIDDEN,
        ErrorCode.Forbidden,
        `this route needs one of the roles: ${required.join(', ')}`,
      );
    }
    return true;
  }

  private async authenticate(token: string): Promise<Principal> {
    const dev = this.devPrincipal(token);
    if (dev) return dev;
    if (this.jwt && token.split('.').length === 3) {
      const checked = await this.jwt.verify(token);
      if (checked.ok) return checked.principal;
      if (checked.reason === 'keys-unavailable') {
        this.logger.error(`the identity provider's keys could not be fetched (${checked.code})`);
        throw new AppError(
          HttpStatus.SERVICE_UNAVAILABLE,
          ErrorCode.Internal,
          'tokens cannot be checked right now; try again later',
        );
      }
      // The reason, never the token (a bearer credential).
      this.logger.debug(`JWT refused: ${checked.code}`);
    }
    throw new AppError(HttpStatus.UNAUTHORIZED, ErrorCode.Unauthenticated, 'invalid token');
  }

  /** Development tokens: never in production, whatever the environment holds. */
  private devPrincipal(token: string): Principal | undefined {
    if (this.production) return undefined;
    for (const [expected, principal] of this.devTokens) if (expected && safeEqual(token, expected)) return principal;
    return undefined;
  }
}

export function principalOf(req: Request): Principal {
  const p = (req as Request & { principal?: Principal }).principal;
  if (!p) throw new AppError(HttpStatus.UNAUTHORIZED, ErrorCode.Unauthenticated, 'not authenticated');
  return p;
}
