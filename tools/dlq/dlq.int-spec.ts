/**
 * The dead-letter tool against real Kafka and PostgreSQL: a message a service could not
 * handle is listed with its reason (and without its payload), and once the cause is fixed
 * a replay has the service handle it, once, even when replayed twice.
 */
import { Controller, Module, type INestApplication } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { TOPICS, type RequestClosed } from '@datarights/contracts';
import { MessageContext, OnEvent, PermanentError } from '@datarights/messaging';
import { ServiceKitModule } from '@datarights/service-kit';
import {
  cleanup,
  isolate,
  RawKafka,
  startTestService,
  waitFor,
  type Isolation,
  type Received,
} from '@datarights/testing';
import { main } from './dlq';

/** Request ids the handler refuses until the "fix" is deployed. */
const broken = new Set<string>();

class DlqEffects1700000000002 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE effects (event_id text NOT NULL, request_id uuid NOT NULL)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE effects`);
  }
}

@Controller()
class Handlers {
  @OnEvent('requestClosed')
  async onClosed(@Payload() data: RequestClosed, @Ctx() ctx: MessageContext): Promise<void> {
    if (broken.has(data.requestId)) throw new PermanentError('the closing rule is not deployed yet');
    await ctx.manager.query(`INSERT INTO effects (event_id, request_id) VALUES ($1, $2)`, [
      ctx.envelope.id,
      data.requestId,
    ]);
  }
}

@Module({
  imports: [
    ServiceKitModule.forRoot({
      service: 'dlq-test',
      schema: 'dlq_test',
      entities: [],
      migrations: [DlqEffects1700000000002],
    }),
  ],
  controllers: [Handlers],
})
class DlqTestModule {}

const SECRET_MARK = '2031-01-01T00:00:00.000Z';
function closed(requestId = randomUUID()): RequestClosed {
  return {
    requestId,
    type: 'erasure',
    outcome: 'completed',
    closedAt: SECRET_MARK,
    dueAt: SECRET_MARK,
    receivedAt: SECRET_MARK,
  };
}

async function run(...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  await main(args, (l) => lines.push(l));
  return lines;
}

describe('npm run dlq (real Kafka and PostgreSQL)', () => {
  let iso: Isolation;
  let app: INestApplication;
  let raw: RawKafka;
  let onTopic: Received[];
  let dlq: Received[];
  const effects = async (requestId: string) =>
    (await app.get(DataSource).query(`SELECT count(*)::int AS n FROM effects WHERE request_id = $1`, [requestId]))[0]
      .n as number;

  beforeAll(async () => {
    iso = isolate('dlq-test');
    app = await startTestService(DlqTestModule, 'dlq-test', 'dlq_test');
    raw = new RawKafka(iso.topicPrefix);
    onTopic = await raw.collect([TOPICS.requests.name]);
    dlq = await raw.collect([`${TOPICS.requests.name}.dlq`]);
  });

  afterAll(async () => {
    await raw?.close();
    await app?.close();
    if (iso) await cleanup(iso);
  });

  it('lists a dead letter with its reason, replays it after the fix, and the service handles it once', async () => {
    const event = closed();
    broken.add(event.requestId);
    const sent = await raw.sendEvent(TOPICS.requests.name, event.requestId, 'dsr.request.closed.v1', event, {
      correlationid: event.requestId,
    });
    const notJsonKey = randomUUID();
    await raw.send(TOPICS.requests.name, notJsonKey, '{"half": ');
    await raw.waitForMessage(dlq, (r) => r.key === notJsonKey, 'the invalid message in the DLQ');
    await raw.waitForMessage(dlq, (r) => r.key === event.requestId, 'the refused event in the DLQ');

    // list: the reason, where it came from, which event; not the payload.
    const text = (await run('list', TOPICS.requests.name)).join('\n');
    expect(text).toContain(`${iso.topicPrefix}${TOPICS.requests.name}.dlq: 2 dead letter(s)`);
    expect(text).toContain('handler-rejected: the closing rule is not deployed yet');
    expect(text).toContain(`dsr.request.closed.v1  id ${sent.id}  correlation ${event.requestId}`);
    expect(text).toContain(`from      ${iso.topicPrefix}${TOPICS.requests.name} [`);
    expect(text).toMatch(/reason {4}invalid-envelope: /);
    expect(text).not.toContain(SECRET_MARK);
    expect((await run('list', TOPICS.requests.name, '--show-payload')).join('\n')).toContain(SECRET_MARK);
    const listed = (await run('list', TOPICS.requests.name, '--json')).map(
      (l) => JSON.parse(l) as { offset: string; partition: number; eventId?: string; key: string },
    );
    expect(listed).toHaveLength(2);
    const letter = listed.find((l) => l.eventId === sent.id)!;
    expect(letter.key).toBe(event.requestId);
    expect(await effects(event.requestId)).toBe(0);

    // The fix is deployed; replay that one message, twice.
    broken.delete(event.requestId);
    expect(
      await run(
        'replay',
        TOPICS.requests.name,
        '--offset',
        letter.offset,
        '--partition',
        String(letter.partition),
        '--dry-run',
      ),
    ).toEqual([expect.stringContaining(`would replay ${letter.partition}:${letter.offset}`)]);
    const out = await run(
      'replay',
      TOPICS.requests.name,
      '--offset',
      letter.offset,
      '--partition',
      String(letter.partition),
    );
    expect(out[0]).toBe(
      `replayed ${iso.topicPrefix}${TOPICS.requests.name}.dlq:${letter.partition}:${letter.offset} -> ${iso.topicPrefix}${TOPICS.requests.name} (key ${event.requestId})`,
    );
    await waitFor(async () => (await effects(event.requestId)) === 1, 'the replayed event to be handled');

    const back = await raw.waitForMessage(
      onTopic,
      (r) => r.envelope?.id === sent.id && r.headers['x-dlq-replayed-from'] !== undefined,
      'the replayed message on the topic',
    );
    expect(back.key).toBe(event.requestId);
    expect(back.headers['content-type']).toBe('application/cloudevents+json');
    expect(Object.keys(back.headers).filter((h) => h.startsWith('x-dlq-'))).toEqual(['x-dlq-replayed-from']);

    await run('replay', TOPICS.requests.name, '--offset', letter.offset, '--partition', String(letter.partition));
    // Same key, same partition: once this marker is handled, the second replay was seen too.
    const marker = closed();
    await raw.sendEvent(TOPICS.requests.name, event.requestId, 'dsr.request.closed.v1', marker);
    await waitFor(async () => (await effects(marker.requestId)) === 1, 'the marker after the second replay');
    expect(await effects(event.requestId)).toBe(1);
  });

  it('says what is wrong with a bad selection', async () => {
    await expect(run('replay', TOPICS.requests.name, '--offset', '999999')).rejects.toThrow(
      'no dead letter at offset 999999',
    );
    await expect(run('replay', TOPICS.requests.name)).rejects.toThrow('--offset <o>[,<o>...] or --all is required');
    await expect(run('list', 'no.such.topic.v1')).rejects.toThrow('does not exist');
  });
});
