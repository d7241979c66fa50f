/**
 * Every Kafka topic of the system, in one place (docs/conventions.md: no string-literal topic
 * anywhere else). `pdata.*` topics are the public contract with company systems
 * (docs/kafka-contract.md); `dsr.*` topics carry the events between the five services.
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
}

export const TOPICS = {
  systems: {
    name: 'pdata.systems.v1',
    description: 'Company systems announce themselves and what personal data they hold (the Art. 30 register).',
    public: true,
    compacted: true,
    key: 'systemId',
  },
  dataEvents: {
    name: 'pdata.events.v1',
    description: 'Company systems report each record of personal data they store, update or erase.',
    public: true,
    key: "systemId + ':' + recordRef",
  },
  replies: {
    name: 'pdata.replies.v1',
    description: 'Company systems report what they did with a command.',
    public: true,
    key: 'requestId',
  },
  notifications: {
    name: 'dsr.notifications.v1',
    description: "Messages to send to a data subject or a controller, for the company's mail gateway.",
    public: true,
    key: 'requestId',
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

/** Where a topic's invalid or failing messages go, with the reason in headers. */
export function dlqTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** Every topic that exists from the start (the command topics come with their systems). */
export function fixedTopics(): string[] {
  return Object.values(TOPICS).map((t) => t.name);
}

/** Every fixed topic and its dead-letter topic: what start-up creates. */
export function topicsToCreate(): string[] {
  return fixedTopics().flatMap((t) => [t, dlqTopic(t)]);
}
