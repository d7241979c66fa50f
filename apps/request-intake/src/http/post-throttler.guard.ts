/**
 * Rate limit on the routes that write (docs/architecture.md: 429 when a route is flooded): every POST,
 * counted per bearer token (a hash of it, never the token itself), or per address without
 * one. Reads are not limited. The counters are shared by every replica (RATE_LIMIT_STORE:
 * service-kit's PostgresThrottlerStorage, by default).
 */
import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { createHash } from 'node:crypto';

export const POST_THROTTLER = 'post';

@Injectable()
export class PostThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<{ method?: string }>();
    return req.method !== 'POST';
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const headers = (req.headers ?? {}) as Record<string, string | undefined>;
    const auth = headers.authorization ?? '';
    if (auth.startsWith('Bearer '))
      return `token:${createHash('sha256').update(auth.slice(7).trim()).digest('hex').slice(0, 32)}`;
    return `ip:${String(req.ip ?? 'unknown')}`;
  }
}

/** Throttler options: `limit` POSTs per token and per minute. */
export function postThrottlerOptions(limitPerMinute: number) {
  return { throttlers: [{ name: POST_THROTTLER, ttl: 60_000, limit: limitPerMinute }] };
}
