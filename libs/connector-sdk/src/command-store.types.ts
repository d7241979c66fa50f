/**
 * The deduplication store: commands may be delivered more than once, and systems must
 * treat a repeated commandId as done (docs/kafka-contract.md). The SDK saves each reply BEFORE sending
 * it, so a process that dies between the two finds the reply on redelivery and sends it
 * again instead of running the handler a second time.
 */
import type { CommandReply } from '@datarights/contracts';

export type ReplyType = 'pdata.command.completed.v1' | 'pdata.command.failed.v1';

/** The reply as it was first built, unsplit (export parts are cut again when resent). */
export interface StoredReply {
  type: ReplyType;
  payload: ReplyPayload;
}

/** The plain JSON shape of a reply's data (`CommandReply` without its class). */
export type ReplyPayload = Pick<
  CommandReply,
  'commandId' | 'requestId' | 'systemId' | 'outcome' | 'affectedRecords' | 'error'
> & {
  retained?: { category: string; reason: string }[];
  export?: { records: Record<string, unknown>[]; part?: number; parts?: number };
};

export interface CommandStore {
  get(commandId: string): Promise<StoredReply | undefined>;
  save(commandId: string, reply: StoredReply): Promise<void>;
}
