import { join } from 'node:path';
import { loadPolicy } from '@datarights/policy';
import { buildPackage, type PackageInput } from '../../test/package-zip';
import { categoryIncluded, csvEntryName } from './package-builder';
import type { InventoryEntry } from './processing-facts';
import { unzip } from '@datarights/testing';

const policy = loadPolicy(join(__dirname, '../../../../deploy/policy/default.fr.yaml'));

const systems: InventoryEntry[] = [
  {
    systemId: 'crm',
    name: 'CRM',
    role: 'controller',
    purposes: ['customer-relationship'],
    legalBasis: 'contract',
    categories: ['identification'],
    location: 'FR',
    transfers: [],
    recipients: [],
  },
  {
    systemId: 'billing',
    name: 'Billing',
    role: 'controller',
    purposes: ['invoicing', 'accounting'],
    legalBasis: 'legal-obligation',
    categories: ['billing', 'payment'],
    location: 'FR',
    transfers: [{ country: 'US', mechanism: 'scc', recipient: 'PayCo Inc.' }],
    recipients: [{ name: 'PayCo Inc.', kind: 'sub-processor', categories: ['payment'], country: 'US' }],
    automatedDecisions: {
      logic: 'un score de risque de fraude calculé sur l’historique de paiement',
      significance: 'un paiement peut être refusé ; vous pouvez demander qu’une personne le réexamine',
    },
  },
  {
    systemId: 'marketing',
    name: 'Marketing',
    role: 'controller',
    purposes: ['prospection'],
    legalBasis: 'legitimate-interest',
    categories: ['prospection', 'usage'],
    location: 'FR',
    transfers: [],
    recipients: [],
    source: 'partner lead lists',
  },
  {
    systemId: 'aml',
    name: 'AML',
    role: 'controller',
    purposes: ['aml'],
    legalBasis: 'legal-obligation',
    categories: ['aml-due-diligence'],
    location: 'FR',
    transfers: [],
    recipients: [],
  },
];

function input(requestType: 'access' | 'portability'): PackageInput {
  return {
    requestId: '0b7e6a36-1b49-4a4f-9d73-0b2f7e0b9a11',
    requestType,
    generatedAt: '2026-11-28T12:00:00.000Z',
    controller: 'Hébergeur SAS',
    systems,
    policy,
    exports: [
      {
        systemId: 'crm',
        categories: ['identification'],
        records: [{ recordRef: 'c1', category: 'identification', name: 'Jeanne "J" Martin', note: 'a,b\nc' }],
      },
      {
        systemId: 'billing',
        categories: ['billing', 'payment'],
        records: [
          { recordRef: 'i1', category: 'billing', amount: 12 },
          { recordRef: 'p1', category: 'payment', iban: 'FR76…' },
          { recordRef: 'p2', category: 'payment', score: 3, inferred: true },
        ],
      },
      { systemId: 'marketing', categories: ['usage'], records: [{ recordRef: 'u1', category: 'usage', clicks: 3 }] },
      {
        systemId: 'aml',
        categories: ['aml-due-diligence'],
        records: [{ recordRef: 'a1', category: 'aml-due-diligence' }],
      },
    ],
  };
}

