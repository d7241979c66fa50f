/**
 * `summary.md`, the part of the package a person reads (GDPR Art. 12(1): concise,
 * intelligible, clear and plain language; Art. 15(1)(a)–(h) and 15(2)), in the subject's
 * language: French by default (the controller's), English available. Periods in words and
 * from what they start, categories by the name the policy gives them (`label`), dates as
 * dates, the remedies in full. `processing.json` keeps the same facts for machines.
 * Long on purpose: most of it is the words of the summary in two languages.
 */
import { anchorInWords, dateInWords, durationInWords, inLocale } from '@datarights/policy';
import type { CategoryFacts, ProcessingFacts, RetentionFact } from './processing-facts';

export type Lang = 'fr' | 'en';
export const langOf = (locale: string): Lang => (locale.startsWith('en') ? 'en' : 'fr');

/** GDPR Art. 6(1). */
const LEGAL_BASES: Record<Lang, Record<string, string>> = {
  fr: {
    consent: 'votre consentement (art. 6(1)(a))',
    contract: "l'exécution du contrat (art. 6(1)(b))",
    'legal-obligation': 'une obligation légale (art. 6(1)(c))',
    'vital-interests': "la sauvegarde d'intérêts vitaux (art. 6(1)(d))",
    'public-task': "une mission d'intérêt public (art. 6(1)(e))",
    'legitimate-interest': 'notre intérêt légitime (art. 6(1)(f))',
  },
  en: {
    consent: 'your consent (Art. 6(1)(a))',
    contract: 'the performance of the contract (Art. 6(1)(b))',
    'legal-obligation': 'a legal obligation (Art. 6(1)(c))',
    'vital-interests': 'vital interests (Art. 6(1)(d))',
    'public-task': 'a task in the public interest (Art. 6(1)(e))',
    'legitimate-interest': 'our legitimate interest (Art. 6(1)(f))',
  },
};

const RECIPIENT_KINDS: Record<Lang, Record<string, string>> = {
  fr: {
    'sub-processor': 'sous-traitant',
    controller: 'responsable de traitement',
    'public-authority': 'autorité publique',
    internal: 'service interne',
  },
  en: {
    'sub-processor': 'processor',
    controller: 'controller',
    'public-authority': 'public authority',
    internal: 'internal',
  },
};

/** GDPR Art. 44–49. */
const SAFEGUARDS: Record<Lang, Record<string, string>> = {
  fr: {
    adequacy: "décision d'adéquation de la Commission européenne (art. 45)",
    scc: 'clauses contractuelles types de la Commission européenne (art. 46(2)(c))',
    bcr: "règles d'entreprise contraignantes (art. 47)",
    derogation: 'dérogation pour une situation particulière (art. 49)',
    other: 'autre garantie appropriée (art. 46)',
    storage: 'données conservées hors de l’EEE',
  },
  en: {
    adequacy: 'adequacy decision of the European Commission (Art. 45)',
    scc: 'standard contractual clauses of the European Commission (Art. 46(2)(c))',
    bcr: 'binding corporate rules (Art. 47)',
    derogation: 'derogation for a specific situation (Art. 49)',
    other: 'other appropriate safeguard (Art. 46)',
    storage: 'data stored outside the EEA',
  },
};

