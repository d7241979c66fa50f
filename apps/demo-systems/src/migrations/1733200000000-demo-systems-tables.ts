import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tables of the four demo company systems (CRM, billing, support, marketing), their
 * command stores, the mail sink's mailbox and the seeding bookkeeping. Each system's
 * tables are its own: rows carry the subject keys (email, customer id, phone) the system
 * announces in its data events.
 */
export class DemoSystemsTables1733200000000 implements MigrationInterface {
  name = 'DemoSystemsTables1733200000000';

  async up(q: QueryRunner): Promise<void> {
    // CRM: the customer as such. restricted_until: Art. 18 restriction ('infinity' when open-ended).
    await q.query(`
      CREATE TABLE crm_customers (
        customer_id text PRIMARY KEY,
        email text NOT NULL,
        phone text,
        full_name text NOT NULL,
        address text,
        created_at timestamptz NOT NULL,
        restricted_until timestamptz
      )`);
    await q.query(`CREATE INDEX crm_customers_email ON crm_customers (email)`);
    await q.query(`CREATE INDEX crm_customers_phone ON crm_customers (phone)`);

    // Billing: invoices (accounting documents, Code de commerce L123-22) and card payments.
    await q.query(`
      CREATE TABLE billing_invoices (
        invoice_id text PRIMARY KEY,
        customer_id text NOT NULL,
        email text NOT NULL,
        amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
        issued_at timestamptz NOT NULL,
        restricted_until timestamptz
      )`);
    await q.query(`CREATE INDEX billing_invoices_customer ON billing_invoices (customer_id)`);
    await q.query(`CREATE INDEX billing_invoices_email ON billing_invoices (email)`);
    await q.query(`
      CREATE TABLE billing_payments (
        payment_id text PRIMARY KEY,
        invoice_id text,
        customer_id text NOT NULL,
        card_last4 text NOT NULL CHECK (card_last4 ~ '^[0-9]{4}$'),
        paid_at timestamptz NOT NULL,
        restricted_until timestamptz
      )`);
    await q.query(`CREATE INDEX billing_payments_customer ON billing_payments (customer_id)`);

    // Support: tickets.
    await q.query(`
      CREATE TABLE support_tickets (
        ticket_id text PRIMARY KEY,
        customer_id text,
        email text NOT NULL,
        subject_line text NOT NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX support_tickets_customer ON support_tickets (customer_id)`);
    await q.query(`CREATE INDEX support_tickets_email ON support_tickets (email)`);

    // Marketing: prospection contacts (with the purposes objected to, Art. 21) and usage events.
    await q.query(`
      CREATE TABLE marketing_contacts (
        contact_id text PRIMARY KEY,
        email text NOT NULL,
        phone text,
        opted_in boolean NOT NULL,
        last_contact_at timestamptz,
        restricted boolean NOT NULL DEFAULT false,
        suppressed_purposes text[] NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX marketing_contacts_email ON marketing_contacts (email)`);
    await q.query(`CREATE INDEX marketing_contacts_phone ON marketing_contacts (phone)`);
    await q.query(`
      CREATE TABLE marketing_usage (
        event_id text PRIMARY KEY,
        customer_id text,
        email text,
        event text NOT NULL,
        at timestamptz NOT NULL,
        restricted boolean NOT NULL DEFAULT false,
        suppressed_purposes text[] NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX marketing_usage_customer ON marketing_usage (customer_id)`);
    await q.query(`CREATE INDEX marketing_usage_email ON marketing_usage (email)`);

    // The connector SDK's command stores (PostgresCommandStore's own layout), one per system.
    for (const system of ['crm', 'billing', 'support', 'marketing']) {
      await q.query(`
        CREATE TABLE ${system}_commands (
          command_id uuid PRIMARY KEY,
          reply jsonb NOT NULL,
          handled_at timestamptz NOT NULL DEFAULT now()
        )`);
    }
    // What a mutating command did, written in the transaction of its effect: a command
    // redelivered after a crash between that commit and the SDK saving its reply gets the
    // same answer again instead of "not-found".
    await q.query(`
      CREATE TABLE command_effects (
        command_id uuid PRIMARY KEY,
        system_id text NOT NULL,
        kind text NOT NULL,
        result jsonb NOT NULL,
        handled_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX command_effects_handled_at ON command_effects (handled_at)`);

    // The mail sink: what the services asked the mail gateway to send.
    await q.query(`
      CREATE TABLE mail_messages (
        notification_id uuid PRIMARY KEY,
        request_id uuid NOT NULL,
        channel text NOT NULL,
        to_address text NOT NULL,
        template text NOT NULL,
        locale text NOT NULL,
        variables jsonb NOT NULL DEFAULT '{}',
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX mail_messages_received ON mail_messages (received_at DESC)`);
    await q.query(`CREATE INDEX mail_messages_to ON mail_messages (lower(to_address))`);
    await q.query(`CREATE INDEX mail_messages_request ON mail_messages (request_id)`);

    // Seeding: the demo's own list of the people it generated (not a company system, never
    // announced: the walkthrough's answer key), the one seed_state row, and how far each
    // seeded table has been announced on pdata.events.v1 (resumes after a restart).
    await q.query(`
      CREATE TABLE demo_directory (
        customer_id text PRIMARY KEY,
        n integer NOT NULL UNIQUE,
        email text NOT NULL,
        phone text NOT NULL,
        full_name text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE seed_state (
        id smallint PRIMARY KEY CHECK (id = 1),
        seed bigint NOT NULL,
        customers integer NOT NULL,
        seeded_at timestamptz NOT NULL DEFAULT now(),
        seed_ms integer NOT NULL,
        published_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE seed_publication (
        table_name text PRIMARY KEY,
        system_id text NOT NULL,
        total bigint NOT NULL,
        published bigint NOT NULL DEFAULT 0,
        last_ref text NOT NULL DEFAULT '',
        done_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'seed_publication',
      'seed_state',
      'demo_directory',
      'mail_messages',
      'command_effects',
      'crm_commands',
      'billing_commands',
      'support_commands',
      'marketing_commands',
      'marketing_usage',
      'marketing_contacts',
      'support_tickets',
      'billing_payments',
      'billing_invoices',
      'crm_customers',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
