import { parseEnvelope, type EventEnvelope } from '@datarights/contracts';
import type { ProducerRecord } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { CommandDispatcher, type IncomingMessage, type MessageSink } from './command.dispatcher';
import type { CommandStore, ReplyPayload } from './command-store.types';
import { silentLogger } from './console.logger';
import {
  CommandError,
  type CommandHandler,
  type CommandKind,
  type CommandResult,
  type ConnectorLogger,
} from './connector.types';
import { MemoryCommandStore } from './memory.command-store';

const SYSTEM = 'crm';
const TOPIC = 'pdata.commands.crm.v1';

/** A producer that records what it was asked to send, and can be told to fail. */
class FakeSink implements MessageSink {
  sent: ProducerRecord[] = [];
  failing = 0;
  /** The broker's answer to one record, when it refuses it. */
  refuse?: (record: ProducerRecord) => Error | undefined;
  async send(record: ProducerRecord): Promise<unknown> {
    const refusal = this.refuse?.(record);
    if (refusal) throw refusal;
    if (this.failing > 0) {
      this.failing--;
      throw Object.assign(new Error('broker gone'), { name: 'KafkaJSNumberOfRetriesExceeded' });
    }
    this.sent.push(record);
    return [];
  }
  to(topic: string) {
    return this.sent.filter((r) => r.topic === topic).flatMap((r) => r.messages);
  }
  replies(): EventEnvelope<ReplyPayload>[] {
    return this.to('pdata.replies.crm.v1').map((m) => JSON.parse(String(m.value)) as EventEnvelope<ReplyPayload>);
  }
}

function aCommand(overrides: Record<string, unknown> = {}, type = 'pdata.command.erase.v1') {
  const data = {
    commandId: randomUUID(),
    requestId: randomUUID(),
    systemId: SYSTEM,
    subjectKeys: { email: ['jane@example.org'], customerId: ['C-1'] },
    categories: ['identification'],
    respondBy: '2030-01-01T00:00:00Z',
    ...overrides,
  };
  const envelope = {
    specversion: '1.0',
    id: randomUUID(),
    source: 'erasure-executor',
    type,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    correlationid: data.requestId,
    data,
  };
  return { data, envelope };
}

let offset = 0;
function delivery(value: unknown, key: string | null = 'k'): IncomingMessage {
  return {
    topic: TOPIC,
    partition: 0,
    message: {
      key: key === null ? null : Buffer.from(key),
      value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
      offset: String(offset++),
      headers: {},
    },
  };
}

function setup(
  handlers: Partial<Record<CommandKind, CommandHandler<CommandKind>>> = {},
  store: CommandStore = new MemoryCommandStore(),
  logger: ConnectorLogger = silentLogger,
) {
  const sink = new FakeSink();
  const dispatcher = new CommandDispatcher({
    systemId: SYSTEM,
    repliesTopic: 'pdata.replies.crm.v1',
    store,
    sink,
    logger,
    handlers: new Map(Object.entries(handlers) as [CommandKind, CommandHandler<CommandKind>][]),
    respondRetries: 2,
    retryBackoffMs: 1,
  });
  return { sink, dispatcher, store };
}

const done: CommandResult = { outcome: 'done', affectedRecords: 3 };

