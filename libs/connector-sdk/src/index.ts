/**
 * @datarights/connector-sdk — what a company system uses to take part in the DSR contract:
 * register, publish data events, handle commands and reply. Plain kafkajs, no framework.
 */
export { Connector } from './connector';
export { CommandError } from './connector.types';
export type {
  CommandContext,
  CommandHandler,
  CommandKind,
  CommandPayloads,
  CommandResult,
  ConnectorHealth,
  ConnectorLogger,
  ConnectorOptions,
  ConnectorStatus,
  RecordInput,
  RecordKind,
  RetainedCategory,
} from './connector.types';
export type { CommandStore, ReplyPayload, ReplyType, StoredReply } from './command-store.types';
export { MemoryCommandStore } from './memory.command-store';
export { PostgresCommandStore, type Queryable } from './postgres.command-store';
export { consoleLogger, silentLogger } from './console.logger';
export { InvalidRecordError } from './record-event.builder';
export { assembleExportParts, ExportTooLargeError } from './reply.splitter';
