/** The per-client rate limit on every route: 429 in the common error shape past the limit, probes never limited. */
import express from 'express';
import request from 'supertest';
import { httpRateLimit, httpRateLimitFromEnv } from './http-rate-limit';

describe('httpRateLimit', () => {
  let now = 0;
  const app = express();
  app.use(httpRateLimit(3, () => now));
  app.get('/v1/things', (_req, res) => void res.json([]));
  app.get('/health/live', (_req, res) => void res.json({ ok: true }));
  app.get('/metrics', (_req, res) => void res.send(''));
  const get = (path: string, token?: string) =>
    token ? request(app).get(path).set('Authorization', `Bearer ${token}`) : request(app).get(path);

  it('lets a client through up to the limit in a minute, then answers 429 until the next minute', async () => {
    for (let i = 0; i < 3; i++) expect((await get('/v1/things', 'token-a')).status).toBe(200);
    const flooded = await get('/v1/things', 'token-a');
    expect(flooded.status).toBe(429);
    expect(flooded.body).toEqual({
      statusCode: 429,
      error: { code: 'TOO_MANY_REQUESTS', message: expect.any(String) },
    });
    expect(Number(flooded.headers['retry-after'])).toBeGreaterThan(0);
    // Another token has its own count; probes and the scrape are never limited.
    expect((await get('/v1/things', 'token-b')).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await get('/health/live', 'token-a')).status).toBe(200);
    expect((await get('/metrics')).status).toBe(200);
    now += 60_000;
    expect((await get('/v1/things', 'token-a')).status).toBe(200);
  });

  it('reads its limit from HTTP_RATE_LIMIT_PER_MINUTE (0 turns it off)', () => {
    expect(httpRateLimitFromEnv({})).toBe(3000);
    expect(httpRateLimitFromEnv({ HTTP_RATE_LIMIT_PER_MINUTE: '0' })).toBe(0);
    expect(() => httpRateLimitFromEnv({ HTTP_RATE_LIMIT_PER_MINUTE: 'lots' })).toThrow('HTTP_RATE_LIMIT_PER_MINUTE');
  });
});
