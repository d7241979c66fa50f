/**
 * Readiness follows each connector's real state: the demo support system's consumer
 * crashed during a broker restart while /health/ready kept saying "ok" (issue 15).
 * The SDK's Connector is stubbed; what is tested is what demo-systems makes of it.
 */
import { Connector, type ConnectorHealth } from '@datarights/connector-sdk';
import type { DataSource } from 'typeorm';
import type { DemoSystemsConfig } from '../config/app.config';
import type { CommandHandlers } from './command-handlers.service';
import { ConnectorsReadiness } from './connectors.readiness';
import { ConnectorsService } from './connectors.service';
import { SYSTEM_IDS } from './system-catalog';
import type { SystemsRepository } from './systems.repository';

jest.mock('@datarights/connector-sdk', () => ({
  ...jest.requireActual<object>('@datarights/connector-sdk'),
  Connector: jest.fn(),
  PostgresCommandStore: jest.fn(() => ({ prune: async () => 0 })),
}));
jest.mock('@datarights/messaging', () => ({
  ...jest.requireActual<object>('@datarights/messaging'),
  ensureTopics: jest.fn(async () => undefined),
}));

/** A connector whose health the test sets. */
class StubConnector {
  current: ConnectorHealth = { status: 'new', restarts: 0 };
  constructor(readonly clientId: string) {}
  onCommand = () => this;
  start = async () => void (this.current = { status: 'running', restarts: 0 });
  stop = async () => void (this.current = { ...this.current, status: 'stopped' });
  status = () => this.current.status;
  health = () => this.current;
}

let stubs: StubConnector[];
let service: ConnectorsService;
let readiness: ConnectorsReadiness;

beforeEach(async () => {
  stubs = [];
  jest.mocked(Connector).mockImplementation((options) => {
    const stub = new StubConnector(options.clientId);
    stubs.push(stub);
    return stub as unknown as Connector;
  });
  const config = {
    kafka: { brokers: ['127.0.0.1:1'], topicPrefix: '' },
    DEMO_COMMAND_RETENTION_DAYS: 30,
  } as unknown as DemoSystemsConfig;
  const repo = { pruneEffects: async () => 0 } as unknown as SystemsRepository;
  service = new ConnectorsService(config, {} as DataSource, {} as CommandHandlers, repo, {} as never);
  readiness = new ConnectorsReadiness(service);
});

afterEach(() => service.stop());

const stubOf = (id: string) => stubs.find((s) => s.clientId === `demo-systems.${id}`)!;

describe('ConnectorsReadiness', () => {
  it('is not ready before the connectors have started, and ready once every one runs', async () => {
    expect(readiness.check().ready).toBe(false);
    await service.start();
    expect(readiness.check()).toEqual({ ready: true, details: {} });
    expect(service.connectorStates()).toEqual(Object.fromEntries(SYSTEM_IDS.map((id) => [id, 'running'])));
  });

  it('is not ready while a started connector restarts its consumer, naming it and its last error', async () => {
    await service.start();
    const at = new Date('2026-12-07T15:00:00Z');
    stubOf('support').current = {
      status: 'restarting',
      restarts: 2,
      lastError: 'KafkaJSGroupCoordinatorNotFound',
      lastErrorAt: at,
    };

    expect(readiness.check()).toEqual({
      ready: false,
      details: {
        support: {
          state: 'restarting',
          restarts: 2,
          lastError: 'KafkaJSGroupCoordinatorNotFound',
          lastErrorAt: at.toISOString(),
        },
      },
    });
    // /demo/status shows the real state, not the 'running' it had once started.
    expect(service.connectorStates().support).toBe('restarting');

    stubOf('support').current = { ...stubOf('support').current, status: 'running' };
    expect(readiness.check().ready).toBe(true);
    expect(service.connectorViews().support).toMatchObject({ state: 'running', restarts: 2 });
  });

  it('is not ready once a connector has stopped', async () => {
    await service.start();
    stubOf('crm').current = { status: 'stopped', restarts: 0 };
    expect(readiness.check()).toMatchObject({ ready: false, details: { crm: { state: 'stopped' } } });
  });
});