const TEXT = {
  fr: {
    titleAccess: "# Vos données personnelles — droit d'accès (RGPD, art. 15)",
    titlePortability: '# Vos données — droit à la portabilité (RGPD, art. 20)',
    intro: (id: string, date: string, controller: string, records: number) =>
      `Demande ${id}, préparée le ${date}. Responsable du traitement : ${controller}. ${records} enregistrement${records > 1 ? 's' : ''} vous concernant.`,
    escalated:
      "Certains de nos systèmes n'ont pas encore répondu ; notre délégué à la protection des données s'en occupe et vous écrira :",
    purposes: 'Pourquoi nous les traitons (a)',
    basis: 'base légale :',
    none: 'aucun',
    recipients: 'Qui les reçoit (c)',
    retention: 'Combien de temps nous les gardons (d)',
    kept: (period: string, from: string, text: string) => `${period} à compter de ${from} (${text})`,
    atMost: (period: string, from: string, text: string) => `au plus ${period} à compter de ${from} (${text})`,
    untilPurpose:
      "le temps du contrat ou de la finalité, puis elles sont effacées ; sur demande d'effacement, sans retard injustifié (RGPD, art. 17(1))",
    sources: "D'où elles viennent (g)",
    fromYou: 'de vous',
    automated:
      "Décision automatisée (h) : aucune décision fondée exclusivement sur un traitement automatisé, y compris le profilage, n'est prise à votre sujet (RGPD, art. 22).",
    automatedOthers:
      'Décision automatisée (h), pour les autres catégories : aucune décision fondée exclusivement sur un traitement automatisé, y compris le profilage (RGPD, art. 22).',
    decisions: 'Décisions automatisées (h, RGPD art. 22)',
    logic: 'logique',
    significance: 'portée et conséquences pour vous',
    transfers: "Transferts hors de l'Union européenne (art. 15(2))",
    rights: '## Vos droits (e)',
    rightsList: [
      'faire rectifier des données inexactes (RGPD, art. 16) ;',
      'obtenir leur effacement (art. 17) ;',
      'obtenir la limitation de leur traitement (art. 18) ;',
      'vous opposer à un traitement fondé sur notre intérêt légitime, et à tout moment à la prospection (art. 21) ;',
      'recevoir les données que vous nous avez fournies, pour les transmettre à un autre service (art. 20) ;',
      'retirer votre consentement à tout moment, lorsque le traitement en dépend (art. 7(3)).',
    ],
    complaint: '## Réclamation et recours (f)',
    complaintText: (authority: string, url: string) =>
      `Vous pouvez introduire une réclamation auprès de l'autorité de contrôle, la ${authority} (${url}) (RGPD, art. 77), et former un recours juridictionnel (art. 79).`,
    portabilityBody:
      'Ce paquet contient les données que vous nous avez fournies dans le cadre de votre consentement ou de notre contrat, au format JSON (`data.json`) et CSV (`csv/`).',
    notIncluded: (what: string) =>
      `Non inclus (données que vous ne nous avez pas fournies, déduites, ou gardées seulement pour une obligation légale) : ${what}.`,
    nothing: 'rien',
  },
  en: {
    titleAccess: '# Your personal data — right of access (GDPR Art. 15)',
    titlePortability: '# Your data — right to data portability (GDPR Art. 20)',
    intro: (id: string, date: string, controller: string, records: number) =>
      `Request ${id}, prepared on ${date}. Controller: ${controller}. ${records} record${records === 1 ? '' : 's'} about you.`,
    escalated:
      'Some of our systems have not answered yet; our data protection officer is following them up and will write to you:',
    purposes: 'Why we process them (a)',
    basis: 'legal basis:',
    none: 'none',
    recipients: 'Who receives them (c)',
    retention: 'How long we keep them (d)',
    kept: (period: string, from: string, text: string) => `${period} from ${from} (${text})`,
    atMost: (period: string, from: string, text: string) => `at most ${period} from ${from} (${text})`,
    untilPurpose:
      'for as long as the contract or the purpose lasts, then erased; on an erasure request, without undue delay (GDPR Art. 17(1))',
    sources: 'Where they come from (g)',
    fromYou: 'from you',
    automated:
      'Automated decisions (h): no decision based solely on automated processing, including profiling, is made about you (GDPR Art. 22).',
    automatedOthers:
      'Automated decisions (h), for the other categories: no decision based solely on automated processing, including profiling (GDPR Art. 22).',
    decisions: 'Automated decisions (h, GDPR Art. 22)',
    logic: 'logic',
    significance: 'significance and consequences for you',
    transfers: 'Transfers outside the European Union (Art. 15(2))',
    rights: '## Your rights (e)',
    rightsList: [
      'to have inaccurate data rectified (GDPR Art. 16);',
      'to have it erased (Art. 17);',
      'to have its processing restricted (Art. 18);',
      'to object to processing based on our legitimate interest, and at any time to direct marketing (Art. 21);',
      'to receive the data you provided to us, to pass it to another service (Art. 20);',
      'to withdraw your consent at any time, where processing depends on it (Art. 7(3)).',
    ],
    complaint: '## Complaint and remedies (f)',
    complaintText: (authority: string, url: string) =>
      `You may lodge a complaint with the supervisory authority, the ${authority} (${url}) (GDPR Art. 77), and seek a judicial remedy (Art. 79).`,
    portabilityBody:
      'This package holds the data you provided to us under your consent or our contract, in JSON (`data.json`) and CSV (`csv/`).',
    notIncluded: (what: string) =>
      `Not included (not provided by you, inferred, or kept only under a legal obligation): ${what}.`,
    nothing: 'nothing',
  },
} as const;

