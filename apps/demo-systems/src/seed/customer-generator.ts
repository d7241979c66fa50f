/**
 * The fake customers of the demo, and what each of the four systems holds about them.
 *
 * Deterministic: customer n depends only on (seed, n), through its own small PRNG, so the
 * same seed gives the same customers whatever the chunking, and no faker dependency is
 * needed. Most customers are in all four systems; the others in a random non-empty part
 * of them (a prospect only in marketing, a customer who never opened a ticket, ...).
 * Every address ends in `@example.test` (RFC 6761: never deliverable) and every phone
 * number is unique, so no two fake people share a key by accident.
 * Long on purpose: demo data only (names, addresses, the overlaps between systems that
 * exercise the identity graph), generated deterministically from a seed.
 */
import type { HolderId } from '../systems/system-catalog';

export interface GeneratedCustomer {
  n: number;
  customerId: string;
  fullName: string;
  email: string;
  phone: string;
  address: string;
  createdAt: Date;
  systems: HolderId[];
}

export interface InvoiceRow {
  invoiceId: string;
  customerId: string;
  email: string;
  amountCents: number;
  issuedAt: Date;
}
export interface PaymentRow {
  paymentId: string;
  invoiceId: string;
  customerId: string;
  cardLast4: string;
  paidAt: Date;
}
export interface TicketRow {
  ticketId: string;
  customerId: string;
  email: string;
  subjectLine: string;
  body: string;
  createdAt: Date;
}
export interface ContactRow {
  contactId: string;
  email: string;
  phone: string;
  optedIn: boolean;
  lastContactAt: Date | null;
}
export interface UsageRow {
  eventId: string;
  customerId: string;
  email: string;
  event: string;
  at: Date;
}

/** A chunk of customers and the rows of every table about them. */
export interface DemoDataset {
  customers: GeneratedCustomer[];
  /** The CRM holds the customer as such (crm_customers). */
  crmCustomers: GeneratedCustomer[];
  invoices: InvoiceRow[];
  payments: PaymentRow[];
  tickets: TicketRow[];
  contacts: ContactRow[];
  usage: UsageRow[];
}

/** Share of customers present in all four systems. */
export const ALL_SYSTEMS_SHARE = 0.7;

const FIRST_NAMES = [
  'Camille',
  'Léa',
  'Manon',
  'Chloé',
  'Emma',
  'Inès',
  'Jade',
  'Louise',
  'Zoé',
  'Hélène',
  'Claire',
  'Sophie',
  'Julie',
  'Anaïs',
  'Margaux',
  'Sarah',
  'Yasmine',
  'Fatou',
  'Lucas',
  'Hugo',
  'Louis',
  'Gabriel',
  'Arthur',
  'Jules',
  'Adam',
  'Raphaël',
  'Nathan',
  'Thomas',
  'Théo',
  'Maxime',
  'Antoine',
  'Nicolas',
  'Julien',
  'François',
  'Jérôme',
  'Mathieu',
  'Karim',
  'Mamadou',
  'Paul',
  'Jean-Luc',
];
const LAST_NAMES = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Richard',
  'Petit',
  'Durand',
  'Leroy',
  'Moreau',
  'Simon',
  'Laurent',
  'Lefebvre',
  'Michel',
  'Garcia',
  'David',
  'Bertrand',
  'Roux',
  'Vincent',
  'Fournier',
  'Morel',
  'Girard',
  'André',
  'Lefèvre',
  'Mercier',
  'Dupont',
  'Lambert',
  'Bonnet',
  'François',
  'Martinez',
  'Legrand',
  'Garnier',
  'Faure',
  'Rousseau',
  'Blanc',
  'Guérin',
  'Muller',
  'Henry',
  'Perrin',
  'Morin',
  'Clément',
  'Gauthier',
  'Fontaine',
  'Chevalier',
  'Robin',
  "N'Diaye",
  'Nguyen',
  'Benali',
];
const STREETS = [
  'rue de la République',
  'avenue Victor Hugo',
  'boulevard Jean Jaurès',
  'rue des Lilas',
  'avenue du Général de Gaulle',
  'rue Pasteur',
  'place de la Gare',
  'rue des Écoles',
  'cours Gambetta',
  'impasse du Moulin',
  'allée des Tilleuls',
  'quai de la Loire',
];
const CITIES: ReadonlyArray<readonly [string, string]> = [
  ['75011', 'Paris'],
  ['69003', 'Lyon'],
  ['13001', 'Marseille'],
  ['31000', 'Toulouse'],
  ['59000', 'Lille'],
  ['33000', 'Bordeaux'],
  ['44000', 'Nantes'],
  ['67000', 'Strasbourg'],
  ['34000', 'Montpellier'],
  ['35000', 'Rennes'],
  ['06000', 'Nice'],
  ['21000', 'Dijon'],
];
const TICKETS: ReadonlyArray<readonly [string, string]> = [
  [
    'Server unreachable since this morning',
    'My VPS does not answer to ping or SSH since about 8am. Could you check the host?',
  ],
  [
    'Question about my last invoice',
    'The amount of my last invoice is higher than usual. Could you explain the difference?',
  ],
  ['Cannot renew my domain', 'The renewal page fails with an error when I confirm the payment.'],
  ['Backup restore request', "Please restore yesterday's backup of my database instance."],
  ['DNS changes not propagated', 'I updated my DNS zone two days ago and the old records are still served.'],
  ['Change of billing address', 'We moved: please use our new address on future invoices.'],
  ['Account locked', 'I entered a wrong password several times and my account is now locked.'],
  ['Close my account', 'I no longer need my hosting plan. How do I close my account?'],
];
const USAGE_EVENTS = [
  'login',
  'server-created',
  'backup-restored',
  'dns-zone-updated',
  'invoice-downloaded',
  'newsletter-link-clicked',
  'pricing-page-viewed',
];

