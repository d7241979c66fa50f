import type { StoredReply } from './command-store.types';
import { PostgresCommandStore, type Queryable } from './postgres.command-store';

/** Records the SQL; answers SELECTs from what was inserted. */
class FakeDb implements Queryable {
  queries: string[] = [];
  rows = new Map<string, string>();
  failNext = false;
  async query(text: string, params: unknown[] = []) {
    this.queries.push(text.replace(/\s+/g, ' ').trim());
    if (this.failNext) {
      this.failNext = false;
      throw new Error('connection refused');
    }
    if (text.startsWith('INSERT') && !this.rows.has(String(params[0])))
      this.rows.set(String(params[0]), String(params[1]));
    if (text.startsWith('SELECT')) {
      const reply = this.rows.get(String(params[0]));
      return { rows: reply ? [{ reply: JSON.parse(reply) }] : [] };
    }
    return { rows: [] };
  }
}

const reply: StoredReply = {
  type: 'pdata.command.completed.v1',
  payload: {
    commandId: '3f2a4c1e-0000-4000-8000-000000000001',
    requestId: '3f2a4c1e-0000-4000-8000-000000000002',
    systemId: 'crm',
    outcome: 'done',
    affectedRecords: 1,
  },
};

describe('PostgresCommandStore', () => {
  it('creates its table once, then keeps the first reply of a commandId', async () => {
    const db = new FakeDb();
    const store = new PostgresCommandStore(db, 'crm.handled_commands');
    expect(await store.get(reply.payload.commandId)).toBeUndefined();
    await store.save(reply.payload.commandId, reply);
    await store.save(reply.payload.commandId, { ...reply, type: 'pdata.command.failed.v1' });
    expect(await store.get(reply.payload.commandId)).toEqual(reply);
    expect(db.queries.filter((q) => q.startsWith('CREATE TABLE IF NOT EXISTS crm.handled_commands'))).toHaveLength(1);
    expect(db.queries[0]).toContain('command_id uuid PRIMARY KEY, reply jsonb NOT NULL, handled_at timestamptz');
  });

  it('tries creating the table again after a failure', async () => {
    const db = new FakeDb();
    const store = new PostgresCommandStore(db);
    db.failNext = true;
    await expect(store.get(reply.payload.commandId)).rejects.toThrow('connection refused');
    await expect(store.get(reply.payload.commandId)).resolves.toBeUndefined();
  });

  it('refuses a table name that is not a plain identifier', () => {
    expect(() => new PostgresCommandStore(new FakeDb(), 'x; DROP TABLE y')).toThrow(/invalid table name/);
  });
});
