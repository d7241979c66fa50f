/** Declaring Kafka handlers: thin wrappers over Nest's `@EventPattern`, typed by the contracts. */
import { EventPattern } from '@nestjs/microservices';
import { EVENTS, type EventName, type TopicDefinition } from '@datarights/contracts';

export interface HandlerExtras {
  kind?: 'batch' | 'all';
  topics?: string[];
  commandTopics?: boolean;
}

/** Handles one event type; the payload arrives validated, with a `MessageContext`. */
export function OnEvent(name: EventName): MethodDecorator {
  return EventPattern(EVENTS[name].type);
}

/** Handles a whole topic in batches (`BatchItem[]`, `BatchContext`): one transaction per batch. */
export function OnBatch(topic: TopicDefinition): MethodDecorator {
  return EventPattern(`batch:${topic.name}`, { kind: 'batch', topics: [topic.name] } satisfies HandlerExtras);
}

/** Handles every event of these topics, one at a time (the audit log). */
export function OnAnyEvent(topics: TopicDefinition[], options: { commandTopics?: boolean } = {}): MethodDecorator {
  return EventPattern(`all:${topics.map((t) => t.name).join(',')}`, { kind: 'all', topics: topics.map((t) => t.name), commandTopics: options.commandTopics } satisfies HandlerExtras);
}
