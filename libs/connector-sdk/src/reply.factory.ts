/**
 * Turns what a handler returned into the reply payload of the contract
 * (`pdata.command.completed.v1` / `.failed.v1`), validated with the contract's own
 * classes, so a handler bug becomes a clear `failed` reply instead of a message the DSR
 * side would dead-letter.
 */
import { CommandCompleted, CommandFailed, EVENTS, validatePayload, type Command } from '@datarights/contracts';
import type { ReplyPayload, StoredReply } from './command-store.types';
import type { CommandKind, CommandResult } from './connector.types';

/** The contract's bound on `error` (Length(1, 2000)). */
const MAX_ERROR_LENGTH = 2000;

const clip = (text: string | undefined): string | undefined => (text ? text.slice(0, MAX_ERROR_LENGTH) : undefined);

/** What a reply must name of its command. */
export type CommandIds = Pick<Command, 'commandId' | 'requestId' | 'systemId'>;

function base(command: CommandIds): CommandIds {
  return { commandId: command.commandId, requestId: command.requestId, systemId: command.systemId };
}

/** A `failed` reply; `error` must hold no personal data. */
export function failedReply(command: CommandIds, error: string): StoredReply {
  return {
    type: EVENTS.commandFailed.type as StoredReply['type'],
    payload: { ...base(command), outcome: 'failed', affectedRecords: 0, error: clip(error) },
  };
}

export type BuiltReply = { ok: true; reply: StoredReply } | { ok: false; reason: string };

/** Builds and validates the reply to a handler's result. */
export function replyFromResult(kind: CommandKind, command: Command, result: CommandResult): BuiltReply {
  if (typeof result !== 'object' || result === null) return { ok: false, reason: 'the handler returned no result' };
  const isFailure = result.outcome === 'failed';
  const payload: ReplyPayload = {
    ...base(command),
    outcome: result.outcome,
    affectedRecords: result.affectedRecords,
    ...(result.retained?.length
      ? { retained: result.retained.map((r) => ({ category: r.category, reason: r.reason })) }
      : {}),
    ...(clip(result.error) ? { error: clip(result.error) } : {}),
  };
  if (kind === 'export' && !isFailure) {
    const records = result.records ?? [];
    if (!Array.isArray(records) || records.some((r) => typeof r !== 'object' || r === null || Array.isArray(r))) {
      return { ok: false, reason: 'export records must be an array of JSON objects' };
    }
    // Normalised through JSON now (dates become strings, undefined disappears) so that what
    // is stored, measured for splitting, and sent are byte for byte the same.
    payload.export = { records: JSON.parse(JSON.stringify(records)) as Record<string, unknown>[] };
  }
  const type = isFailure ? EVENTS.commandFailed : EVENTS.commandCompleted;
  // Records are checked above; validating them again would only cost time on big exports.
  const checked = validatePayload(
    isFailure ? CommandFailed : CommandCompleted,
    payload.export ? { ...payload, export: { records: [] } } : payload,
  );
  if (!checked.ok) return { ok: false, reason: `the handler returned an invalid result: ${checked.reason}` };
  if (isFailure && !payload.error) payload.error = `the ${kind} handler reported a failure`;
  return { ok: true, reply: { type: type.type as StoredReply['type'], payload } };
}
