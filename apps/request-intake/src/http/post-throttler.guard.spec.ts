import { Body, Controller, Get, Post, type INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { ThrottlerModule } from '@nestjs/throttler';
import request from 'supertest';
import { AuthGuard, HttpErrorFilter, loadRuntimeConfig, Roles, RuntimeConfig } from '@datarights/service-kit';
import { PostThrottlerGuard, postThrottlerOptions } from './post-throttler.guard';

@Roles('dpo', 'operator')
@Controller('things')
class ThingsController {
  @Get() list() {
    return [];
  }
  @Post() create(@Body() body: unknown) {
    return body;
  }
}

describe('PostThrottlerGuard (429 on flooded POST routes, per token)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const runtime = loadRuntimeConfig({
      NODE_ENV: 'test',
      DPO_TOKEN: 'unit-dpo-token',
      OPERATOR_TOKEN: 'unit-operator-token',
    });
    const moduleRef = await Test.createTestingModule({
      imports: [ThrottlerModule.forRoot(postThrottlerOptions(3))],
      controllers: [ThingsController],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: PostThrottlerGuard },
        { provide: RuntimeConfig, useValue: runtime },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalFilters(new HttpErrorFilter());
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  const post = (token: string) =>
    request(app.getHttpServer()).post('/things').set('Authorization', `Bearer ${token}`).send({ a: 1 });

  it('lets the limit through, then answers 429 in the common error shape', async () => {
    for (let i = 0; i < 3; i++) expect((await post('unit-dpo-token')).status).toBe(201);
    const flooded = await post('unit-dpo-token');
    expect(flooded.status).toBe(429);
    expect(flooded.body).toEqual({ statusCode: 429, error: expect.objectContaining({ code: 'TOO_MANY_REQUESTS' }) });
  });

  it('counts each token on its own', async () => {
    expect((await post('unit-operator-token')).status).toBe(201);
  });

  it('does not limit reads', async () => {
    for (let i = 0; i < 6; i++)
      expect(
        (await request(app.getHttpServer()).get('/things').set('Authorization', 'Bearer unit-dpo-token')).status,
      ).toBe(200);
  });

  it('authenticates before counting: no token is 401, not 429', async () => {
    expect((await request(app.getHttpServer()).post('/things').send({})).status).toBe(401);
  });
});
