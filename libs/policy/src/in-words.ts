/**
 * Dates and the starts of retention periods (the policy's `from`) in words for the subject
 * (GDPR Art. 12(1): clear and plain language), French unless the locale is English. One
 * place for every text a subject reads: the access package's summary and its per-record
 * periods (data-locator), the completion notice (request-intake). `durationInWords`
 * (duration.ts) says the periods themselves.
 */
import { DEFAULT_TIME_ZONE } from './legal-time';
import type { RetentionAnchor } from './policy.model';

const WORDS: Record<'fr' | 'en', Record<RetentionAnchor, string>> = {
  fr: {
    'record-date': "la date de l'enregistrement",
    'end-of-financial-year': "la fin de l'exercice comptable",
    'last-operation': 'la dernière opération',
    'end-of-relationship': 'la fin de la relation commerciale',
    'end-of-contract': 'la fin du contrat',
    'contract-end': 'la fin du contrat',
    'account-closure': 'la clôture du compte',
    transaction: "l'opération de paiement",
    connection: 'la connexion',
    'last-contact': 'votre dernier contact avec nous',
  },
  en: {
    'record-date': 'the date of the record',
    'end-of-financial-year': 'the end of the financial year',
    'last-operation': 'the last operation',
    'end-of-relationship': 'the end of the business relationship',
    'end-of-contract': 'the end of the contract',
    'contract-end': 'the end of the contract',
    'account-closure': 'the closure of the account',
    transaction: 'the payment',
    connection: 'the connection',
    'last-contact': 'your last contact with us',
  },
};

/** `contract-end` → "la fin du contrat" / "the end of the contract"; an unknown anchor as it is. */
export function anchorInWords(anchor: string, locale: string): string {
  const words = WORDS[locale.startsWith('en') ? 'en' : 'fr'] as Record<string, string>;
  return Object.hasOwn(words, anchor) ? words[anchor]! : anchor;
}

/** A date as a person writes it, in the controller's time zone: "7 décembre 2026" / "7 December 2026". */
export function dateInWords(iso: string | Date, locale: string, timeZone: string = DEFAULT_TIME_ZONE): string {
  return new Intl.DateTimeFormat(locale.startsWith('en') ? 'en-GB' : 'fr-FR', { dateStyle: 'long', timeZone }).format(
    new Date(iso),
  );
}
