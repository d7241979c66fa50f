/**
 * Bearer-token authentication and roles for the APIs facing people. On one machine a
 * development token (DPO_TOKEN) stands for the DPO; it is refused in production, where
 * tokens are OIDC JWTs (issue: "Operate it").
 */
import { CanActivate, ExecutionContext, HttpStatus, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { AppError, ErrorCode } from './http-error.filter';

export const ROLES = ['dpo', 'operator', 'auditor', 'subject'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  id: string;
  roles: Role[];
}

const ROLES_KEY = 'datarights:roles';
const PUBLIC_KEY = 'datarights:public';

/** The roles allowed on a route (any of them). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** A route that needs no token (health, self-service with its own checks). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export function assertDevTokenAllowed(env: NodeJS.ProcessEnv = process.env): void {
  if (env.NODE_ENV === 'production' && env.DPO_TOKEN) {
    throw new Error('DPO_TOKEN is a development token and is refused in production: configure AUTH_JWKS_URL instead');
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token) throw new AppError(HttpStatus.UNAUTHORIZED, ErrorCode.Unauthenticated, 'a bearer token is required');
    const principal = this.authenticate(token);
    if (!principal) throw new AppError(HttpStatus.UNAUTHORIZED, ErrorCode.Unauthenticated, 'invalid token');
    req.principal = principal;
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (required && !required.some((r) => principal.roles.includes(r))) {
      throw new AppError(HttpStatus.FORBIDDEN, ErrorCode.Forbidden, `this route needs one of the roles: ${required.join(', ')}`);
    }
    return true;
  }

  private authenticate(token: string): Principal | undefined {
    const dev: Array<[string | undefined, Principal]> = [
      [process.env.DPO_TOKEN, { id: 'dev-dpo', roles: ['dpo', 'operator', 'auditor'] }],
      [process.env.OPERATOR_TOKEN, { id: 'dev-operator', roles: ['operator'] }],
      [process.env.AUDITOR_TOKEN, { id: 'dev-auditor', roles: ['auditor'] }],
    ];
    if (process.env.NODE_ENV === 'production') return undefined;
    for (const [expected, principal] of dev) if (expected && safeEqual(token, expected)) return principal;
    return undefined;
  }
}

export function principalOf(req: Request): Principal {
  const p = (req as Request & { principal?: Principal }).principal;
  if (!p) throw new AppError(HttpStatus.UNAUTHORIZED, ErrorCode.Unauthenticated, 'not authenticated');
  return p;
}
