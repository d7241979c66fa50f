/** Issue 14: the access package states the period actually applied to each record (Art. 15(1)(d)). */
import { loadPolicy, resolvePolicyPath } from '@datarights/policy';
import { recordPeriodLines, recordPeriods, recordPeriodsCsv, type DatedRecordOf } from './record-periods';

const fr = loadPolicy(resolvePolicyPath());
const now = new Date('2026-12-07T10:00:00.000Z');
const records: DatedRecordOf[] = [
  {
    systemId: 'billing',
    recordRef: 'invoice/F-2023-02',
    category: 'billing',
    retentionDates: {
      recordDate: '2023-02-14T09:00:00.000Z',
      lastOperation: '2023-02-14T09:00:00.000Z',
      endOfFinancialYear: '2023-12-31T22:59:59.999Z',
    },
  },
  { systemId: 'crm', recordRef: 'customer/C-1', category: 'identification', retentionDates: { contractEnd: null } },
  // No date for its period: left to the category's own text.
  {
    systemId: 'crm',
    recordRef: 'customer/C-2',
    category: 'identification',
    retentionDates: { recordDate: '2020-01-01T00:00:00.000Z' },
  },
  // Erased on request, no period: nothing per record.
  {
    systemId: 'support',
    recordRef: 'ticket/1',
    category: 'relationship',
    retentionDates: { recordDate: '2024-01-01T00:00:00.000Z' },
  },
];

describe('the period applied to each record', () => {
  it('an invoice of 2023: kept until 31 December 2033, ten years from the end of its financial year (Code de commerce L123-22)', () => {
    const periods = recordPeriods(fr, records, now, 'Europe/Paris');
    expect(periods).toEqual([
      {
        systemId: 'billing',
        recordRef: 'invoice/F-2023-02',
        category: 'billing',
        keptUntil: '2033-12-31T22:59:59.999Z',
        startPending: null,
        period: 'P10Y',
        from: 'end-of-financial-year',
        legalText: 'Code de commerce L123-22',
      },
      {
        systemId: 'crm',
        recordRef: 'customer/C-1',
        category: 'identification',
        keptUntil: null,
        startPending: 'contract-end',
        period: 'P5Y',
        from: 'contract-end',
        legalText: 'LCEN art. 6 et décret 2021-1362',
      },
    ]);
    expect(recordPeriodsCsv(periods).split('\r\n')[0]).toBe(
      'system,recordRef,category,keptUntil,startPending,period,from,legalText',
    );
  });

  it('is told in French, in words and dates (the civil identity: five years after the contract ends, LCEN art. 6)', () => {
    const lines = recordPeriodLines(fr, recordPeriods(fr, records, now, 'Europe/Paris'), 'fr-FR');
    expect(lines[0]).toBe('## Durée appliquée à chaque enregistrement (d)');
    expect(lines[2]).toBe(
      "- vos factures et pièces comptables, invoice/F-2023-02 (billing) : conservé jusqu'au 31 décembre 2033 (10 ans à compter de la fin de l'exercice comptable, Code de commerce L123-22)",
    );
    expect(lines[3]).toBe(
      "- vos données d'identification et de contact (nom, adresses, e-mail, téléphone), customer/C-1 (crm) : conservé 5 ans à compter de la fin du contrat, qui n'a pas encore eu lieu (LCEN art. 6 et décret 2021-1362)",
    );
  });
});
