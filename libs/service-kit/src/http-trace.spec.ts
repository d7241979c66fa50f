/** An HTTP request's `traceparent` becomes the context of what it publishes. */
import express from 'express';
import request from 'supertest';
import { traceHeaders } from '@datarights/messaging';
import { httpTraceContext } from './http-trace';

describe('httpTraceContext', () => {
  const app = express();
  app.use(httpTraceContext());
  app.get('/publish', async (_req, res) => {
    await new Promise((r) => setTimeout(r, 5)); // as a handler that awaits the database
    res.json(traceHeaders());
  });

  it("continues the caller's trace in what the handler publishes", async () => {
    const res = await request(app)
      .get('/publish')
      .set('traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(res.body.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
  });

  it('adds nothing without a traceparent, or with a malformed one', async () => {
    expect((await request(app).get('/publish')).body).toEqual({});
    expect((await request(app).get('/publish').set('traceparent', 'garbage')).body).toEqual({});
  });
});