describe('access package (Art. 15)', () => {
  it('holds data.json by system and category, one CSV per category, processing.json and summary.md', async () => {
    const { zip, records } = await buildPackage(input('access'));
    const files = await unzip(zip);
    expect([...files.keys()].sort()).toEqual([
      'csv/aml-due-diligence.csv',
      'csv/billing.csv',
      'csv/identification.csv',
      'csv/payment.csv',
      'csv/usage.csv',
      'data.json',
      'processing.json',
      'summary.md',
    ]);
    const data = JSON.parse(files.get('data.json')!);
    expect(Object.keys(data.systems).sort()).toEqual(['aml', 'billing', 'crm', 'marketing']);
    expect(data.systems.billing.payment.map((r: { recordRef: string }) => r.recordRef)).toEqual(['p1', 'p2']);
    // AML files are part of the copy (Art. 15): only suspicious-transaction reports are under indirect access (CMF L561-45).
    expect(data.systems.aml['aml-due-diligence']).toHaveLength(1);
    expect(records).toBe(6);
    expect(files.get('csv/identification.csv')).toBe(
      'system,category,recordRef,name,note\r\ncrm,identification,c1,"Jeanne ""J"" Martin","a,b\nc"\r\n',
    );
  });

  it('gives every Art. 15(1)(a)–(h) and 15(2) fact per category, from the inventory and the policy', async () => {
    const files = await unzip((await buildPackage(input('access'))).zip);
    const p = JSON.parse(files.get('processing.json')!);
    const payment = p.categories.find((c: { category: string }) => c.category === 'payment');
    expect(payment).toMatchObject({
      purposes: ['invoicing', 'accounting'],
      categoryOfData: 'payment',
      recipients: [{ name: 'PayCo Inc.', kind: 'sub-processor', country: 'US', system: 'billing' }],
      retention: [
        expect.objectContaining({
          period: 'P13M',
          from: 'transaction',
          legalText: expect.stringContaining('2018-303'),
        }),
        expect.objectContaining({ period: 'P1Y', from: 'account-closure' }),
      ],
      transfers: [
        expect.objectContaining({
          country: 'US',
          mechanism: 'scc',
          safeguard: expect.stringContaining('standard contractual clauses'),
        }),
      ],
      sources: ['collected from you'],
    });
    expect(p.categories.find((c: { category: string }) => c.category === 'usage').sources).toEqual([
      'partner lead lists',
    ]);
    expect(p.categories.find((c: { category: string }) => c.category === 'prospection')).toBeUndefined();
    // Art. 15(1)(h): declared by the system that holds the category, none elsewhere.
    expect(payment.automatedDecisions).toEqual([
      { system: 'Billing', logic: expect.stringContaining('fraude'), significance: expect.stringContaining('refusé') },
    ]);
    expect(payment.automatedDecisionMaking).toMatch(/^yes \(GDPR Art. 22\): Billing: /);
    const identification = p.categories.find((c: { category: string }) => c.category === 'identification');
    expect(identification.automatedDecisions).toEqual([]);
    expect(identification.automatedDecisionMaking).toMatch(/^none: /);
    expect(p.rights).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Art. 16'),
        expect.stringContaining('Art. 17'),
        expect.stringContaining('Art. 18'),
        expect.stringContaining('Art. 21'),
      ]),
    );
    expect(p.complaint).toMatchObject({ authority: 'CNIL', url: 'https://www.cnil.fr/fr/adresser-une-plainte' });
    const summary = files.get('summary.md')!;
    // French by default (GDPR Art. 12(1): clear and plain language, the subject's): periods
    // in words from their start, categories by their name, every Art. 15 heading.
    for (const item of [
      "# Vos données personnelles — droit d'accès (RGPD, art. 15)",
      'préparée le 28 novembre 2026',
      '## Vos moyens de paiement et paiements (b)',
      'Pourquoi nous les traitons (a) : invoicing, accounting — base légale : une obligation légale (art. 6(1)(c))',
      'Qui les reçoit (c) : PayCo Inc. (sous-traitant, US)',
      "13 mois à compter de l'opération de paiement (CNIL délibération 2018-303",
      '1 an à compter de la clôture du compte (décret 2021-1362 art. 3)',
      "10 ans à compter de la fin de l'exercice comptable (Code de commerce L123-22)",
      "D'où elles viennent (g) : partner lead lists",
      "Transferts hors de l'Union européenne (art. 15(2)) : US — clauses contractuelles types",
      '- Décisions automatisées (h, RGPD art. 22) : Billing — logique : un score de risque de fraude calculé sur l’historique de paiement ; portée et conséquences pour vous : un paiement peut être refusé',
      'Décision automatisée (h), pour les autres catégories : aucune décision',
      '## Vos droits (e)',
      '## Réclamation et recours (f)',
      'la CNIL (https://www.cnil.fr/fr/adresser-une-plainte) (RGPD, art. 77), et former un recours juridictionnel (art. 79)',
    ]) {
      expect(summary).toContain(item);
    }
    // Never the machine's words: no ISO period, no internal category name as a heading.
    expect(summary).not.toMatch(/\bP\d+[YMWD]\b/);
    expect(summary).not.toContain('## payment');
  });

  it('writes the summary in English when the subject reads English', async () => {
    const files = await unzip((await buildPackage({ ...input('access'), locale: 'en-GB' })).zip);
    const summary = files.get('summary.md')!;
    for (const item of [
      '# Your personal data — right of access (GDPR Art. 15)',
      '## Your payment details and payments (b)',
      '13 months from the payment',
      '10 years from the end of the financial year (Code de commerce L123-22)',
      '## Complaint and remedies (f)',
    ])
      expect(summary).toContain(item);
  });
});

