/**
 * The facts about the processing that an access answer must give for each category
 * (GDPR Art. 15(1)(a)–(h) and 15(2)), taken from the inventory (the systems' own
 * registration on pdata.systems.<systemId>.v1, the Art. 30 register) and the policy (retention per
 * category, the authority to complain to). Pure: the package builder renders it as
 * `processing.json`, and package-summary.ts as `summary.md`.
 */
import type { Recipient, Transfer } from '@datarights/contracts';
import { ruleFor, type LocalisedText, type Policy } from '@datarights/policy';

/** What the package needs of a registered system (a row of the Art. 30 register). */
export interface InventoryEntry {
  systemId: string;
  name: string;
  role: string;
  controller?: string | null;
  purposes: string[];
  legalBasis: string;
  categories: string[];
  location: string;
  transfers: Transfer[];
  recipients: Recipient[];
  source?: string | null;
  /** Art. 15(1)(h): the automated decisions the system declared in its registration. */
  automatedDecisions?: { logic: string; significance: string } | null;
}

export interface RetentionFact {
  /** A maximum (storage limitation, Art. 5(1)(e)), not an obligation to keep. */
  limit?: true;
  /** ISO 8601 period, or undefined when the criteria are given instead. */
  period?: string;
  from?: string;
  legalText?: string;
  criteria: string;
}

export interface CategoryFacts {
  category: string;
  description?: string;
  /** The category's name for the subject, per language (the policy's `label`). */
  label?: LocalisedText;
  /** (a) */ purposes: string[];
  legalBases: string[];
  /** (b) */ categoryOfData: string;
  /** (c) incl. sub-processors and recipients in third countries. */
  recipients: { name: string; kind: string; country: string; system: string }[];
  /** (d) */ retention: RetentionFact[];
  /** (g) where not collected from the subject. */
  sources: string[];
  /** (h) */ automatedDecisionMaking: string;
  /** (h) in detail: each system holding the category that declared automated decisions. */
  automatedDecisions: { system: string; logic: string; significance: string }[];
  /** 15(2): transfers outside the EU and their safeguards. */
  transfers: { country: string; mechanism: string; safeguard: string; recipient?: string; system: string }[];
  systems: string[];
}

export interface ProcessingFacts {
  controller: string;
  categories: CategoryFacts[];
  /** (e) */ rights: string[];
  /** (f) */ complaint: { authority: string; url: string; text: string };
}

/** EU/EEA member states: a transfer elsewhere needs a Chapter V safeguard (Art. 44–49). */
const EEA = new Set(
  'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO'.split(' '),
);

const SAFEGUARDS: Record<string, string> = {
  adequacy: 'adequacy decision of the European Commission (GDPR Art. 45)',
  scc: 'standard contractual clauses adopted by the European Commission (GDPR Art. 46(2)(c))',
  bcr: 'binding corporate rules (GDPR Art. 47)',
  derogation: 'derogation for a specific situation (GDPR Art. 49)',
  other: 'other appropriate safeguard (GDPR Art. 46)',
};

export const RIGHTS = [
  'rectification of inaccurate data (GDPR Art. 16)',
  'erasure (GDPR Art. 17)',
  'restriction of processing (GDPR Art. 18)',
  'objection to processing based on legitimate interest, and at any time to direct marketing (GDPR Art. 21)',
  'data portability for data you provided under consent or contract (GDPR Art. 20)',
  'withdrawal of consent at any time, where processing is based on consent (GDPR Art. 7(3))',
];

function retentionOf(policy: Pick<Policy, 'categories'>, category: string): RetentionFact[] {
  const found = ruleFor(policy, category);
  const rule = found?.rule;
  const facts: RetentionFact[] = (rule?.retentions ?? []).map((r) => ({
    period: r.period,
    from: r.from,
    legalText: r.legalText,
    criteria: `kept ${r.period} from ${r.from} under ${r.legalText} (${r.ground})`,
  }));
  if (rule?.limit) {
    facts.push({
      limit: true,
      period: rule.limit.period,
      from: rule.limit.from,
      legalText: rule.limit.legalText,
      criteria: `kept at most ${rule.limit.period} from ${rule.limit.from} (${rule.limit.legalText})`,
    });
  }
  if (facts.length === 0) {
    facts.push({
      criteria:
        'kept for as long as the contract or the purpose lasts, then erased; erased without undue delay on an erasure request (GDPR Art. 17(1))',
    });
  }
  return facts;
}

/** Every Art. 15 fact for the categories the package covers. */
export function processingFacts(input: {
  categories: readonly string[];
  systems: readonly InventoryEntry[];
  policy: Pick<Policy, 'categories' | 'authority'>;
  controller: string;
}): ProcessingFacts {
  const categories = [...new Set(input.categories)].sort().map((category): CategoryFacts => {
    const holders = input.systems.filter((s) => s.categories.includes(category));
    const uniq = <T>(xs: T[]) => [...new Set(xs)];
    const recipients = holders.flatMap((s) =>
      s.recipients
        .filter((r) => r.categories.length === 0 || r.categories.includes(category))
        .map((r) => ({ name: r.name, kind: r.kind, country: r.country, system: s.systemId })),
    );
    // Declared by each system in its registration (Art. 15(1)(h)); none declared: none made.
    const deciding = holders.flatMap((s) =>
      s.automatedDecisions ? [{ system: s.name || s.systemId, ...s.automatedDecisions }] : [],
    );
    const transfers = holders.flatMap((s) => [
      ...s.transfers.map((t) => ({
        country: t.country,
        mechanism: t.mechanism,
        safeguard: SAFEGUARDS[t.mechanism] ?? t.mechanism,
        ...(t.recipient ? { recipient: t.recipient } : {}),
        system: s.systemId,
      })),
      ...(EEA.has(s.location)
        ? []
        : [
            {
              country: s.location,
              mechanism: 'storage',
              safeguard: 'stored outside the EEA: see the transfers of this system',
              system: s.systemId,
            },
          ]),
    ]);
    return {
      category,
      ...(ruleFor(input.policy, category)?.rule.description
        ? { description: ruleFor(input.policy, category)?.rule.description }
        : {}),
      ...(ruleFor(input.policy, category)?.rule.label ? { label: ruleFor(input.policy, category)?.rule.label } : {}),
      purposes: uniq(holders.flatMap((s) => s.purposes)),
      legalBases: uniq(holders.map((s) => s.legalBasis)),
      categoryOfData: category,
      recipients,
      retention: retentionOf(input.policy, category),
      sources: uniq(holders.map((s) => s.source ?? 'collected from you')),
      automatedDecisionMaking: deciding.length
        ? `yes (GDPR Art. 22): ${deciding.map((d) => `${d.system}: ${d.logic}; significance and consequences: ${d.significance}`).join(' | ')}`
        : 'none: no decision based solely on automated processing, including profiling, is made (GDPR Art. 22)',
      automatedDecisions: deciding,
      transfers,
      systems: holders.map((s) => s.systemId),
    };
  });
  const authority = input.policy.authority ?? {
    name: 'CNIL',
    complaintUrl: 'https://www.cnil.fr/fr/adresser-une-plainte',
  };
  return {
    controller: input.controller,
    categories,
    rights: RIGHTS,
    complaint: {
      authority: authority.name,
      url: authority.complaintUrl,
      text: `You may lodge a complaint with the supervisory authority, the ${authority.name} (${authority.complaintUrl}) (GDPR Art. 15(1)(f), 77).`,
    },
  };
}
