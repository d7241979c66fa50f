/**
 * An in-process command store: for tests and for systems that accept running a command
 * again after a restart. It copies replies through JSON, as a database would, so a
 * handler mutating its result afterwards cannot change what is resent.
 */
import type { CommandStore, StoredReply } from './command-store.types';

export class MemoryCommandStore implements CommandStore {
  private readonly replies = new Map<string, string>();

  /** @param maxEntries oldest entries are forgotten past this, so memory stays bounded. */
  constructor(private readonly maxEntries = 10_000) {}

  async get(commandId: string): Promise<StoredReply | undefined> {
    const json = this.replies.get(commandId);
    return json === undefined ? undefined : (JSON.parse(json) as StoredReply);
  }

  async save(commandId: string, reply: StoredReply): Promise<void> {
    // The first reply wins, as with the Postgres store's ON CONFLICT DO NOTHING.
    if (this.replies.has(commandId)) return;
    this.replies.set(commandId, JSON.stringify(reply));
    if (this.replies.size > this.maxEntries) {
      const oldest = this.replies.keys().next().value;
      if (oldest !== undefined) this.replies.delete(oldest);
    }
  }

  get size(): number {
    return this.replies.size;
  }
}
