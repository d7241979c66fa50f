/**
 * Who may write what where: the registry says, per event type, its topic and its
 * producers, and every consumer refuses an event that breaks either (the messaging
 * transport applies this before any handler runs). An event is handled by the type it
 * declares, so without this check any writer of any topic could make a service act on,
 * say, an internal `dsr.*` decision it forged.
 */
import { isCommandTopic, isTopicOf, SYSTEM_ID_PATTERN, systemOfTopic } from '../topics';
import type { EventDefinition } from './registry';

/** The datarights services: the CloudEvents `source` of everything they publish. No system may take one of these ids. */
export const DATARIGHTS_SERVICES = [
  'request-intake',
  'identity',
  'data-locator',
  'erasure-executor',
  'audit',
  'mail-gateway',
] as const;

/** The producer that stands for "any company system" in the registry. */
export const SYSTEMS_PRODUCER = 'systems';

/** Why an event is refused: the dead-letter reason and the `reason` label of the rejection metric. */
export type RefusalKind = 'wrong-topic' | 'wrong-producer' | 'wrong-system' | 'wrong-time';

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
  return def.topic === 'command' ? 'pdata.commands.{systemId}.v1' : def.topic.name;
}

/**
 * Why an event of this type, arrived on this (logical, unprefixed) topic from this
 * source with this data, must not be handled; undefined when it may. On a system's own
 * topic, the system is the topic's: the source and any `systemId` of the data must be it.
 */
export function refusalOf(def: EventDefinition, topic: string, source: string, data?: unknown): Refusal | undefined {
  const onItsTopic = def.topic === 'command' ? isCommandTopic(topic) : isTopicOf(def.topic, topic);
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
  const owner = def.topic !== 'command' && def.topic.perSystem ? systemOfTopic(topic) : undefined;
  if (owner === undefined) return undefined;
  if (source !== owner)
    return {
      kind: 'wrong-system',
      reason: `${topic} is ${owner}'s topic; source ${JSON.stringify(source.slice(0, 80))} may not write on it`,
    };
  const named = typeof data === 'object' && data !== null ? (data as { systemId?: unknown }).systemId : undefined;
  if (named !== undefined && named !== owner)
    return {
      kind: 'wrong-system',
      reason: `${topic} is ${owner}'s topic; the event speaks for ${JSON.stringify(String(named).slice(0, 80))}`,
    };
  return undefined;
}

/** How far ahead of our clock a system's event may be dated (clock skew between hosts). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * A company system's event dated in the future: refused. The register keeps the newest
 * registration of each system by its date, so a registration dated next year would pin
 * itself over every genuine one until then; a data event would likewise win over every
 * later change of its record.
 */
export function futureDated(def: EventDefinition, time: string, now: Date): Refusal | undefined {
  if (!def.producers.includes(SYSTEMS_PRODUCER)) return undefined;
  const ahead = Date.parse(time) - now.getTime();
  if (!(ahead > MAX_CLOCK_SKEW_MS)) return undefined;
  return {
    kind: 'wrong-time',
    reason: `${def.type} is dated ${time}, ${Math.round(ahead / 60_000)} minutes ahead of ${now.toISOString()} (at most ${MAX_CLOCK_SKEW_MS / 60_000} allowed)`,
  };
}
