import { summariseExecution, systemOutcome } from './completion';
import { forwardNotice, noContactReason } from './forwarding';
import { holdErasure } from './hold-expiry.service';
import { hashKeys, resolveSubjectHashKey, subjectHash } from './subject-hash';

describe('the erasure of an ended hold', () => {
  const hold = {
    systemId: 'billing',
    category: 'billing',
    legalText: 'Code de commerce L123-22',
    until: new Date('2035-01-31T10:00:00Z'),
  };

  it('is an erase command for that system and category', () => {
    expect(holdErasure({ ...hold, canErase: true })).toEqual({
      dispatch: true,
      kind: 'erase',
      systemId: 'billing',
      categories: ['billing'],
      params: {},
    });
  });

  it('is escalated to the DPO when the system cannot erase', () => {
    expect(holdErasure({ ...hold, canErase: false })).toEqual({
      dispatch: false,
      kind: 'erase',
      systemId: 'billing',
      categories: ['billing'],
      reason:
        "the retention under Code de commerce L123-22 ended on 2035-01-31, but system billing cannot erase (no 'erase' capability): erase by hand, then close the action",
    });
  });
});

describe('forwarding to the controller of a processor system (Art. 28)', () => {
  const keys = { email: ['jeanne@example.fr'], customerId: ['C-1'] };

  it("writes to the controller's contact with the request type, the categories, the system, a reference and the subject's keys", () => {
    expect(
      forwardNotice({
        notificationId: 'n1',
        commandId: 'c1',
        requestId: 'r1',
        requestType: 'erasure',
        systemId: 'hosting',
        controller: 'ACME SAS',
        contact: 'dpo@acme.test',
        categories: ['identification'],
        subjectKeys: keys,
        locale: 'fr-FR',
      }),
    ).toEqual({
      notificationId: 'n1',
      requestId: 'r1',
      channel: 'email',
      to: 'dpo@acme.test',
      template: 'processor-forward',
      locale: 'fr-FR',
      variables: {
        reference: 'c1',
        requestId: 'r1',
        requestType: 'erasure',
        systemId: 'hosting',
        controller: 'ACME SAS',
        categories: ['identification'],
        subjectKeys: keys,
      },
    });
  });

  it('says what to do when the controller left no contact', () => {
    expect(noContactReason('hosting', null)).toContain('forward it by hand, then close the action');
  });

  it("an acknowledged forward is the system's outcome, and counts as ended", () => {
    const forward = {
      systemId: 'hosting',
      kind: 'forward',
      categories: ['identification'],
      status: 'completed' as const,
      outcome: 'forwarded' as const,
      affectedRecords: 0,
    };
    expect(systemOutcome([forward], [])).toBe('forwarded');
    expect(summariseExecution('r1', [forward], [])?.systems).toEqual([
      { systemId: 'hosting', outcome: 'forwarded', affectedRecords: 0, categories: ['identification'] },
    ]);
    expect(
      summariseExecution('r1', [{ ...forward, status: 'awaiting-acknowledgement', outcome: null }], []),
    ).toBeNull();
  });
});

describe('minimising stored subject keys', () => {
  const key = 'k'.repeat(32);

  it('hashes every key with HMAC, once', () => {
    const hashed = hashKeys(key, { email: ['jeanne@example.fr'], phone: ['+33612345678'], customerId: [] });
    expect(hashed).toEqual({
      email: [subjectHash(key, 'email', 'jeanne@example.fr')],
      phone: [subjectHash(key, 'phone', '+33612345678')],
      customerId: [],
    });
    expect(JSON.stringify(hashed)).not.toMatch(/jeanne|612345678/);
    expect(hashKeys(key, hashed)).toEqual(hashed);
  });

  it('needs SUBJECT_HASH_KEY in production', () => {
    expect(() => resolveSubjectHashKey(undefined, 'production', () => undefined)).toThrow(
      'SUBJECT_HASH_KEY is required in production',
    );
    const warned: string[] = [];
    resolveSubjectHashKey(undefined, 'test', (m) => warned.push(m));
    expect(warned).toHaveLength(1);
  });
});