describe('CommandDispatcher', () => {
  it('runs the handler with the validated command and replies on its own replies topic keyed by requestId', async () => {
    const erase = jest.fn(async () => done);
    const { sink, dispatcher } = setup({ erase });
    const { data, envelope } = aCommand();
    await dispatcher.handle(delivery(envelope));

    expect(erase).toHaveBeenCalledTimes(1);
    expect(erase.mock.calls[0]).toEqual([
      expect.objectContaining({ commandId: data.commandId, categories: ['identification'] }),
      expect.objectContaining({ eventId: envelope.id, attempt: 1 }),
    ]);
    const [message] = sink.to('pdata.replies.crm.v1');
    expect(String(message.key)).toBe(data.requestId);
    expect(message.headers).toEqual({ 'content-type': 'application/cloudevents+json' });
    const parsed = parseEnvelope(message.value as Buffer | string);
    expect(parsed.ok && parsed.envelope).toMatchObject({
      type: 'pdata.command.completed.v1',
      source: SYSTEM,
      correlationid: data.requestId,
      causationid: envelope.id,
      data: {
        commandId: data.commandId,
        requestId: data.requestId,
        systemId: SYSTEM,
        outcome: 'done',
        affectedRecords: 3,
      },
    });
  });

  it('does not run a repeated commandId again but sends its stored reply again', async () => {
    const erase = jest.fn(async () => done);
    const { sink, dispatcher } = setup({ erase });
    const { data, envelope } = aCommand();
    await dispatcher.handle(delivery(envelope));
    await dispatcher.handle(delivery(envelope));
    // The DSR side retrying sends a new event with the same commandId.
    await dispatcher.handle(delivery({ ...envelope, id: randomUUID() }));

    expect(erase).toHaveBeenCalledTimes(1);
    const replies = sink.replies();
    expect(replies).toHaveLength(3);
    expect(new Set(replies.map((r) => JSON.stringify(r.data))).size).toBe(1);
    expect(replies[0].data.commandId).toBe(data.commandId);
  });

  it('saves the reply before sending it, and resends it when the process died in between', async () => {
    const store = new MemoryCommandStore();
    const erase = jest.fn(async () => done);
    const { sink, dispatcher } = setup({ erase }, store);
    const { data, envelope } = aCommand();
    sink.failing = 1; // the reply cannot be sent: Kafka is down
    // Thrown to kafkajs, so the offset is not committed and the command is redelivered.
    await expect(dispatcher.handle(delivery(envelope))).rejects.toThrow('broker gone');
    expect(sink.sent).toHaveLength(0);
    expect(await store.get(data.commandId)).toMatchObject({ type: 'pdata.command.completed.v1' });

    await dispatcher.handle(delivery(envelope)); // kafkajs redelivers
    expect(erase).toHaveBeenCalledTimes(1);
    expect(sink.replies()).toHaveLength(1);
  });

  it.each([
    ['not JSON', '{nope', /not JSON/],
    ['not a command type', aCommand({}, 'pdata.record.stored.v1').envelope, /is not a command/],
    ['a missing commandId', aCommand({ commandId: undefined }).envelope, /commandId/],
    ['another system', aCommand({ systemId: 'billing' }).envelope, /for system billing/],
  ])(
    'skips a message with %s (nobody to answer), logging the reason and offset, and goes on',
    async (_, value, reason) => {
      const erase = jest.fn(async () => done);
      const errors: [string, Record<string, unknown> | undefined][] = [];
      const { sink, dispatcher } = setup({ erase }, new MemoryCommandStore(), {
        ...silentLogger,
        error: (message, fields) => void errors.push([message, fields]),
      });
      const bad = delivery(value);
      await dispatcher.handle(bad);

      expect(erase).not.toHaveBeenCalled();
      // Nothing written: the system's Kafka user may write its own three topics only, no .dlq.
      expect(sink.sent).toHaveLength(0);
      expect(errors).toEqual([
        [
          'not a command this system can answer: skipped',
          { topic: TOPIC, partition: 0, offset: bad.message.offset, reason: expect.stringMatching(reason) },
        ],
      ]);

      await dispatcher.handle(delivery(aCommand().envelope));
      expect(erase).toHaveBeenCalledTimes(1);
    },
  );

  it('retries a throwing handler respondRetries times, then answers failed without the error text', async () => {
    const erase = jest.fn(async () => {
      throw new Error('no row for jane@example.org');
    });
    const { sink, dispatcher, store } = setup({ erase });
    const { data, envelope } = aCommand();
    await dispatcher.handle(delivery(envelope));

    expect(erase).toHaveBeenCalledTimes(3);
    const [reply] = sink.replies();
    expect(reply.type).toBe('pdata.command.failed.v1');
    expect(reply.data).toMatchObject({ outcome: 'failed', affectedRecords: 0 });
    expect(reply.data.error).toBe('the erase handler failed after 3 attempts: Error');
    // Not saved as done: a later delivery of the same command gets another chance.
    expect(await store.get(data.commandId)).toBeUndefined();
  });

  it('puts a CommandError message in the failed reply, and succeeds on a later attempt', async () => {
    const flaky = jest.fn().mockRejectedValueOnce(new CommandError('database unavailable')).mockResolvedValueOnce(done);
    const { sink, dispatcher } = setup({ erase: flaky });
    await dispatcher.handle(delivery(aCommand().envelope));
    expect(flaky).toHaveBeenCalledTimes(2);
    expect(sink.replies()[0].data.outcome).toBe('done');

    const failing = setup({ erase: jest.fn().mockRejectedValue(new CommandError('database unavailable')) });
    await failing.dispatcher.handle(delivery(aCommand().envelope));
    expect(failing.sink.replies()[0].data.error).toBe('database unavailable');
  });

  it('answers failed, clearly, a kind of command that has no handler', async () => {
    const { sink, dispatcher } = setup({ erase: jest.fn() });
    await dispatcher.handle(delivery(aCommand({ purposes: ['prospection'] }, 'pdata.command.suppress.v1').envelope));
    const [reply] = sink.replies();
    expect(reply.type).toBe('pdata.command.failed.v1');
    expect(reply.data.error).toBe('system crm has no handler for suppress commands');
  });

  it('answers failed a handler result that breaks the contract', async () => {
    const { sink, dispatcher } = setup({ erase: async () => ({ outcome: 'done', affectedRecords: -1 }) });
    await dispatcher.handle(delivery(aCommand().envelope));
    expect(sink.replies()[0].data).toMatchObject({
      outcome: 'failed',
      error: expect.stringContaining('affectedRecords'),
    });
  });

  it('stores and sends a failure the handler reported itself', async () => {
    const { sink, dispatcher, store } = setup({
      erase: async () => ({ outcome: 'failed', affectedRecords: 0, error: 'account is locked by legal' }),
    });
    const { data, envelope } = aCommand();
    await dispatcher.handle(delivery(envelope));
    expect(sink.replies()[0]).toMatchObject({
      type: 'pdata.command.failed.v1',
      data: { error: 'account is locked by legal' },
    });
    expect(await store.get(data.commandId)).toBeDefined();
  });

  it('sends export records, and retained categories', async () => {
    const exportHandler = async (): Promise<CommandResult> => ({
      outcome: 'partial',
      affectedRecords: 1,
      records: [{ id: 1, at: new Date('2024-05-01T00:00:00Z') } as unknown as Record<string, unknown>],
      retained: [{ category: 'billing', reason: 'Code de commerce L123-22' }],
    });
    const { sink, dispatcher } = setup({ export: exportHandler });
    await dispatcher.handle(delivery(aCommand({}, 'pdata.command.export.v1').envelope));
    expect(sink.replies()[0].data).toMatchObject({
      outcome: 'partial',
      export: { records: [{ id: 1, at: '2024-05-01T00:00:00.000Z' }] },
      retained: [{ category: 'billing', reason: 'Code de commerce L123-22' }],
    });
  });

  it('answers failed, with the reason, a command of its own that breaks the contract, and goes on', async () => {
    const erase = jest.fn(async () => done);
    const { sink, dispatcher, store } = setup({ erase });
    const { data, envelope } = aCommand({ subjectKeys: {} });
    await dispatcher.handle(delivery(envelope));

    expect(erase).not.toHaveBeenCalled();
    expect(sink.sent.filter((r) => r.topic.endsWith('.dlq'))).toHaveLength(0);
    const [reply] = sink.replies();
    expect(reply).toMatchObject({
      type: 'pdata.command.failed.v1',
      causationid: envelope.id,
      data: { commandId: data.commandId, requestId: data.requestId, systemId: SYSTEM, outcome: 'failed' },
    });
    expect(reply.data.error).toMatch(/^invalid pdata\.command\.erase\.v1: .*at least one of/);
    expect(await store.get(data.commandId)).toBeUndefined();

    await dispatcher.handle(delivery(aCommand().envelope));
    expect(erase).toHaveBeenCalledTimes(1);
  });

  it('answers failed when the broker refuses the reply itself (too large), instead of blocking on it', async () => {
    const { sink, dispatcher } = setup({ erase: async () => done });
    sink.refuse = (record) =>
      String(record.messages[0].value).includes('command.completed')
        ? Object.assign(new Error('too large'), {
            name: 'KafkaJSNonRetriableError',
            cause: Object.assign(new Error('too large'), { name: 'KafkaJSProtocolError', type: 'MESSAGE_TOO_LARGE' }),
          })
        : undefined;
    await dispatcher.handle(delivery(aCommand().envelope));
    expect(sink.replies()).toEqual([
      expect.objectContaining({
        type: 'pdata.command.failed.v1',
        data: expect.objectContaining({ error: 'reply refused by the broker: MESSAGE_TOO_LARGE' }),
      }),
    ]);
  });
});

describe('CommandDispatcher with an export too big to split', () => {
  it('answers failed, names the record by position, and does not save it as done', async () => {
    const huge = async (): Promise<CommandResult> => ({
      outcome: 'done',
      affectedRecords: 1,
      records: [{ blob: 'x'.repeat(600 * 1024) }],
    });
    const { sink, dispatcher, store } = setup({ export: huge });
    const { data, envelope } = aCommand({}, 'pdata.command.export.v1');
    await dispatcher.handle(delivery(envelope));
    expect(sink.replies()[0]).toMatchObject({
      type: 'pdata.command.failed.v1',
      data: { error: expect.stringMatching(/^exported record #0 is \d+ bytes/) },
    });
    expect(await store.get(data.commandId)).toBeUndefined();
  });
});
