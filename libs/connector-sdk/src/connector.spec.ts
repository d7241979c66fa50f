import type { SystemRegistered } from '@datarights/contracts';
import { silentLogger } from './console.logger';
import { Connector } from './connector';
import { MemoryCommandStore } from './memory.command-store';

const registration: SystemRegistered = {
  systemId: 'crm',
  name: 'CRM',
  owner: 'sales-ops',
  role: 'controller',
  purposes: ['customer-relationship'],
  legalBasis: 'contract',
  categories: ['identification'],
  location: 'FR',
  transfers: [],
  recipients: [],
  capabilities: ['erase'],
};

const options = {
  brokers: ['127.0.0.1:1'],
  clientId: 'crm',
  registration,
  store: new MemoryCommandStore(),
  logger: silentLogger,
};

describe('Connector (no broker needed)', () => {
  it('refuses an invalid registration at construction, naming the field', () => {
    expect(() => new Connector({ ...options, registration: { ...registration, systemId: 'Not A Slug' } })).toThrow(
      /invalid system registration: systemId/,
    );
  });

  it('derives its command topic from the system id, with the topic prefix if any', () => {
    expect(new Connector(options).commandTopic).toBe('pdata.commands.crm.v1');
    expect(new Connector({ ...options, topicPrefix: 'run-1.' }).commandTopic).toBe('run-1.pdata.commands.crm.v1');
    expect(() => new Connector({ ...options, topicPrefix: 'Bad Prefix' })).toThrow(/topicPrefix/);
  });

  it('refuses a second handler for one kind, and publishing before start', async () => {
    const connector = new Connector(options).onCommand('erase', async () => ({ outcome: 'done', affectedRecords: 0 }));
    expect(() => connector.onCommand('erase', async () => ({ outcome: 'done', affectedRecords: 0 }))).toThrow(
      /already registered/,
    );
    await expect(
      connector.publishRecord('stored', {
        recordRef: 'r',
        category: 'identification',
        subjectKeys: { customerId: 'C' },
      }),
    ).rejects.toThrow(/call start\(\) first/);
  });
});
