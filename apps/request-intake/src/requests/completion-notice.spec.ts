import { loadPolicy, resolvePolicyPath } from '@datarights/policy';
import {
  completionNotification,
  completionRecipient,
  completionVariables,
  holdEndInWords,
  noDataHeldRecipient,
  SUBJECT_ON_FILE,
} from './completion-notice';

describe('who is told', () => {
  it("prefers the request's address when identity verified it", () => {
    expect(completionRecipient('Jeanne@Example.fr', ['other@example.fr', 'jeanne@example.fr'])).toEqual({
      channel: 'email',
      to: 'Jeanne@Example.fr',
    });
  });

  it('never writes to an address only the request gave: the first verified one instead', () => {
    expect(completionRecipient('attacker@example.com', ['jeanne@example.fr'])).toEqual({
      channel: 'email',
      to: 'jeanne@example.fr',
    });
    expect(completionRecipient(null, ['jeanne@example.fr'])).toEqual({ channel: 'email', to: 'jeanne@example.fr' });
  });

  it('falls back to post to the subject on file without a verified address', () => {
    expect(completionRecipient('jeanne@example.fr', [])).toEqual({ channel: 'post', to: SUBJECT_ON_FILE });
    expect(completionRecipient('jeanne@example.fr', null)).toEqual({ channel: 'post', to: SUBJECT_ON_FILE });
  });

  it('"no data held" answers the address the requester wrote from', () => {
    expect(noDataHeldRecipient('jeanne@example.fr')).toEqual({ channel: 'email', to: 'jeanne@example.fr' });
    expect(noDataHeldRecipient(null)).toEqual({ channel: 'post', to: SUBJECT_ON_FILE });
  });
});

describe('what they are told (Art. 12(1), 17(3))', () => {
  const hold = {
    holdId: 'h1',
    systemId: 'billing',
    category: 'invoices',
    ground: 'Art. 17(3)(b)',
    legalText: 'Code de commerce L123-22',
    until: '2035-12-31T00:00:00.000Z',
  };

  it('lists erased categories per system minus what a hold keeps, and every hold once', () => {
    const v = completionVariables(
      'r1',
      [
        { systemId: 'crm', outcome: 'done', affectedRecords: 3, categories: ['relationship', 'identification'] },
        { systemId: 'billing', outcome: 'partial', affectedRecords: 1, categories: ['invoices', 'payment'] },
        { systemId: 'support', outcome: 'not-found', affectedRecords: 0, categories: ['relationship'] },
        { systemId: 'legacy', outcome: 'closed-manually', affectedRecords: 0, categories: ['identification'] },
        { systemId: 'archive', outcome: 'retained', affectedRecords: 0, categories: ['invoices'] },
      ],
      [hold, hold],
    );
    expect(v).toEqual({
      requestId: 'r1',
      outcome: 'completed',
      erased: [
        { systemId: 'billing', categories: ['payment'] },
        { systemId: 'crm', categories: ['identification', 'relationship'] },
      ],
      retained: [
        {
          systemId: 'billing',
          category: 'invoices',
          ground: 'Art. 17(3)(b)',
          legalText: 'Code de commerce L123-22',
          until: "jusqu'au 31 décembre 2035",
        },
      ],
    });
  });

  it("says until when in words: a date in the controller's time zone, or the period from a start not happened yet (LCEN art. 6: 5 years after the contract ends)", () => {
    const policy = loadPolicy(resolvePolicyPath());
    // 23:30 UTC on 31 December is already 1 January in Paris: the legal day is the controller's.
    expect(holdEndInWords({ ...hold, until: '2033-12-31T23:30:00.000Z' }, { policy, locale: 'fr-FR' })).toBe(
      "jusqu'au 1 janvier 2034",
    );
    const pending = {
      ...hold,
      category: 'identification',
      until: '2031-12-07T22:59:59.999Z',
      startPending: 'contract-end',
    };
    expect(holdEndInWords(pending, { policy, locale: 'fr-FR' })).toBe(
      "5 ans à compter de la fin du contrat, qui n'a pas encore eu lieu",
    );
    expect(holdEndInWords(pending, { policy, locale: 'en-GB' })).toBe(
      '5 years from the end of the contract, which has not happened yet',
    );
    // The earliest end is never given as the end.
    const v = completionVariables('r1', [], [pending], { policy, locale: 'fr-FR' });
    expect(v.retained[0]!.until).not.toContain('2031');
  });

  it('a partial refusal (data kept under a hold) states the reasons in French and the CNIL and judicial remedies (Art. 12(4), 77, 79)', () => {
    const policy = loadPolicy(resolvePolicyPath());
    const billingHold = { ...hold, category: 'billing' };
    const fr = completionVariables('r1', [], [billingHold], { policy, locale: 'fr-FR' });
    expect(fr.retained[0].reason).toContain("dix ans à compter de la fin de l'exercice comptable");
    expect(fr.complaint).toEqual({ authority: 'CNIL', url: 'https://www.cnil.fr/fr/adresser-une-plainte' });
    expect(fr.judicialRemedy).toBe(true);
    const en = completionVariables('r1', [], [billingHold], { policy, locale: 'en-GB' });
    expect(en.retained[0].reason).toContain('ten years from the end of the financial year');
    // Nothing kept: nothing refused, no remedies to state.
    expect(completionVariables('r1', [], [], { policy, locale: 'fr-FR' })).not.toHaveProperty('complaint');
  });

  it('an empty plan gives empty lists', () => {
    expect(completionVariables('r1', [], [])).toEqual({
      requestId: 'r1',
      outcome: 'completed',
      erased: [],
      retained: [],
    });
  });

  it('the notification uses the request-completed template', () => {
    expect(
      completionNotification('n1', 'r1', { channel: 'email', to: 'a@b.fr' }, 'fr-FR', { outcome: 'no-data-held' }),
    ).toEqual({
      notificationId: 'n1',
      requestId: 'r1',
      channel: 'email',
      to: 'a@b.fr',
      template: 'request-completed',
      locale: 'fr-FR',
      variables: { outcome: 'no-data-held' },
    });
  });
});
