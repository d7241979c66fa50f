/**
 * The only TypeORM user of the seeding: the one-time set-based inserts of the generated
 * customers (under an advisory lock, in one transaction), and the bookkeeping of how far
 * each seeded table has been announced, page by page, so a restart resumes there.
 */
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ALL_TABLES, systemOfTable, type TableSpec } from '../systems/system-catalog';
import { keyedSelect, toKeyedRow, type KeyedRow } from '../systems/systems.repository';
import type { DemoDataset } from './customer-generator';

export interface SeedState {
  seed: number;
  customers: number;
  seedMs: number;
  seededAt: Date;
  publishedAt: Date | null;
}

export interface PublicationRow {
  table: string;
  systemId: string;
  total: number;
  published: number;
  done: boolean;
}

type Column = [name: string, pgType: string, values: unknown[]];

const iso = (d: Date | null) => (d ? d.toISOString() : null);

@Injectable()
export class SeedRepository {
  constructor(private readonly dataSource: DataSource) {}

  async state(): Promise<SeedState | undefined> {
    const rows: { seed: string; customers: number; seed_ms: number; seeded_at: Date; published_at: Date | null }[] =
      await this.dataSource.query(
        `SELECT seed, customers, seed_ms, seeded_at, published_at FROM seed_state WHERE id = 1`,
      );
    const r = rows[0];
    return (
      r && {
        seed: Number(r.seed),
        customers: r.customers,
        seedMs: r.seed_ms,
        seededAt: r.seeded_at,
        publishedAt: r.published_at,
      }
    );
  }

