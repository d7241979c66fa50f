import { randomUUID } from 'node:crypto';
import type { EraseCommand, ExportCommand, RectifyCommand } from '@datarights/contracts';
import type { CommandResult, RecordInput, RecordKind } from '@datarights/connector-sdk';
import { camelCase, CommandHandlers } from './command-handlers.service';
import type { KeyLists } from './key-match';
import { DEMO_SYSTEMS, type TableSpec } from './system-catalog';
import type { HeldRow, KeyedRow, SystemsRepository } from './systems.repository';

/** An in-memory stand-in for the repository: rows per table, matched on any key. */
class FakeRepository {
  effects = new Map<string, CommandResult>();
  tables = new Map<string, Record<string, unknown>[]>();
  matches = (spec: TableSpec, keys: KeyLists) => (row: Record<string, unknown>) =>
    (Object.entries(spec.keys) as [keyof KeyLists, string][]).some(([kind, column]) =>
      keys[kind]?.includes(row[column] as string),
    );
  keyed = (spec: TableSpec, row: Record<string, unknown>): KeyedRow => ({
    ref: row[spec.pk] as string,
    occurredAt: null,
    keys: Object.fromEntries(
      Object.entries(spec.keys)
        .map(([kind, column]) => [kind, row[column]])
        .filter(([, v]) => v),
    ),
  });
  transaction = <T>(work: (tx: never) => Promise<T>) => work(undefined as never);
  lockCommand = async () => undefined;
  findEffect = async (_tx: unknown, id: string) => this.effects.get(id);
  saveEffect = async (_tx: unknown, id: string, _s: string, _k: string, r: CommandResult) =>
    void this.effects.set(id, r);
  countRedelivery = async () => undefined;
  deleteMatching = async (_tx: unknown, spec: TableSpec, keys: KeyLists) => {
    const rows = this.tables.get(spec.table) ?? [];
    const gone = rows.filter(this.matches(spec, keys));
    this.tables.set(
      spec.table,
      rows.filter((r) => !gone.includes(r)),
    );
    return gone.map((r) => this.keyed(spec, r));
  };
  findMatching = async (spec: TableSpec, keys: KeyLists): Promise<HeldRow[]> =>
    (this.tables.get(spec.table) ?? [])
      .filter(this.matches(spec, keys))
      .map((row) => ({ ref: row[spec.pk] as string, row }));
  rectifyMatching = async (_tx: unknown, spec: TableSpec, keys: KeyLists, columns: Record<string, string>) =>
    (this.tables.get(spec.table) ?? [])
      .filter(this.matches(spec, keys))
      .map((row) => this.keyed(spec, Object.assign(row, columns)));
}

const command = <T>(extra: Partial<T> & { categories: string[]; subjectKeys: object }): T =>
  ({
    commandId: randomUUID(),
    requestId: randomUUID(),
    systemId: 'x',
    respondBy: new Date().toISOString(),
    ...extra,
  }) as T;

