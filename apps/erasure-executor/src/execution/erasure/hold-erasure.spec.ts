import { holdErasure } from './hold-expiry.service';

describe('the erasure of an ended hold', () => {
  const hold = {
    systemId: 'billing',
    category: 'billing',
    legalText: 'Code de commerce L123-22',
    until: new Date('2035-01-31T10:00:00Z'),
    createdAt: new Date('2025-01-31T10:00:05Z'),
  };

  it('is an erase command for that system and category, cut off at the hold: data created after the request is never touched (Art. 17(3) then 17(1))', () => {
    expect(holdErasure({ ...hold, canErase: true })).toEqual({
      dispatch: true,
      kind: 'erase',
      systemId: 'billing',
      categories: ['billing'],
      params: { createdBefore: '2025-01-31T10:00:05.000Z' },
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