export interface SummaryMeta {
  requestId: string;
  generatedAt: string;
  records: number;
  escalated: readonly { systemId: string; reason: string }[];
  /** The period applied to each record, in words (record-periods.ts); absent: no section. */
  recordPeriods?: readonly string[];
}

/** The category's name for the subject: the policy's label, else its description, else its internal name. */
export function categoryName(c: Pick<CategoryFacts, 'category' | 'description' | 'label'>, locale: string): string {
  return inLocale(c.label, locale) ?? c.description ?? c.category;
}

function retentionInWords(r: RetentionFact, lang: Lang, locale: string): string {
  if (!r.period || !r.from) return TEXT[lang].untilPurpose;
  const from = anchorInWords(r.from, locale);
  const say = r.limit ? TEXT[lang].atMost : TEXT[lang].kept;
  return say(durationInWords(r.period, locale), from, r.legalText ?? '');
}

function escalatedLines(meta: SummaryMeta, lang: Lang): string[] {
  if (meta.escalated.length === 0) return [];
  return [TEXT[lang].escalated, '', ...meta.escalated.map((e) => `- ${e.systemId}`), ''];
}

/** The access summary (Art. 15), in `locale`. */
export function accessSummary(facts: ProcessingFacts, meta: SummaryMeta, locale: string): string {
  const lang = langOf(locale);
  const t = TEXT[lang];
  const out: string[] = [
    t.titleAccess,
    '',
    t.intro(meta.requestId, dateInWords(meta.generatedAt, locale), facts.controller, meta.records),
    '',
  ];
  out.push(...escalatedLines(meta, lang));
  for (const c of facts.categories) {
    out.push(`## ${capitalise(categoryName(c, locale))} (b)`, '');
    const bases = c.legalBases.map((b) => LEGAL_BASES[lang][b] ?? b).join(', ');
    out.push(`- ${t.purposes}${colon(lang)}${c.purposes.join(', ') || t.none} — ${t.basis} ${bases || t.none}`);
    out.push(
      `- ${t.recipients}${colon(lang)}${
        c.recipients.length
          ? c.recipients.map((r) => `${r.name} (${RECIPIENT_KINDS[lang][r.kind] ?? r.kind}, ${r.country})`).join(' ; ')
          : t.none
      }`,
    );
    out.push(`- ${t.retention}${colon(lang)}${c.retention.map((r) => retentionInWords(r, lang, locale)).join(' ; ')}`);
    for (const d of c.automatedDecisions)
      out.push(
        `- ${t.decisions}${colon(lang)}${d.system} — ${t.logic}${colon(lang)}${d.logic} ; ${t.significance}${colon(lang)}${d.significance}`,
      );
    out.push(
      `- ${t.sources}${colon(lang)}${c.sources.map((s) => (s === 'collected from you' ? t.fromYou : s)).join(' ; ')}`,
    );
    out.push(
      `- ${t.transfers}${colon(lang)}${
        c.transfers.length
          ? c.transfers.map((x) => `${x.country} — ${SAFEGUARDS[lang][x.mechanism] ?? x.safeguard}`).join(' ; ')
          : t.none
      }`,
    );
    out.push('');
  }
  out.push(...(meta.recordPeriods ?? []));
  out.push(facts.categories.some((c) => c.automatedDecisions.length > 0) ? t.automatedOthers : t.automated, '');
  out.push(t.rights, '', ...t.rightsList.map((r) => `- ${r}`), '');
  out.push(t.complaint, '', t.complaintText(facts.complaint.authority, facts.complaint.url), '');
  return out.join('\n');
}

/** The portability summary (Art. 20), in `locale`. */
export function portabilitySummary(
  meta: SummaryMeta & { controller: string; excluded: readonly string[] },
  locale: string,
): string {
  const lang = langOf(locale);
  const t = TEXT[lang];
  return [
    t.titlePortability,
    '',
    t.intro(meta.requestId, dateInWords(meta.generatedAt, locale), meta.controller, meta.records),
    '',
    t.portabilityBody,
    t.notIncluded(meta.excluded.join(', ') || t.nothing),
    '',
    ...escalatedLines(meta, lang),
  ].join('\n');
}

/** French puts a space before the colon. */
const colon = (lang: Lang) => (lang === 'fr' ? ' : ' : ': ');
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
