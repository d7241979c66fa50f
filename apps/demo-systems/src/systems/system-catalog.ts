/**
 * The reference company systems — four that hold customer data, and the helpdesk
 * software's connector, a recipient of the support desk's data that takes Art. 19
 * notices — : what each announces on `pdata.systems.<systemId>.v1` (its
 * GDPR Art. 30 register entry) and, for each of its tables, which category of data a row
 * is, which subject keys it carries and what a command may do to it. The command handlers
 * and the seeding are written once against these descriptions.
 *
 * Every name here is a constant of the code, never input: table and column names are
 * interpolated into SQL only from this file (and checked by `assertIdentifiers`).
 * Long on purpose: demo data only: the demo systems' tables, categories and record dates,
 * declared as data.
 */
import type { RetentionDateField, SubjectKeyKind, SystemRegistered } from '@datarights/contracts';

/**
 * Where a retention date of a row comes from: the row's own date (`occurredAt`), the end of
 * the financial year of that date (the demo company's financial year is the calendar year,
 * Paris time), or `not-yet` (the event has not happened: every demo contract still runs).
 */
export type RetentionDateSource = 'occurred-at' | 'end-of-financial-year' | 'not-yet';

/** The systems holding customer rows. */
export const HOLDER_IDS = ['crm', 'billing', 'support', 'marketing'] as const;
export type HolderId = (typeof HOLDER_IDS)[number];
/** Recipients of the holders' data that take Art. 19 notices, holding no table of their own. */
export const RECIPIENT_SYSTEM_IDS = ['helpscale'] as const;
export const SYSTEM_IDS = [...HOLDER_IDS, ...RECIPIENT_SYSTEM_IDS] as const;
export type SystemId = (typeof SYSTEM_IDS)[number];

/** Fields a rectify command's `changes` may name (Art. 16), and their accepted aliases. */
export const RECTIFIABLE_FIELDS = ['email', 'phone', 'fullName', 'address'] as const;
export type RectifiableField = (typeof RECTIFIABLE_FIELDS)[number];
export const FIELD_ALIASES: Readonly<Record<string, RectifiableField>> = {
  email: 'email',
  phone: 'phone',
  fullName: 'fullName',
  full_name: 'fullName',
  name: 'fullName',
  address: 'address',
};

export interface TableSpec {
  table: string;
  /** Primary key column; `<recordType>/<pk>` is the record's `recordRef` in data events. */
  pk: string;
  recordType: string;
  category: string;
  /** The subject keys a row carries, and the column holding each. */
  keys: Partial<Record<SubjectKeyKind, string>>;
  /** When the record came to be (the data event's `occurredAt`). */
  occurredAt: string;
  /** How a restriction (Art. 18) is recorded: a `restricted_until` date, or a `restricted` flag. */
  restriction?: 'until' | 'flag';
  /** Columns a rectify command may change. */
  rectifiable?: Partial<Record<RectifiableField, string>>;
  /** Holds the purposes the subject objected to (Art. 21), in `suppressed_purposes`. */
  suppressible?: boolean;
  /** The marketing opt-in column, withdrawn by an objection to prospection (Art. 21(3)). */
  optIn?: string;
  /** The retention dates its data events report (issue 14: each period runs from the record's own start). */
  retention?: Partial<Record<RetentionDateField, RetentionDateSource>>;
}

export interface DemoSystem {
  registration: SystemRegistered;
  tables: TableSpec[];
}

