import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The data-locator's tables: the inventory of systems (the Art. 30 register), the
 * personal-data index learnt from data events, and the plans built for verified requests.
 */
export class InventoryIndexPlans1733100000000 implements MigrationInterface {
  name = 'InventoryIndexPlans1733100000000';

  async up(q: QueryRunner): Promise<void> {
    // GDPR Art. 30(1): purposes, categories, recipients, transfers and their safeguards.
    await q.query(`
      CREATE TABLE systems (
        system_id text PRIMARY KEY,
        name text NOT NULL,
        owner text NOT NULL,
        role text NOT NULL CHECK (role IN ('controller', 'processor')),
        controller text,
        purposes text[] NOT NULL DEFAULT '{}',
        legal_basis text NOT NULL,
        categories text[] NOT NULL DEFAULT '{}',
        location text NOT NULL,
        transfers jsonb NOT NULL DEFAULT '[]',
        recipients jsonb NOT NULL DEFAULT '[]',
        capabilities text[] NOT NULL DEFAULT '{}',
        source text,
        command_topic text NOT NULL,
        command_topic_ready_at timestamptz,
        registered_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    // The systems whose command topic still has to be created (see TopicProvisioner).
    await q.query(`CREATE INDEX systems_topic_pending ON systems (system_id) WHERE command_topic_ready_at IS NULL`);

    // Which system holds which record of which category under which (normalised) keys.
    await q.query(`
      CREATE TABLE pdata_index (
        system_id text NOT NULL,
        record_ref text NOT NULL,
        category text NOT NULL,
        email text,
        customer_id text,
        phone text,
        erased boolean NOT NULL DEFAULT false,
        occurred_at timestamptz NOT NULL,
        PRIMARY KEY (system_id, record_ref)
      )`);
    await q.query(`CREATE INDEX pdata_index_email ON pdata_index (email)`);
    await q.query(`CREATE INDEX pdata_index_customer_id ON pdata_index (customer_id)`);
    await q.query(`CREATE INDEX pdata_index_phone ON pdata_index (phone)`);

    // One plan per request: a redelivered or re-emitted identityVerified never builds two.
    await q.query(`
      CREATE TABLE plans (
        request_id uuid PRIMARY KEY,
        request_type text NOT NULL,
        subject_ref text NOT NULL,
        items jsonb NOT NULL,
        caused_by text NOT NULL,
        built_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE plans`);
    await q.query(`DROP TABLE pdata_index`);
    await q.query(`DROP TABLE systems`);
  }
}
