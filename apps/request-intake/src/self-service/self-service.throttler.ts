/**
 * Strict rate limit of the public filing route, per client address whatever token is
 * presented (a flood with made-up tokens is still one address). Counted apart from the
 * service-wide POST limit, which also applies.
 */
import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

@Injectable()
export class SelfServiceThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return context.getType() !== 'http';
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    return `self-service-ip:${String(req.ip ?? 'unknown')}`;
  }
}
