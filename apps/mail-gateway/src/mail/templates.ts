/**
 * The notices' texts: one subject and one opening per template and language (French and
 * English; any other locale falls back to French, the policy's language), then the
 * notice's facts (its `variables`) as readable lines. The producers decide what a notice
 * says (libs/contracts NotificationRequested); this decides only how it reads.
 *
 * An unknown template is a contract error (the producer is ahead of the gateway): the
 * notice goes to the dead-letter topic rather than out with a made-up text.
 */
export interface RenderedMail {
  subject: string;
  text: string;
}

type Lang = 'fr' | 'en';
type Texts = Record<Lang, { subject: string; intro: string }>;

export const TEMPLATES: Record<string, Texts> = {
  'identity-code': {
    fr: {
      subject: 'Votre code de vérification',
      intro:
        "Pour confirmer votre identité dans le cadre de votre demande relative à vos données personnelles, saisissez ce code. Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.",
    },
    en: {
      subject: 'Your verification code',
      intro:
        'To confirm your identity for your request about your personal data, enter this code. If you did not make this request, ignore this message.',
    },
  },
  'request-completed': {
    fr: {
      subject: 'Votre demande a été traitée',
      intro:
        'Votre demande relative à vos données personnelles a été traitée. Voici ce qui a été fait, et ce qui est conservé, pourquoi et jusqu’à quand.',
    },
    en: {
      subject: 'Your request has been completed',
      intro:
        'Your request about your personal data has been completed. Here is what was done, and what is kept, why and until when.',
    },
  },
  'package-ready': {
    fr: {
      subject: 'Vos données sont prêtes',
      intro:
        'Les données que vous avez demandées sont prêtes. Téléchargez-les avec le lien ci-dessous avant sa date d’expiration.',
    },
    en: {
      subject: 'Your data is ready',
      intro: 'The data you asked for is ready. Download it with the link below before it expires.',
    },
  },
  'request-refused': {
    fr: {
      subject: 'Votre demande ne peut pas être satisfaite',
      intro:
        'Nous ne pouvons pas donner suite à votre demande, pour les raisons ci-dessous. Vous pouvez introduire une réclamation auprès de l’autorité de contrôle et former un recours juridictionnel (RGPD, art. 12(4)).',
    },
    en: {
      subject: 'Your request cannot be fulfilled',
      intro:
        'We cannot act on your request, for the reasons below. You may lodge a complaint with the supervisory authority and seek a judicial remedy (GDPR Art. 12(4)).',
    },
  },
  'request-rejected': {
    fr: {
      subject: 'Votre demande a été rejetée',
      intro:
        'Votre demande a été rejetée comme manifestement infondée ou excessive, pour les motifs ci-dessous (RGPD, art. 12(5)). Vous pouvez introduire une réclamation auprès de l’autorité de contrôle et former un recours juridictionnel.',
    },
    en: {
      subject: 'Your request has been rejected',
      intro:
        'Your request was rejected as manifestly unfounded or excessive, on the grounds below (GDPR Art. 12(5)). You may lodge a complaint with the supervisory authority and seek a judicial remedy.',
    },
  },
  'restriction-lifting': {
    fr: {
      subject: 'Levée de la limitation du traitement de vos données',
      intro:
        'La limitation du traitement de vos données va être levée dans les systèmes ci-dessous (RGPD, art. 18(3)).',
    },
    en: {
      subject: 'The restriction of your data is being lifted',
      intro: 'The restriction of processing of your data is about to be lifted in the systems below (GDPR Art. 18(3)).',
    },
  },
  'processor-forward': {
    fr: {
      subject: 'Demande d’une personne concernée transmise par votre sous-traitant',
      intro:
        'En tant que sous-traitant, nous vous transmettons la demande ci-dessous d’une personne concernée (RGPD, art. 28(3)(e)). Merci d’en accuser réception en citant la référence.',
    },
    en: {
      subject: 'A data subject request forwarded by your processor',
      intro:
        'As your processor, we forward the data subject request below (GDPR Art. 28(3)(e)). Please acknowledge it quoting the reference.',
    },
  },
};

export class UnknownTemplateError extends Error {}

const LABELS: Record<Lang, Record<string, string>> = {
  fr: {
    requestId: 'Référence de la demande',
    code: 'Code',
    expiresAt: 'Valable jusqu’au',
    downloadPath: 'Lien',
    reference: 'Référence',
    requestType: 'Type de demande',
    systemId: 'Système',
    systems: 'Systèmes',
    controller: 'Responsable du traitement',
    categories: 'Catégories',
    erased: 'Effacé',
    retained: 'Conservé',
    until: 'Durée',
    legalText: 'Texte',
    reason: 'Pourquoi',
    reasons: 'Motifs',
    ground: 'Motif',
    justification: 'Justification',
    authority: 'Autorité de contrôle',
  },
  en: {
    requestId: 'Request reference',
    code: 'Code',
    expiresAt: 'Valid until',
    downloadPath: 'Link',
    reference: 'Reference',
    requestType: 'Request type',
    systemId: 'System',
    systems: 'Systems',
    controller: 'Controller',
    categories: 'Categories',
    erased: 'Erased',
    retained: 'Kept',
    until: 'How long',
    legalText: 'Legal text',
    reason: 'Why',
    reasons: 'Reasons',
    ground: 'Ground',
    justification: 'Justification',
    authority: 'Supervisory authority',
  },
};

const langOf = (locale: string): Lang => (locale.toLowerCase().startsWith('en') ? 'en' : 'fr');

function label(lang: Lang, key: string): string {
  return LABELS[lang][key] ?? key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

/** A value as indented lines: scalars as is, arrays as "- " items, objects as "label: value". */
function lines(lang: Lang, value: unknown, indent: string): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      const [first = '', ...rest] = lines(lang, item, `${indent}  `);
      return [`${indent}- ${first.trimStart()}`, ...rest];
    });
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
      if (v !== null && typeof v === 'object') return [`${indent}${label(lang, k)}:`, ...lines(lang, v, `${indent}  `)];
      return v === undefined || v === null ? [] : [`${indent}${label(lang, k)}: ${String(v)}`];
    });
  }
  return [`${indent}${String(value)}`];
}

export function renderMail(
  template: string,
  locale: string,
  variables: Record<string, unknown>,
  linkBaseUrl: string,
): RenderedMail {
  const texts = TEMPLATES[template];
  if (!texts) throw new UnknownTemplateError(`no template ${template}`);
  const lang = langOf(locale);
  const facts = { ...variables };
  // A relative link of a notice (a package download) becomes absolute for the reader.
  if (typeof facts.downloadPath === 'string' && facts.downloadPath.startsWith('/'))
    facts.downloadPath = new URL(facts.downloadPath, linkBaseUrl).toString();
  const text = [texts[lang].intro, '', ...lines(lang, facts, ''), ''].join('\n');
  return { subject: texts[lang].subject, text };
}
