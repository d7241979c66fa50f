import type { Admin } from 'kafkajs';
import { silentLogger } from './console.logger';
import { ensureCommandTopic } from './command-topic.provisioner';

type FakeAdmin = Pick<Admin, 'createTopics' | 'fetchTopicMetadata'>;

/** What kafkajs throws when the credentials may not create topics. */
const denied = Object.assign(new Error('not authorised'), {
  name: 'KafkaJSAggregateError',
  errors: [{ type: 'TOPIC_AUTHORIZATION_FAILED' }],
});
const unknownTopic = Object.assign(new Error('unknown topic'), { type: 'UNKNOWN_TOPIC_OR_PARTITION' });
const present = {
  topics: [
    {
      name: 'pdata.commands.crm.v1',
      partitions: [{ partitionId: 0, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }],
    },
  ],
};

const options = { topic: 'pdata.commands.crm.v1', timeoutMs: 500, pollMs: 10, logger: silentLogger };

describe('ensureCommandTopic', () => {
  it('creates the command topic and its dead-letter topic, waiting for leaders', async () => {
    const admin: FakeAdmin = { createTopics: jest.fn().mockResolvedValue(true), fetchTopicMetadata: jest.fn() };
    await ensureCommandTopic(admin, { ...options, numPartitions: 3 });
    expect(admin.createTopics).toHaveBeenCalledWith({
      waitForLeaders: true,
      topics: [
        { topic: 'pdata.commands.crm.v1', numPartitions: 3 },
        { topic: 'pdata.commands.crm.v1.dlq', numPartitions: 3 },
      ],
    });
  });

  it('waits for the topic to appear when it may not create it', async () => {
    const admin: FakeAdmin = {
      createTopics: jest.fn().mockRejectedValue(denied),
      fetchTopicMetadata: jest
        .fn()
        .mockRejectedValueOnce(unknownTopic)
        .mockRejectedValueOnce(unknownTopic)
        .mockResolvedValue(present),
    };
    await ensureCommandTopic(admin, options);
    expect(admin.fetchTopicMetadata).toHaveBeenCalledTimes(3);
  });

  it('fails past the deadline, saying what to ask for', async () => {
    const admin: FakeAdmin = {
      createTopics: jest.fn().mockRejectedValue(denied),
      fetchTopicMetadata: jest.fn().mockRejectedValue(unknownTopic),
    };
    await expect(ensureCommandTopic(admin, options)).rejects.toThrow(
      /topic pdata\.commands\.crm\.v1 does not exist and these credentials may not create it; ask the Kafka administrators .* \(waited 500 ms\)/,
    );
  });

  it('waits for a topic it created that the broker does not serve yet (UNKNOWN_TOPIC_OR_PARTITION while waiting for leaders)', async () => {
    const admin: FakeAdmin = {
      createTopics: jest.fn().mockRejectedValue(unknownTopic),
      fetchTopicMetadata: jest.fn().mockRejectedValueOnce(unknownTopic).mockResolvedValue(present),
    };
    await ensureCommandTopic(admin, options);
    expect(admin.fetchTopicMetadata).toHaveBeenCalledTimes(2);
  });

  it('rethrows any other error', async () => {
    const admin: FakeAdmin = {
      createTopics: jest.fn().mockRejectedValue(new Error('broker down')),
      fetchTopicMetadata: jest.fn(),
    };
    await expect(ensureCommandTopic(admin, options)).rejects.toThrow('broker down');
  });
});
