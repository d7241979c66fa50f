/**
 * The public types of the connector SDK: what a company system passes in (options,
 * handlers) and what it gets back. Kept apart from the Kafka wiring so that a system can
 * type its handlers without touching kafkajs.
 */
import type { RetentionDateField } from '@datarights/contracts';
import type {
  Capability,
  CommandOutcome,
  EraseCommand,
  ExportCommand,
  NotifyCommand,
  RectifyCommand,
  RestrictCommand,
  SuppressCommand,
  SystemRegistered,
} from '@datarights/contracts';
import type { SASLOptions } from 'kafkajs';
import type { ConnectionOptions } from 'node:tls';
import type { CommandStore } from './command-store.types';

/** The commands a system can receive; one per capability it registers (`notify`: Art. 19 notices to a recipient). */
export type CommandKind = Capability;

/** The validated payload a handler receives, per kind. */
export interface CommandPayloads {
  export: ExportCommand;
  erase: EraseCommand;
  rectify: RectifyCommand;
  restrict: RestrictCommand;
  suppress: SuppressCommand;
  notify: NotifyCommand;
}

/** Data the system kept although asked to erase it, and its own legal ground (Art. 17(3)). */
export interface RetainedCategory {
  category: string;
  reason: string;
}

/** What a handler did. `failed` is allowed for a failure the handler detected itself. */
export interface CommandResult {
  outcome: CommandOutcome;
  affectedRecords: number;
  retained?: RetainedCategory[];
  /** Export commands only: the subject's records as the system holds them. */
  records?: Record<string, unknown>[];
  /** For `failed` and `partial`: what went wrong. Must hold no personal data. */
  error?: string;
}

/** What the SDK tells a handler besides the payload. */
export interface CommandContext {
  /** The CloudEvents id of the command message (the causation id of the reply). */
  eventId: string;
  /** 1 on the first try, then 2, 3, ... while `respondRetries` allows. */
  attempt: number;
  /** Call during long work so the consumer group does not think this member is dead. */
  heartbeat(): Promise<void>;
}

export type CommandHandler<K extends CommandKind> = (
  command: CommandPayloads[K],
  context: CommandContext,
) => Promise<CommandResult> | CommandResult;

/**
 * A record of personal data the system stored, updated or erased. Only the keys that link
 * it to a subject travel, never its contents.
 */
export interface RecordInput {
  /** The system's own reference (a primary key); opaque to the rest of the company. */
  recordRef: string;
  category: string;
  subjectKeys: { email?: string; customerId?: string; phone?: string };
  /** When it happened; now if omitted. */
  occurredAt?: Date | string;
  /**
   * The dates the record's retention periods start from (the contract's `RetentionDates`):
   * e.g. an invoice's `recordDate` and `endOfFinancialYear`, a connection log's
   * `connection`, a customer's `contractEnd` (null while the contract runs), a prospect's
   * `lastContact`. `null`: has not happened yet; omitted: unknown (counted from the request).
   * Send the record again (`updated`) when one of them happens.
   */
  retentionDates?: Partial<Record<RetentionDateField, Date | string | null>>;
}

export type RecordKind = 'stored' | 'updated' | 'erased';

/**
 * Where the SDK reports. Fields never carry subject keys or record contents: ids, topics,
 * offsets, counts and reasons only.
 */
export interface ConnectorLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface ConnectorOptions {
  brokers: string[];
  clientId: string;
  ssl?: ConnectionOptions | boolean;
  sasl?: SASLOptions;
  /** What the system announces on `pdata.systems.<systemId>.v1` (its Art. 30 register entry). */
  registration: SystemRegistered;
  /** Where handled commands and their replies are kept, so a repeated command is not run twice. */
  store: CommandStore;
  /** Default: warnings and errors to the console, as one JSON line each. */
  logger?: ConnectorLogger;
  /** Default `system.<systemId>`. */
  groupId?: string;
  /** How many times a throwing handler is tried again before the command is answered `failed`. Default 3. */
  respondRetries?: number;
  /** First delay between handler attempts, doubled each time (capped at 30 s). Default 500 ms. */
  retryBackoffMs?: number;
  /**
   * First delay before the SDK restarts a consumer kafkajs gave up on (a crash it will not
   * restart from), doubled per failed attempt up to `restartMaxBackoffMs`, with jitter;
   * attempts go on until one succeeds or stop(). Default 1000 ms.
   */
  restartBackoffMs?: number;
  /** Default 30 000 ms. */
  restartMaxBackoffMs?: number;
  /** How long `start()` waits for a command topic it may not create, then for the group join. Default 60 s. */
  startTimeoutMs?: number;
  /**
   * Prepended to every topic name (as `KAFKA_TOPIC_PREFIX` does for the services), so a
   * test run or a shared cluster can keep its own set of topics. Empty in production.
   */
  topicPrefix?: string;
  /** Used only if the SDK creates the command topic; broker defaults otherwise. */
  commandTopicPartitions?: number;
  commandTopicReplicationFactor?: number;
}

/**
 * Where a connector is. `running`: its consumer is in its group and commands flow.
 * `restarting`: the consumer crashed and is being brought back (commands wait on the
 * topic meanwhile; none is lost). `stopped`: after stop() or a failed start().
 */
export type ConnectorStatus = 'new' | 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped';

/** status() plus what a readiness probe or a status page may show. */
export interface ConnectorHealth {
  status: ConnectorStatus;
  /** Consumer restarts the SDK attempted since start (kafkajs's own restarts are not counted). */
  restarts: number;
  /** The last crash or failed restart: the error's class and code, never its message. */
  lastError?: string;
  lastErrorAt?: Date;
}

/** Thrown by a handler when its message is safe to send in the reply (no personal data). */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}
