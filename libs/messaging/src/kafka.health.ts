import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { KAFKA } from './messaging.options';
import { MessagingServer } from './messaging.server';

/** Readiness: the broker answers a metadata request in time and the consumer has not crashed for good. */
@Injectable()
export class KafkaHealth {
  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly server: MessagingServer,
  ) {}

  async check(timeoutMs = 3000): Promise<void> {
    if (!this.server.healthy) throw new Error('Kafka consumer stopped');
    const admin = this.kafka.admin({ retry: { retries: 0 } });
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('Kafka did not answer in time')), timeoutMs).unref(),
    );
    try {
      await Promise.race([
        (async () => {
          await admin.connect();
          await admin.describeCluster();
        })(),
        timeout,
      ]);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