/** Bits of the systems a customer is in. */
const SYSTEM_BITS: ReadonlyArray<readonly [HolderId, number]> = [
  ['crm', 1],
  ['billing', 2],
  ['support', 4],
  ['marketing', 8],
];
const ALL_BITS = 15;

const DAY = 86_400_000;
const CUSTOMERS_FROM = Date.UTC(2019, 0, 1);
const CUSTOMERS_TO = Date.UTC(2024, 5, 30);
const DATA_UNTIL = Date.UTC(2025, 5, 30);

/** mulberry32: a small, fast, well-distributed 32-bit PRNG. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** One PRNG stream per (seed, customer), so customer n never depends on the others. */
function streamFor(seed: number, n: number): () => number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(n, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return mulberry32(h ^ (h >>> 16));
}

const pad = (v: number, width: number) => String(v).padStart(width, '0');
const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)];
const between = (rand: () => number, from: number, to: number) => from + Math.floor(rand() * (to - from + 1));

/** `Hélène N'Diaye` → `helene.ndiaye`: ASCII letters, digits and hyphens only. */
export function emailLocalPart(first: string, last: string): string {
  const fold = (s: string) =>
    s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '');
  return `${fold(first)}.${fold(last)}`;
}

export function customerIdOf(n: number): string {
  return `C-${pad(n, 6)}`;
}

/**
 * A French mobile number unique to n: n ↦ (n · 48271 + offset) mod 10^8 is a bijection
 * (48271 is prime to 10^8), so two customers below 10^8 never share one.
 */
export function phoneOf(n: number, seed: number): string {
  return `+336${pad((n * 48_271 + (seed % 100_000_000)) % 100_000_000, 8)}`;
}

function systemsOf(rand: () => number): HolderId[] {
  // Most customers are everywhere; the others in one of the 14 proper non-empty subsets.
  const bits = rand() < ALL_SYSTEMS_SHARE ? ALL_BITS : 1 + Math.floor(rand() * (ALL_BITS - 1));
  return SYSTEM_BITS.filter(([, bit]) => bits & bit).map(([id]) => id);
}

/** Customer n (1-based) of a seed, and their rows in every system. */
export function generateCustomer(seed: number, n: number, into: DemoDataset): void {
  const rand = streamFor(seed, n);
  const first = pick(rand, FIRST_NAMES);
  const last = pick(rand, LAST_NAMES);
  const [postcode, city] = pick(rand, CITIES);
  const customerId = customerIdOf(n);
  const email = `${emailLocalPart(first, last)}.${n}@example.test`;
  const createdAt = new Date(CUSTOMERS_FROM + Math.floor(rand() * (CUSTOMERS_TO - CUSTOMERS_FROM)));
  const customer: GeneratedCustomer = {
    n,
    customerId,
    fullName: `${first} ${last}`,
    email,
    phone: phoneOf(n, seed),
    address: `${between(rand, 1, 199)} ${pick(rand, STREETS)}, ${postcode} ${city}`,
    createdAt,
    systems: systemsOf(rand),
  };
  into.customers.push(customer);
  const since = createdAt.getTime();
  const dateAfter = (from: number) => new Date(from + Math.floor(rand() * (DATA_UNTIL - from)));

  for (const system of customer.systems) {
    switch (system) {
      case 'crm':
        into.crmCustomers.push(customer);
        break;
      case 'billing': {
        const invoices = between(rand, 1, 4);
        for (let k = 1; k <= invoices; k++) {
          const suffix = `${pad(n, 7)}-${k}`;
          const issuedAt = dateAfter(since);
          into.invoices.push({
            invoiceId: `INV-${suffix}`,
            customerId,
            email,
            amountCents: between(rand, 499, 29_999),
            issuedAt,
          });
          // Most invoices are paid, by card, within three weeks.
          if (rand() < 0.85) {
            const paidAt = new Date(issuedAt.getTime() + Math.floor(rand() * 21 * DAY));
            into.payments.push({
              paymentId: `PAY-${suffix}`,
              invoiceId: `INV-${suffix}`,
              customerId,
              cardLast4: pad(between(rand, 0, 9999), 4),
              paidAt,
            });
          }
        }
        break;
      }
      case 'support': {
        const tickets = between(rand, 1, 3);
        for (let k = 1; k <= tickets; k++) {
          const [subjectLine, body] = pick(rand, TICKETS);
          into.tickets.push({
            ticketId: `TCK-${pad(n, 7)}-${k}`,
            customerId,
            email,
            subjectLine,
            body,
            createdAt: dateAfter(since),
          });
        }
        break;
      }
      case 'marketing': {
        const optedIn = rand() < 0.6;
        into.contacts.push({
          contactId: `MC-${pad(n, 7)}`,
          email,
          phone: customer.phone,
          optedIn,
          lastContactAt: optedIn ? dateAfter(since) : null,
        });
        const events = between(rand, 0, 5);
        for (let k = 1; k <= events; k++) {
          into.usage.push({
            eventId: `EV-${pad(n, 7)}-${k}`,
            customerId,
            email,
            event: pick(rand, USAGE_EVENTS),
            at: dateAfter(since),
          });
        }
        break;
      }
    }
  }
}

export function emptyDataset(): DemoDataset {
  return { customers: [], crmCustomers: [], invoices: [], payments: [], tickets: [], contacts: [], usage: [] };
}

/** Customers `from`..`to` (inclusive, 1-based) of a seed. */
export function generateDataset(seed: number, from: number, to: number): DemoDataset {
  const data = emptyDataset();
  for (let n = from; n <= to; n++) generateCustomer(seed, n, data);
  return data;
}
