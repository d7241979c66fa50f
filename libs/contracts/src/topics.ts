/**
 * Every Kafka topic of the system, in one place (docs/conventions.md: no string-literal topic
 * anywhere else). `pdata.*` topics are the public contract with company systems
 * (docs/kafka-contract.md); `dsr.*` topics carry the events between the five services.
 *
 * What a company system writes goes to topics of its own (`pdata.systems.<systemId>.v1`,
 * `pdata.events.<systemId>.v1`, `pdata.replies.<systemId>.v1`), like what it reads
 * (`pdata.commands.<systemId>.v1`). Kafka's ACLs then prove who wrote a message: a
 * system's credentials may write its own topics and no other (the per-system KafkaUser),
 * so the services take the system id from the topic and refuse an event whose `source`
 * or payload names another system. A payload cannot prove its writer; a topic can.
 */
export interface TopicDefinition {
  /** The topic name on the broker. */
  readonly name: string;
  /** What the topic is for, for the AsyncAPI document and the runbook. */
  readonly description: string;
  /** Whether company systems read or write it (part of the stable public contract). */
  readonly public: boolean;
  /** Log compaction: the topic is a table (the latest value per key is what matters). */
  readonly compacted?: boolean;
  /** What the message key is. */
  readonly key: string;
  /**
   * One topic per company system: `name` holds `{systemId}`, each system writes (or
   * reads) only its own, and the services subscribe to the whole family by pattern.
   */
  readonly perSystem?: boolean;
}

/** The placeholder of a per-system topic's name. */
export const SYSTEM_ID_PLACEHOLDER = '{systemId}';

export const TOPICS = {
  systems: {
    name: 'pdata.systems.{systemId}.v1',
    description:
      'A company system announces itself and what personal data it holds (the Art. 30 register), on its own topic.',
    public: true,
    compacted: true,
    key: 'systemId',
    perSystem: true,
  },
  dataEvents: {
    name: 'pdata.events.{systemId}.v1',
    description:
      'A company system reports each record of personal data it stores, updates or erases, on its own topic.',
    public: true,
    key: "systemId + ':' + recordRef",
    perSystem: true,
  },
  replies: {
    name: 'pdata.replies.{systemId}.v1',
    description: 'A company system reports what it did with a command it was sent, on its own topic.',
    public: true,
    key: 'requestId',
    perSystem: true,
  },
  notifications: {
    name: 'dsr.notifications.v1',
    description: "Messages to send to a data subject or a controller, for the company's mail gateway.",
    public: true,
    key: 'requestId',
  },
  systemApprovals: {
    name: 'dsr.systems.v1',
    description:
      "data-locator's decisions on systems' registrations: held for the DPO, approved (the registration in force), rejected.",
    public: false,
    key: 'systemId',
  },
  requests: {
    name: 'dsr.requests.v1',
    description: 'Requests filed, decisions taken on them by the DPO, and their closure.',
    public: false,
    key: 'requestId',
  },
  identity: {
    name: 'dsr.identity.v1',
    description: 'Subject resolution and identity verification of requests.',
    public: false,
    key: 'requestId',
  },
  plans: {
    name: 'dsr.plans.v1',
    description: 'Per request, every system and category that holds data about the subject.',
    public: false,
    key: 'requestId',
  },
  actions: {
    name: 'dsr.actions.v1',
    description: 'Commands dispatched to systems, their outcome, legal holds and escalations.',
    public: false,
    key: 'requestId',
  },
  auditCheckpoints: {
    name: 'dsr.audit.checkpoints.v1',
    description:
      "The audit log's signed checkpoints (entry count, head hash, time): the anchor outside PostgreSQL that a verification checks the log against.",
    public: false,
    compacted: true,
    key: 'log',
  },
} as const satisfies Record<string, TopicDefinition>;

export type TopicKey = keyof typeof TOPICS;

/** Prefix of the per-system command topics: `pdata.commands.<systemId>.v1`. */
const COMMAND_TOPIC_PATTERN = /^pdata\.commands\.([a-z0-9][a-z0-9-]{0,62})\.v1$/;

/** A system id is a DNS-label-like slug, so that it can be part of a topic name. */
export const SYSTEM_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * One command topic per system, so that each system's credentials can be limited to
 * its own commands (docs/kafka-contract.md). Created when the system registers.
 */
export function commandTopic(systemId: string): string {
  if (!SYSTEM_ID_PATTERN.test(systemId)) {
    throw new Error(`invalid systemId for a command topic: ${JSON.stringify(systemId)}`);
  }
  return `pdata.commands.${systemId}.v1`;
}

export function isCommandTopic(topic: string): boolean {
  return COMMAND_TOPIC_PATTERN.test(topic);
}

/** A system's own topic of a per-system family (`systemTopic(TOPICS.replies, 'crm')` → `pdata.replies.crm.v1`). */
export function systemTopic(def: TopicDefinition, systemId: string): string {
  if (!def.perSystem) throw new Error(`${def.name} is not a per-system topic`);
  if (!SYSTEM_ID_PATTERN.test(systemId)) {
    throw new Error(`invalid systemId for a topic: ${JSON.stringify(systemId)}`);
  }
  return def.name.replace(SYSTEM_ID_PLACEHOLDER, systemId);
}

/**
 * A regular expression (source, anchored) matching a topic name, or every topic of a
 * per-system family when the name holds `{systemId}` (the system id captured).
 */
export function topicPattern(name: string): string {
  const [before, after = ''] = name.split(SYSTEM_ID_PLACEHOLDER).map((p) => p.replace(/[.]/g, '\\.'));
  return name.includes(SYSTEM_ID_PLACEHOLDER) ? `^${before}([a-z0-9][a-z0-9-]{0,62})${after}$` : `^${before}$`;
}

/** Whether a (logical) topic is the topic so named, or one of the family so named. */
export function isTopicNamed(name: string, topic: string): boolean {
  return name.includes(SYSTEM_ID_PLACEHOLDER) ? new RegExp(topicPattern(name)).test(topic) : name === topic;
}

/** Whether a (logical) topic is this topic, or one of this family's. */
export function isTopicOf(def: TopicDefinition, topic: string): boolean {
  return isTopicNamed(def.name, topic);
}

/** The system whose topic this is (a per-system topic or a command topic); undefined for a shared topic. */
export function systemOfTopic(topic: string): string | undefined {
  const command = COMMAND_TOPIC_PATTERN.exec(topic);
  if (command) return command[1];
  for (const def of Object.values(TOPICS) as TopicDefinition[]) {
    if (!def.perSystem) continue;
    const m = new RegExp(topicPattern(def.name)).exec(topic);
    if (m) return m[1];
  }
  return undefined;
}

/** Every topic a company system writes, with their dead-letter topics: what the platform creates per system. */
export function systemWritableTopics(systemId: string): string[] {
  return (Object.values(TOPICS) as TopicDefinition[]).filter((t) => t.perSystem).map((t) => systemTopic(t, systemId));
}

/** Where a topic's invalid or failing messages go, with the reason in headers. */
export function dlqTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** Every topic that exists from the start (a system's own topics come with the system). */
export function fixedTopics(): string[] {
  return (Object.values(TOPICS) as TopicDefinition[]).filter((t) => !t.perSystem).map((t) => t.name);
}

/** Every fixed topic and its dead-letter topic: what start-up creates. */
export function topicsToCreate(): string[] {
  return fixedTopics().flatMap((t) => [t, dlqTopic(t)]);
}
