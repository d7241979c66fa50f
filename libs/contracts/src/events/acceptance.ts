/**
 * Who may write what where: the registry says, per event type, its topic and its
 * producers, and every consumer refuses an event that breaks either (the messaging
 * transport applies this before any handler runs). An event is handled by the type it
 * declares, so without this check any writer of any topic could make a service act on,
 * say, an internal `dsr.*` decision it forged.
 */
import { isCommandTopic, SYSTEM_ID_PATTERN } from '../topics';
import type { EventDefinition } from './registry';

/** The datarights services: the CloudEvents `source` of everything they publish. No system may take one of these ids. */
export const DATARIGHTS_SERVICES = ['request-intake', 'identity', 'data-locator', 'erasure-executor', 'audit'] as const;

/** The producer that stands for "any company system" in the registry. */
export const SYSTEMS_PRODUCER = 'systems';

/** Why an event is refused: the dead-letter reason and the `reason` label of the rejection metric. */
export type RefusalKind = 'wrong-topic' | 'wrong-producer';

export interface Refusal {
  kind: RefusalKind;
  reason: string;
}

export function isServiceName(source: string): boolean {
  return (DATARIGHTS_SERVICES as readonly string[]).includes(source);
}

/** A source a company system may use: a system id (SYSTEM_ID_PATTERN), never a service's name. */
export function isSystemSource(source: string): boolean {
  return SYSTEM_ID_PATTERN.test(source) && !isServiceName(source);
}

/** The topic an event type belongs on, as people read it. */
export function expectedTopicName(def: EventDefinition): string {
  return def.topic === 'command' ? 'pdata.commands.<systemId>.v1' : def.topic.name;
}

/**
 * Why an event of this type, arrived on this (logical, unprefixed) topic from this
 * source, must not be handled; undefined when it may.
 */
export function refusalOf(def: EventDefinition, topic: string, source: string): Refusal | undefined {
  const onItsTopic = def.topic === 'command' ? isCommandTopic(topic) : def.topic.name === topic;
  if (!onItsTopic)
    return {
      kind: 'wrong-topic',
      reason: `${def.type} is only accepted on ${expectedTopicName(def)}, it arrived on ${topic}`,
    };
  const fromAProducer =
    def.producers.includes(source) || (def.producers.includes(SYSTEMS_PRODUCER) && isSystemSource(source));
  if (!fromAProducer)
    return {
      kind: 'wrong-producer',
      reason: `${def.type} may only come from ${def.producers.join(', ')}; source ${JSON.stringify(source.slice(0, 80))} may not produce it`,
    };
  return undefined;
}
