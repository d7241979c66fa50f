/**
 * The only TypeORM user of the demo views: the directory of generated customers (the
 * walkthrough's answer key, not a company system) and, for each, which systems hold
 * rows carrying one of their keys right now.
 */
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SUBJECT_KEY_KINDS, type SubjectKeyKind } from '@datarights/contracts';
import { DEMO_SYSTEMS, HOLDER_IDS, type SystemId, type TableSpec } from '../systems/system-catalog';

export interface DirectoryEntry {
  customerId: string;
  email: string;
  phone: string;
  name: string;
}

export interface DirectoryEntryWithSystems extends DirectoryEntry {
  systems: SystemId[];
}

const DIRECTORY_COLUMN: Record<SubjectKeyKind, string> = {
  email: 'd.email',
  customerId: 'd.customer_id',
  phone: 'd.phone',
};

/** `EXISTS (SELECT 1 FROM t WHERE t.email = d.email OR t.customer_id = d.customer_id ...)` */
function heldBy(spec: TableSpec): string {
  const match = SUBJECT_KEY_KINDS.filter((k) => spec.keys[k]).map((k) => `x.${spec.keys[k]} = ${DIRECTORY_COLUMN[k]}`);
  return `EXISTS (SELECT 1 FROM ${spec.table} x WHERE ${match.join(' OR ')})`;
}

const PRESENCE = HOLDER_IDS.map((id) => `(${DEMO_SYSTEMS[id].tables.map(heldBy).join(' OR ')}) AS "${id}"`).join(
  ',\n       ',
);

type Row = { customer_id: string; email: string; phone: string; full_name: string } & Partial<
  Record<SystemId, boolean>
>;

function toEntry(r: Row): DirectoryEntryWithSystems {
  return {
    customerId: r.customer_id,
    email: r.email,
    phone: r.phone,
    name: r.full_name,
    systems: HOLDER_IDS.filter((id) => r[id]),
  };
}

@Injectable()
export class DemoRepository {
  constructor(private readonly dataSource: DataSource) {}

  async count(): Promise<number> {
    const rows: { n: number }[] = await this.dataSource.query(`SELECT count(*)::int AS n FROM demo_directory`);
    return rows[0]?.n ?? 0;
  }

  async page(limit: number, offset: number): Promise<DirectoryEntryWithSystems[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT d.customer_id, d.email, d.phone, d.full_name,
       ${PRESENCE}
         FROM demo_directory d ORDER BY d.n LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    return rows.map(toEntry);
  }

  async findOne(customerId: string): Promise<DirectoryEntryWithSystems | undefined> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT d.customer_id, d.email, d.phone, d.full_name,
       ${PRESENCE}
         FROM demo_directory d WHERE d.customer_id = $1`,
      [customerId],
    );
    return rows[0] && toEntry(rows[0]);
  }
}
