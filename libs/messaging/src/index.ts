/** @datarights/messaging — outbox publishing, inbox consuming, retries and dead letters on Kafka. */
export * from './messaging.module';
export * from './messaging.options';
export * from './messaging.server';
export * from './event.publisher';
export * from './outbox.relay';
export * from './message.context';
export * from './handler.decorators';
export * from './kafka.config';
export * from './kafka.health';
export * from './topic.admin.service';
export * from './topics.admin';
export * from './dead-letter.producer';
export * from './messaging.metrics';
export * from './handler.errors';
export * from './tracing';
export * from './consumer-lag.monitor';
export * from './consumer-progress';
