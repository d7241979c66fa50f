import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Finds the command a reply answers (audit-log.service.ts: a reply is evidence only for a command sent to its system). */
export class CommandsById1765100000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX audit_entries_command_id ON audit_entries ((payload->>'commandId'))
       WHERE type LIKE 'pdata.command.%' AND type NOT IN ('pdata.command.completed.v1', 'pdata.command.failed.v1')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_entries_command_id`);
  }
}