  /**
   * Runs `fill` once per schema: under a transaction-scoped advisory lock (two instances
   * starting together: the second waits, then finds the seed done), in the same
   * transaction as the seed_state row, so a crash mid-way leaves nothing half seeded.
   * Returns false when it was already done.
   */
  async seedOnce(seed: number, customers: number, fill: (tx: EntityManager) => Promise<void>): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('demo-systems.seed.' || current_schema()))`);
      if ((await tx.query(`SELECT 1 FROM seed_state WHERE id = 1`)).length > 0) return false;
      const started = Date.now();
      await fill(tx);
      for (const spec of ALL_TABLES) {
        await tx.query(
          `INSERT INTO seed_publication (table_name, system_id, total) SELECT $1, $2, count(*) FROM ${spec.table}`,
          [spec.table, systemOfTable(spec.table)],
        );
      }
      await tx.query(`INSERT INTO seed_state (id, seed, customers, seed_ms) VALUES (1, $1, $2, $3)`, [
        seed,
        customers,
        Date.now() - started,
      ]);
      return true;
    });
  }

  /** Inserts a chunk of generated customers: one set-based INSERT ... SELECT unnest(...) per table. */
  async insertChunk(tx: EntityManager, d: DemoDataset): Promise<void> {
    await this.insert(tx, 'demo_directory', [
      ['customer_id', 'text', d.customers.map((c) => c.customerId)],
      ['n', 'int', d.customers.map((c) => c.n)],
      ['email', 'text', d.customers.map((c) => c.email)],
      ['phone', 'text', d.customers.map((c) => c.phone)],
      ['full_name', 'text', d.customers.map((c) => c.fullName)],
    ]);
    await this.insert(tx, 'crm_customers', [
      ['customer_id', 'text', d.crmCustomers.map((c) => c.customerId)],
      ['email', 'text', d.crmCustomers.map((c) => c.email)],
      ['phone', 'text', d.crmCustomers.map((c) => c.phone)],
      ['full_name', 'text', d.crmCustomers.map((c) => c.fullName)],
      ['address', 'text', d.crmCustomers.map((c) => c.address)],
      ['created_at', 'timestamptz', d.crmCustomers.map((c) => iso(c.createdAt))],
    ]);
    await this.insert(tx, 'billing_invoices', [
      ['invoice_id', 'text', d.invoices.map((r) => r.invoiceId)],
      ['customer_id', 'text', d.invoices.map((r) => r.customerId)],
      ['email', 'text', d.invoices.map((r) => r.email)],
      ['amount_cents', 'bigint', d.invoices.map((r) => r.amountCents)],
      ['issued_at', 'timestamptz', d.invoices.map((r) => iso(r.issuedAt))],
    ]);
    await this.insert(tx, 'billing_payments', [
      ['payment_id', 'text', d.payments.map((r) => r.paymentId)],
      ['invoice_id', 'text', d.payments.map((r) => r.invoiceId)],
      ['customer_id', 'text', d.payments.map((r) => r.customerId)],
      ['card_last4', 'text', d.payments.map((r) => r.cardLast4)],
      ['paid_at', 'timestamptz', d.payments.map((r) => iso(r.paidAt))],
    ]);
    await this.insert(tx, 'support_tickets', [
      ['ticket_id', 'text', d.tickets.map((r) => r.ticketId)],
      ['customer_id', 'text', d.tickets.map((r) => r.customerId)],
      ['email', 'text', d.tickets.map((r) => r.email)],
      ['subject_line', 'text', d.tickets.map((r) => r.subjectLine)],
      ['body', 'text', d.tickets.map((r) => r.body)],
      ['created_at', 'timestamptz', d.tickets.map((r) => iso(r.createdAt))],
    ]);
    await this.insert(tx, 'marketing_contacts', [
      ['contact_id', 'text', d.contacts.map((r) => r.contactId)],
      ['email', 'text', d.contacts.map((r) => r.email)],
      ['phone', 'text', d.contacts.map((r) => r.phone)],
      ['opted_in', 'boolean', d.contacts.map((r) => r.optedIn)],
      ['last_contact_at', 'timestamptz', d.contacts.map((r) => iso(r.lastContactAt))],
    ]);
    await this.insert(tx, 'marketing_usage', [
      ['event_id', 'text', d.usage.map((r) => r.eventId)],
      ['customer_id', 'text', d.usage.map((r) => r.customerId)],
      ['email', 'text', d.usage.map((r) => r.email)],
      ['event', 'text', d.usage.map((r) => r.event)],
      ['at', 'timestamptz', d.usage.map((r) => iso(r.at))],
    ]);
  }

  async publication(): Promise<PublicationRow[]> {
    const rows: { table_name: string; system_id: string; total: string; published: string; done_at: Date | null }[] =
      await this.dataSource.query(
        `SELECT table_name, system_id, total, published, done_at FROM seed_publication ORDER BY table_name`,
      );
    return rows.map((r) => ({
      table: r.table_name,
      systemId: r.system_id,
      total: Number(r.total),
      published: Number(r.published),
      done: r.done_at !== null,
    }));
  }

  /**
   * Announces the next page of a table, in one transaction: the page's rows are locked
   * FOR SHARE while `send` publishes them, so an erase of one of them waits and its
   * `erased` event always follows the `stored` one (same key, same partition). The
   * progress row is locked too: two instances never announce the same page together.
   * At least once: a crash after sending and before the commit sends the page again.
   */
  async nextPage(
    spec: TableSpec,
    pageSize: number,
    send: (rows: KeyedRow[]) => Promise<void>,
  ): Promise<{ sent: number; done: boolean }> {
    return this.dataSource.transaction(async (tx) => {
      const progress: { last_ref: string; done_at: Date | null }[] = await tx.query(
        `SELECT last_ref, done_at FROM seed_publication WHERE table_name = $1 FOR UPDATE`,
        [spec.table],
      );
      if (!progress[0] || progress[0].done_at) return { sent: 0, done: true };
      const rows = (
        await tx.query(
          `SELECT ${keyedSelect(spec)} FROM ${spec.table} WHERE ${spec.pk} > $1 ORDER BY ${spec.pk} LIMIT $2 FOR SHARE`,
          [progress[0].last_ref, pageSize],
        )
      ).map(toKeyedRow);
      if (rows.length > 0) await send(rows);
      const done = rows.length < pageSize;
      await tx.query(
        `UPDATE seed_publication SET last_ref = $2, published = published + $3, done_at = CASE WHEN $4 THEN now() END WHERE table_name = $1`,
        [spec.table, rows.length ? rows[rows.length - 1].ref : progress[0].last_ref, rows.length, done],
      );
      return { sent: rows.length, done };
    });
  }

  async markPublished(): Promise<void> {
    await this.dataSource.query(`UPDATE seed_state SET published_at = now() WHERE id = 1 AND published_at IS NULL`);
  }

  private async insert(tx: EntityManager, table: string, columns: Column[]): Promise<void> {
    if (columns[0][2].length === 0) return;
    const names = columns.map(([name]) => name).join(', ');
    const arrays = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
    await tx.query(
      `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays})`,
      columns.map(([, , values]) => values),
    );
  }
}
