/** Declaring Kafka handlers: thin wrappers over Nest's `@EventPattern`, typed by the contracts. */
import { applyDecorators, UseFilters } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { RethrowHandlerErrors } from './handler.errors';
import { EVENTS, type EventName, type TopicDefinition } from '@datarights/contracts';

export interface HandlerExtras {
  kind?: 'batch' | 'all';
  topics?: string[];
  commandTopics?: boolean;
}

/**
 * Every handler decorator below: Nest's @EventPattern plus a filter that lets the handler's
 * own errors through to the messaging server (handler.errors.ts). The Kafka transport does
 * not inherit the HTTP app's pipes, guards and filters: payloads arrive validated against
 * the contracts, and HTTP DTO validation must not run on them.
 */
function handler(pattern: string, extras?: HandlerExtras): MethodDecorator {
  return applyDecorators(
    extras ? EventPattern(pattern, extras) : EventPattern(pattern),
    UseFilters(new RethrowHandlerErrors()),
  );
}

/** Handles one event type; the payload arrives validated, with a `MessageContext`. */
export function OnEvent(name: EventName): MethodDecorator {
  return handler(EVENTS[name].type);
}

/** Handles a whole topic in batches (`BatchItem[]`, `BatchContext`): one transaction per batch. */
export function OnBatch(topic: TopicDefinition): MethodDecorator {
  return handler(`batch:${topic.name}`, { kind: 'batch', topics: [topic.name] });
}

/** Handles every event of these topics, one at a time (the audit log). */
export function OnAnyEvent(topics: TopicDefinition[], options: { commandTopics?: boolean } = {}): MethodDecorator {
  return handler(`all:${topics.map((t) => t.name).join(',')}`, {
    kind: 'all',
    topics: topics.map((t) => t.name),
    commandTopics: options.commandTopics,
  });
}