export const DEMO_SYSTEMS: Readonly<Record<SystemId, DemoSystem>> = {
  crm: {
    registration: {
      systemId: 'crm',
      name: 'CRM',
      owner: 'sales-operations',
      role: 'controller',
      purposes: ['customer-relationship'],
      legalBasis: 'contract',
      categories: ['identification'],
      location: 'FR',
      transfers: [],
      recipients: [],
      capabilities: ['export', 'erase', 'rectify', 'restrict'],
    },
    tables: [
      {
        table: 'crm_customers',
        pk: 'customer_id',
        recordType: 'customer',
        category: 'identification',
        keys: { email: 'email', customerId: 'customer_id', phone: 'phone' },
        occurredAt: 'created_at',
        restriction: 'until',
        rectifiable: { email: 'email', phone: 'phone', fullName: 'full_name', address: 'address' },
        // LCEN art. 6: five years after the contract ends; every demo contract still runs.
        retention: { recordDate: 'occurred-at', contractEnd: 'not-yet', accountClosure: 'not-yet' },
      },
    ],
  },
  billing: {
    registration: {
      systemId: 'billing',
      name: 'Billing and payments',
      owner: 'finance',
      role: 'controller',
      purposes: ['invoicing'],
      // Art. 6(1)(c): invoices are kept under Code de commerce L123-22.
      legalBasis: 'legal-obligation',
      categories: ['billing', 'payment'],
      location: 'FR',
      transfers: [],
      recipients: [
        {
          name: 'PayFlow SAS (payment service provider)',
          kind: 'sub-processor',
          categories: ['payment'],
          country: 'FR',
        },
        {
          name: 'Lefèvre Expertise Comptable (accounting firm)',
          kind: 'sub-processor',
          categories: ['billing'],
          country: 'FR',
        },
      ],
      capabilities: ['export', 'erase', 'restrict'],
    },
    tables: [
      {
        table: 'billing_invoices',
        pk: 'invoice_id',
        recordType: 'invoice',
        category: 'billing',
        keys: { email: 'email', customerId: 'customer_id' },
        occurredAt: 'issued_at',
        restriction: 'until',
        // Code de commerce L123-22: ten years from the end of the invoice's financial year.
        retention: {
          recordDate: 'occurred-at',
          lastOperation: 'occurred-at',
          endOfFinancialYear: 'end-of-financial-year',
        },
      },
      {
        table: 'billing_payments',
        pk: 'payment_id',
        recordType: 'payment',
        category: 'payment',
        keys: { customerId: 'customer_id' },
        occurredAt: 'paid_at',
        restriction: 'until',
        // CNIL délibération 2018-303: thirteen months from the debit; décret 2021-1362: account open.
        retention: { transaction: 'occurred-at', accountClosure: 'not-yet' },
      },
    ],
  },
  support: {
    registration: {
      systemId: 'support',
      name: 'Support desk',
      owner: 'customer-care',
      role: 'controller',
      purposes: ['customer-support'],
      legalBasis: 'contract',
      categories: ['relationship'],
      location: 'FR',
      // Art. 46(2)(c): the helpdesk software is hosted in the US under standard contractual clauses.
      transfers: [{ country: 'US', mechanism: 'scc', recipient: 'HelpScale Inc. (helpdesk software)' }],
      // Art. 19: HelpScale takes notices on its own command topic (the `helpscale` connector below).
      recipients: [
        {
          name: 'HelpScale Inc. (helpdesk software)',
          kind: 'sub-processor',
          categories: ['relationship'],
          country: 'US',
          systemId: 'helpscale',
        },
      ],
      capabilities: ['export', 'erase', 'rectify'],
    },
    tables: [
      {
        table: 'support_tickets',
        pk: 'ticket_id',
        recordType: 'ticket',
        category: 'relationship',
        keys: { email: 'email', customerId: 'customer_id' },
        occurredAt: 'created_at',
        rectifiable: { email: 'email' },
      },
    ],
  },
  marketing: {
    registration: {
      systemId: 'marketing',
      name: 'Marketing',
      owner: 'growth',
      role: 'controller',
      purposes: ['prospection', 'service-improvement'],
      legalBasis: 'legitimate-interest',
      categories: ['usage', 'prospection'],
      location: 'FR',
      transfers: [],
      recipients: [
        {
          name: 'Mailvoie SAS (e-mailing platform)',
          kind: 'sub-processor',
          categories: ['prospection'],
          country: 'FR',
        },
      ],
      capabilities: ['export', 'erase', 'restrict', 'suppress'],
    },
    tables: [
      {
        table: 'marketing_contacts',
        pk: 'contact_id',
        recordType: 'contact',
        category: 'prospection',
        keys: { email: 'email', phone: 'phone' },
        occurredAt: 'last_contact_at',
        // CNIL: a prospect is kept at most three years from the last contact from the prospect.
        retention: { lastContact: 'occurred-at' },
        restriction: 'flag',
        suppressible: true,
        optIn: 'opted_in',
      },
      {
        table: 'marketing_usage',
        pk: 'event_id',
        recordType: 'usage-event',
        category: 'usage',
        keys: { email: 'email', customerId: 'customer_id' },
        occurredAt: 'at',
        restriction: 'flag',
        suppressible: true,
      },
    ],
  },
  // A recipient, not a holder of the demo's tables: the US helpdesk software the support
  // desk's tickets are disclosed to (Art. 46(2)(c) standard contractual clauses). It plugs in
  // with the connector SDK to take Art. 19 notices (`notify`) and acknowledges each one.
  helpscale: {
    registration: {
      systemId: 'helpscale',
      name: 'HelpScale helpdesk (sub-processor of the support desk)',
      owner: 'customer-care',
      role: 'controller',
      purposes: ['customer-support'],
      legalBasis: 'contract',
      categories: ['relationship'],
      location: 'US',
      transfers: [{ country: 'US', mechanism: 'scc', recipient: 'HelpScale Inc. (helpdesk software)' }],
      recipients: [],
      capabilities: ['notify'],
    },
    tables: [],
  },
};

export const ALL_TABLES: readonly TableSpec[] = SYSTEM_IDS.flatMap((id) => DEMO_SYSTEMS[id].tables);

/** The tables of a system holding one of these categories. */
export function tablesFor(system: DemoSystem, categories: readonly string[]): TableSpec[] {
  return system.tables.filter((t) => categories.includes(t.category));
}

/** The system a table belongs to. */
export function systemOfTable(table: string): SystemId {
  const id = SYSTEM_IDS.find((s) => DEMO_SYSTEMS[s].tables.some((t) => t.table === table));
  if (!id) throw new Error(`unknown table ${table}`);
  return id;
}

export function recordRefOf(spec: TableSpec, pk: string): string {
  return `${spec.recordType}/${pk}`;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Defence in depth: every identifier of the catalog is a plain lowercase SQL identifier. */
export function assertIdentifiers(tables: readonly TableSpec[] = ALL_TABLES): void {
  for (const t of tables) {
    const names = [
      t.table,
      t.pk,
      t.occurredAt,
      ...(t.optIn ? [t.optIn] : []),
      ...Object.values(t.keys),
      ...Object.values(t.rectifiable ?? {}),
    ];
    for (const n of names)
      if (!n || !IDENTIFIER.test(n)) throw new Error(`invalid SQL identifier in the catalog: ${JSON.stringify(n)}`);
  }
}
assertIdentifiers();
