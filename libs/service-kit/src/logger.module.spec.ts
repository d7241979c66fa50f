/** The logger adds the ids of the Kafka message being handled to every line, and still redacts personal data. */
import pino from 'pino';
import { Writable } from 'node:stream';
import { withConsumedMessage } from '@datarights/messaging';
import { serviceLogOptions } from './logger.module';

function capture(): { logger: pino.Logger; lines: () => Array<Record<string, unknown>> } {
  const out: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      out.push(String(chunk));
      done();
    },
  });
  return {
    logger: pino({ ...serviceLogOptions('log-test'), level: 'info' }, stream),
    lines: () =>
      out
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
  };
}

describe('service logs', () => {
  it('carry the correlation id and trace id while a message is handled, and not after', async () => {
    const { logger, lines } = capture();
    const traceparent = Buffer.from('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    await withConsumedMessage(
      { traceparent },
      {
        topic: 'dsr.requests.v1',
        partition: 1,
        offset: '3',
        eventId: 'e-1',
        correlationId: '9b2f7c4e-0000-4000-8000-000000000001',
      },
      async () => {
        logger.info({ email: 'jane.doe@example.com' }, 'handling for jane.doe@example.com');
      },
    );
    logger.info('idle');
    const [handling, idle] = lines();
    expect(handling).toMatchObject({
      service: 'log-test',
      correlationId: '9b2f7c4e-0000-4000-8000-000000000001',
      eventId: 'e-1',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    });
    expect(JSON.stringify(handling)).not.toContain('jane.doe');
    expect(idle.correlationId).toBeUndefined();
    expect(idle.traceId).toBeUndefined();
  });
});
