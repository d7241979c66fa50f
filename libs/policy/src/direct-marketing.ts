/**
 * Objection to direct marketing (GDPR Art. 21(2)-(3)): absolute — no balancing, no reason
 * asked — and, the CNIL insists, as simple and free to exercise as the marketing was to
 * receive (CPCE L34-5, LCEN art. 22: every message offers a simple way to object). The
 * policy names the purposes that count as direct marketing, and whether objecting to those
 * purposes alone needs a proof of identity:
 *
 *   directMarketing:
 *     purposes: [prospection, loyalty, surveys, promotions, newsletters]
 *     objectionWithoutProof: true
 *
 * Without proof is proportionate (Art. 12(2), 12(6)): stopping marketing to someone
 * discloses nothing and erases nothing, so even a request made in another's name harms no
 * one; asking for a code would only make an absolute right harder to exercise.
 */
import { ArrayMinSize, IsArray, IsBoolean, IsOptional, Matches } from 'class-validator';

export class DirectMarketingPolicy {
  /** The purposes whose objection is absolute (Art. 21(3)): a suppress command to every system pursuing one, at once. */
  @IsOptional()
  @IsArray({ message: 'must be a list of purposes' })
  @ArrayMinSize(1, { message: 'must name at least one purpose' })
  @Matches(/^[a-z][a-z0-9-]{0,62}$/, { each: true, message: 'each purpose must be a lowercase slug, e.g. prospection' })
  purposes: string[];

  /** An objection to these purposes only is applied without a proof of identity (method `not-required`). */
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  objectionWithoutProof: boolean;
}

/** Prospection as the GDPR names it (Art. 21(2)); a profile lists the purposes its systems register. */
export const DEFAULT_DIRECT_MARKETING_PURPOSES: readonly string[] = Object.freeze(['prospection', 'direct-marketing']);

export function normaliseDirectMarketing(d: DirectMarketingPolicy | undefined): DirectMarketingPolicy {
  const out = Object.assign(new DirectMarketingPolicy(), d ?? {});
  out.purposes ??= [...DEFAULT_DIRECT_MARKETING_PURPOSES];
  out.objectionWithoutProof ??= false;
  return out;
}

/** The purposes of `purposes` whose objection is absolute. */
export function directMarketingOf(d: Pick<DirectMarketingPolicy, 'purposes'>, purposes: readonly string[]): string[] {
  return purposes.filter((p) => d.purposes.includes(p));
}

/** Whether a request is an objection to direct marketing only, which the policy applies without proof. */
export function needsNoProof(
  d: DirectMarketingPolicy,
  r: { type: string; purposes?: readonly string[] | null },
): boolean {
  const purposes = r.purposes ?? [];
  return (
    d.objectionWithoutProof &&
    r.type === 'objection' &&
    purposes.length > 0 &&
    directMarketingOf(d, purposes).length === purposes.length
  );
}
