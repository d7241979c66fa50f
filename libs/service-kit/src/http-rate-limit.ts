/**
 * A generous per-client rate limit on every HTTP route (docs/architecture.md: 429 when a route is
 * flooded), reads included: request-intake's POST throttler is stricter on writes; this one
 * bounds what a single token (or address, without one) can ask of any service, e.g.
 * audit's read API. Probes and the Prometheus scrape are never limited. Counters live in
 * this process (one replica's share), in fixed one-minute windows; the key is a hash of
 * the bearer token, never the token.
 */
import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { ErrorCode } from './http-error.filter';

const WINDOW_MS = 60_000;
export const DEFAULT_HTTP_RATE_LIMIT_PER_MINUTE = 3000;

export function httpRateLimitFromEnv(env: { HTTP_RATE_LIMIT_PER_MINUTE?: string }): number {
  const raw = env.HTTP_RATE_LIMIT_PER_MINUTE;
  if (raw === undefined || raw === '') return DEFAULT_HTTP_RATE_LIMIT_PER_MINUTE;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error('HTTP_RATE_LIMIT_PER_MINUTE must be a whole number (0 turns the limit off)');
  return n;
}

/** Express middleware; `limit` requests per client and minute (0: no limit). */
export function httpRateLimit(limit: number, now: () => number = Date.now) {
  let windowStart = now();
  let counts = new Map<string, number>();
  return (req: Request, res: Response, next: NextFunction): void => {
    const path = req.path ?? req.url ?? '';
    if (limit <= 0 || path.startsWith('/health') || path === '/metrics') return next();
    const t = now();
    if (t - windowStart >= WINDOW_MS) {
      windowStart = t;
      counts = new Map();
    }
    const key = clientKey(req);
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    if (n <= limit) return next();
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil((windowStart + WINDOW_MS - t) / 1000))));
    res
      .status(429)
      .json({ statusCode: 429, error: { code: ErrorCode.TooManyRequests, message: 'too many requests; slow down' } });
  };
}

function clientKey(req: Request): string {
  const auth = req.headers.authorization ?? '';
  if (/^bearer /i.test(auth))
    return `token:${createHash('sha256').update(auth.slice(7).trim()).digest('hex').slice(0, 32)}`;
  return `ip:${req.ip ?? 'unknown'}`;
}