describe("the demo systems' command handlers", () => {
  let repo: FakeRepository;
  let handlers: CommandHandlers;
  let published: { kind: RecordKind; records: RecordInput[] }[];
  const publish = async (kind: RecordKind, records: RecordInput[]) => void published.push({ kind, records });

  beforeEach(() => {
    repo = new FakeRepository();
    repo.tables.set('billing_invoices', [
      { invoice_id: 'INV-1', customer_id: 'C-1', email: 'jane@example.test', amount_cents: 1200 },
      { invoice_id: 'INV-2', customer_id: 'C-2', email: 'john@example.test', amount_cents: 900 },
    ]);
    repo.tables.set('billing_payments', [{ payment_id: 'PAY-1', customer_id: 'C-1', card_last4: '4242' }]);
    repo.tables.set('crm_customers', [
      { customer_id: 'C-1', email: 'jane@example.test', phone: '+33600000001', full_name: 'Jane' },
    ]);
    handlers = new CommandHandlers(repo as unknown as SystemsRepository);
    published = [];
  });

  it('erases the rows of the asked categories matching any key, and announces each', async () => {
    const erase = command<EraseCommand>({
      categories: ['billing', 'payment'],
      subjectKeys: { email: ['JANE@example.test'], customerId: ['C-404'] },
    });
    // The payment carries only the customer id, which the command does not list: it stays.
    expect(await handlers.erase(DEMO_SYSTEMS.billing, erase, publish)).toEqual({ outcome: 'done', affectedRecords: 1 });
    expect(published).toEqual([
      {
        kind: 'erased',
        records: [
          {
            recordRef: 'invoice/INV-1',
            category: 'billing',
            subjectKeys: { email: 'jane@example.test', customerId: 'C-1' },
          },
        ],
      },
    ]);
    expect(repo.tables.get('billing_invoices')!.map((r) => r.invoice_id)).toEqual(['INV-2']);
    expect(repo.tables.get('billing_payments')).toHaveLength(1);
  });

  it('answers a repeated command with the first result, without acting again', async () => {
    const erase = command<EraseCommand>({ categories: ['billing', 'payment'], subjectKeys: { customerId: ['C-1'] } });
    const first = await handlers.erase(DEMO_SYSTEMS.billing, erase, publish);
    expect(first).toEqual({ outcome: 'done', affectedRecords: 2 });
    expect(await handlers.erase(DEMO_SYSTEMS.billing, erase, publish)).toEqual(first);
    expect(published).toHaveLength(1);
  });

  it('answers not-found, announcing nothing, when nothing matches or the category is not asked', async () => {
    expect(
      await handlers.erase(
        DEMO_SYSTEMS.billing,
        command<EraseCommand>({ categories: ['billing'], subjectKeys: { email: ['nobody@example.test'] } }),
        publish,
      ),
    ).toEqual({
      outcome: 'not-found',
      affectedRecords: 0,
    });
    expect(
      await handlers.erase(
        DEMO_SYSTEMS.billing,
        command<EraseCommand>({ categories: ['usage'], subjectKeys: { customerId: ['C-1'] } }),
        publish,
      ),
    ).toEqual({
      outcome: 'not-found',
      affectedRecords: 0,
    });
    expect(published).toEqual([]);
  });

  it('does not record the effect when announcing fails (the SDK retries the command)', async () => {
    const erase = command<EraseCommand>({ categories: ['billing'], subjectKeys: { customerId: ['C-1'] } });
    await expect(
      handlers.erase(DEMO_SYSTEMS.billing, erase, async () => Promise.reject(new Error('broker down'))),
    ).rejects.toThrow('broker down');
    expect(repo.effects.size).toBe(0);
  });

  it('exports the rows as held, typed and referenced', async () => {
    const result = await handlers.export(
      DEMO_SYSTEMS.billing,
      command<ExportCommand>({ categories: ['billing', 'payment'], subjectKeys: { customerId: ['C-1'] } }),
    );
    expect(result).toEqual({
      outcome: 'done',
      affectedRecords: 2,
      records: [
        {
          recordType: 'invoice',
          category: 'billing',
          recordRef: 'invoice/INV-1',
          invoiceId: 'INV-1',
          customerId: 'C-1',
          email: 'jane@example.test',
          amountCents: 1200,
        },
        {
          recordType: 'payment',
          category: 'payment',
          recordRef: 'payment/PAY-1',
          paymentId: 'PAY-1',
          customerId: 'C-1',
          cardLast4: '4242',
        },
      ],
    });
  });

  it('rectifies and announces the new keys, or refuses invalid values', async () => {
    const rectify = command<RectifyCommand>({
      categories: ['identification'],
      subjectKeys: { customerId: ['C-1'] },
      changes: { email: 'Jane.New@example.test', shoeSize: '42' },
    });
    expect(await handlers.rectify(DEMO_SYSTEMS.crm, rectify, publish)).toEqual({ outcome: 'done', affectedRecords: 1 });
    expect(published[0]).toEqual({
      kind: 'updated',
      records: [
        {
          recordRef: 'customer/C-1',
          category: 'identification',
          subjectKeys: { email: 'jane.new@example.test', customerId: 'C-1', phone: '+33600000001' },
          // Every demo contract still runs: the civil identity's five years have not started (issue 14).
          retentionDates: { contractEnd: null, accountClosure: null },
        },
      ],
    });
    const bad = command<RectifyCommand>({
      categories: ['identification'],
      subjectKeys: { customerId: ['C-1'] },
      changes: { email: 'nope' },
    });
    expect(await handlers.rectify(DEMO_SYSTEMS.crm, bad, publish)).toEqual({
      outcome: 'failed',
      affectedRecords: 0,
      error: 'changes.email is not a valid e-mail address',
    });
  });

  it('turns column names into camelCase', () => {
    expect(camelCase('restricted_until')).toBe('restrictedUntil');
    expect(camelCase('card_last4')).toBe('cardLast4');
  });
});