describe('portability package (Art. 20)', () => {
  it('holds only provided data under consent or contract, never inferred records, in JSON and CSV', async () => {
    const files = await unzip((await buildPackage(input('portability'))).zip);
    expect([...files.keys()].sort()).toEqual(['csv/identification.csv', 'csv/payment.csv', 'data.json', 'summary.md']);
    const data = JSON.parse(files.get('data.json')!);
    expect(data.systems.billing).toEqual({ payment: [{ recordRef: 'p1', category: 'payment', iban: 'FR76…' }] });
    expect(data.systems.marketing).toBeUndefined();
    expect(files.get('summary.md')).toContain('# Vos données — droit à la portabilité (RGPD, art. 20)');
    expect(files.get('summary.md')).toContain('vos factures et pièces comptables, votre utilisation de nos services');
  });

  it.each([
    ['identification', true],
    ['payment', true],
    ['relationship', true],
    ['billing', false],
    ['usage', false],
    ['prospection', false],
    ['aml-due-diligence', false],
    ['connection', false],
    ['anything-else', false],
  ])('%s portable: %s', (category, portable) => {
    expect(categoryIncluded(policy, 'portability', category)).toBe(portable);
  });

  it('writes data.json as valid JSON whatever it holds: nothing, or many systems and categories', async () => {
    const none = await buildPackage({
      ...input('portability'),
      exports: [{ systemId: 'aml', categories: ['aml-due-diligence'], records: [{ recordRef: 'a1' }] }],
    });
    expect(JSON.parse((await unzip(none.zip)).get('data.json')!)).toMatchObject({ records: 0, systems: {} });
    const all = JSON.parse((await unzip((await buildPackage(input('access'))).zip)).get('data.json')!);
    expect(all.systems.billing.payment.map((r: { recordRef: string }) => r.recordRef)).toEqual(['p1', 'p2']);
  });

  it("files a record without a category under the command's category", async () => {
    const { zip } = await buildPackage({
      ...input('access'),
      exports: [{ systemId: 'crm', categories: ['identification'], records: [{ recordRef: 'x' }] }],
    });
    expect(JSON.parse((await unzip(zip)).get('data.json')!).systems.crm.identification).toHaveLength(1);
  });
});

describe('category names from company systems, before they become file names', () => {
  const hostile = [
    '../../etc/passwd',
    '../../../tmp/x',
    '/etc/passwd',
    'a/../../b',
    '..',
    'C:\\x',
    '__proto__',
    'Billing',
  ];

  it('keeps every zip entry inside the package folder, whatever category a record claims', async () => {
    const base = input('access');
    const { zip, records } = await buildPackage({
      ...base,
      exports: [
        {
          systemId: 'crm',
          categories: ['identification'],
          records: hostile.map((category, i) => ({ recordRef: `h${i}`, category })),
        },
      ],
    });
    const names = [...(await unzip(zip)).keys()];
    expect(names.sort()).toEqual(['csv/identification.csv', 'data.json', 'processing.json', 'summary.md']);
    for (const name of names) expect(name).toMatch(/^(csv\/)?[a-z0-9][a-z0-9.-]*$/);
    // Nothing is lost (Art. 15): the records are filed under the category the command asked for.
    expect(records).toBe(hostile.length);
  });

  it.each(hostile)('refuses %s as an entry name', (category) => {
    expect(() => csvEntryName(category)).toThrow();
  });

  it('names a plain category', () => {
    expect(csvEntryName('aml-due-diligence')).toBe('csv/aml-due-diligence.csv');
  });
});
