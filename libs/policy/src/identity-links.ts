/**
 * Which company systems may link a person's identifiers together (issue 13): a record from
 * a system *authoritative* for a key kind links its keys of those kinds **strongly** — they
 * are one person's; any other co-occurrence (a newsletter sign-up holding an e-mail next to
 * a phone, a support ticket's e-mail next to a customer number) is a **weak** link, kept
 * with the record that made it, which never decides who a request is about, never makes an
 * address "on file" for a code, and is never crossed by a right without the DPO's decision.
 *
 *   identity:
 *     authoritative:
 *       crm: [email, phone, customerId]
 *       billing: [customerId]
 *     uniqueKinds: [customerId]
 *
 * Why (GDPR): accuracy, Art. 5(1)(d) — only a system that checks an identifier may vouch
 * that it is the person's; identification, Art. 11(2), 12(2), 12(6) — the controller acts
 * on the data of the person it identified, not on whoever typed an address somewhere;
 * integrity and confidentiality, Art. 5(1)(f), 32 — an erasure or an access package must
 * not reach another person's data through a link someone else could plant.
 *
 * `uniqueKinds`: a kind that names one person at most (a customer number). Two different
 * values of it inside one strongly linked group (two customers in the CRM sharing a family
 * phone) are several subjects: the shared key belongs to none of them alone, and a request
 * given only that key goes to the DPO.
 */
import { IsArray, IsIn, IsObject, IsOptional } from 'class-validator';

/** The subject key kinds (as in the Kafka contract; this lib does not depend on it). */
export const IDENTITY_KEY_KINDS = ['email', 'customerId', 'phone'] as const;
export type IdentityKeyKind = (typeof IDENTITY_KEY_KINDS)[number];

const SYSTEM_ID = /^[a-z][a-z0-9-]{0,62}$/;

export class IdentityLinksPolicy {
  /** systemId → the key kinds that system is authoritative for. */
  @IsOptional()
  @IsObject({ message: 'must be a mapping of system id → list of key kinds' })
  authoritative: Readonly<Record<string, readonly IdentityKeyKind[]>>;

  @IsOptional()
  @IsArray({ message: `must be a list of key kinds (${IDENTITY_KEY_KINDS.join(', ')})` })
  @IsIn(IDENTITY_KEY_KINDS, { each: true, message: `each must be one of ${IDENTITY_KEY_KINDS.join(', ')}` })
  uniqueKinds: readonly IdentityKeyKind[];
}

/** Customer numbers name one customer: the default when a profile says nothing. */
export const DEFAULT_UNIQUE_KINDS: readonly IdentityKeyKind[] = Object.freeze(['customerId']);

export function identityLinksProblems(p: IdentityLinksPolicy | undefined): string[] {
  if (!p || typeof p !== 'object' || !p.authoritative || typeof p.authoritative !== 'object') return [];
  const problems: string[] = [];
  for (const [system, kinds] of Object.entries(p.authoritative)) {
    if (!SYSTEM_ID.test(system))
      problems.push(`identity.authoritative.${system}: the system id must be a lowercase slug (a-z, 0-9, -)`);
    if (
      !Array.isArray(kinds) ||
      kinds.length === 0 ||
      !kinds.every((k) => (IDENTITY_KEY_KINDS as readonly unknown[]).includes(k))
    )
      problems.push(
        `identity.authoritative.${system}: must be a non-empty list of key kinds (${IDENTITY_KEY_KINDS.join(', ')})`,
      );
  }
  return problems;
}

/**
 * Without the section, no system is authoritative: every link is weak, and the DPO decides
 * every request whose identifiers are not all in one record (safe, and loud in the queue).
 */
export function normaliseIdentityLinks(p: IdentityLinksPolicy | undefined): IdentityLinksPolicy {
  const out = new IdentityLinksPolicy();
  const authoritative: Record<string, readonly IdentityKeyKind[]> = Object.create(null);
  for (const [system, kinds] of Object.entries(p?.authoritative ?? {}))
    authoritative[system] = [...new Set(kinds)].sort();
  out.authoritative = Object.freeze(authoritative);
  out.uniqueKinds = [...new Set(p?.uniqueKinds ?? DEFAULT_UNIQUE_KINDS)].sort();
  return out;
}

/** The kinds of key a record of `systemId` links strongly (empty: every link it makes is weak). */
export function authoritativeKinds(p: IdentityLinksPolicy, systemId: string): readonly IdentityKeyKind[] {
  return Object.hasOwn(p.authoritative, systemId) ? p.authoritative[systemId]! : [];
}

/** A stable text of the authority rules: identity re-derives its graph when it changes. */
export function identityLinksFingerprint(p: IdentityLinksPolicy): string {
  const systems = Object.keys(p.authoritative).sort();
  return JSON.stringify({
    authoritative: systems.map((s) => [s, p.authoritative[s]]),
    uniqueKinds: p.uniqueKinds,
  });
}
