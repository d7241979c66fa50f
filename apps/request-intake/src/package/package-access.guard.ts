/**
 * Who may download a package (GDPR Art. 15(3), 15(4): the copy must reach the subject and
 * no one else): the DPO (bearer token with the `dpo` role, checked by service-kit's
 * AuthGuard), or whoever holds the subject's signed link — a wrong or missing signature is
 * 403, a right one past its expiry 410. The route itself is @Public so that a link works
 * without a token; this guard does the checking.
 */
import { HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppError, AuthGuard, Clock, ErrorCode, Roles, RuntimeConfig } from '@datarights/service-kit';
import { PackageKeys } from './package-keys';
import { checkLink } from './signed-link';

/** The roles the DPO route needs, as metadata the AuthGuard reads. */
class DpoOnly {
  @Roles('dpo')
  handler(): void {}
}

@Injectable()
export class PackageAccessGuard implements CanActivate {
  private readonly auth: AuthGuard;

  constructor(
    reflector: Reflector,
    runtime: RuntimeConfig,
    private readonly keys: PackageKeys,
    private readonly clock: Clock,
  ) {
    this.auth = new AuthGuard(reflector, runtime);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const { expires, sig } = req.query as Record<string, unknown>;
    if (expires === undefined && sig === undefined) {
      // No link: the DPO's token, with the role, as any other DPO route.
      const dpoContext = Object.assign(Object.create(context) as ExecutionContext, {
        getHandler: () => DpoOnly.prototype.handler,
        getClass: () => DpoOnly,
      });
      return this.auth.canActivate(dpoContext);
    }
    const id = String((req.params as Record<string, string>).id ?? '');
    const check = checkLink(this.keys.linkSecret, id, expires, sig, this.clock.now());
    if (check === 'forbidden')
      throw new AppError(HttpStatus.FORBIDDEN, ErrorCode.Forbidden, 'this download link is not valid');
    if (check === 'expired')
      throw new AppError(HttpStatus.GONE, ErrorCode.Gone, 'this download link has expired: ask for a new one');
    return true;
  }
}
