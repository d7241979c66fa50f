import { erasureDecision } from './erasure-decision';
import { loadPolicy, resolvePolicyPath } from './policy.loader';
import { recordRetention } from './record-retention';

const fr = loadPolicy(resolvePolicyPath());
const rulesOf = (category: string) => {
  const d = erasureDecision(fr, category);
  if (d.action !== 'retain') throw new Error(`${category} is not retained`);
  return d.retentions;
};
const D = (iso: string) => new Date(iso);
const requestedAt = D('2026-12-07T10:00:00.000Z');

describe('each record kept from its own start (Art. 17(3)(b); the periods of the French profile)', () => {
  it('an invoice of a past financial year is held ten years from the end of that year, not from the request (Code de commerce L123-22)', () => {
    // Last invoice issued in February 2023; the 2023 financial year ends on 31 December 2023.
    const r = recordRetention(
      rulesOf('billing'),
      { 'end-of-financial-year': '2023-12-31', 'last-operation': '2023-02-14', 'record-date': '2023-02-14' },
      requestedAt,
      requestedAt,
    );
    expect(r.action).toBe('hold');
    if (r.action !== 'hold') return;
    // End of 31 December 2033, Paris time (Regulation 1182/71 art. 3(2)(c)) — not 2036-12-07.
    expect(r.until.toISOString()).toBe('2033-12-31T22:59:59.999Z');
    expect(r.by.rule.legalText).toBe('Code de commerce L123-22');
  });

  it('connection data past its year is erased now; 11 months old, it is held one more month only (décret 2021-1362)', () => {
    const past = recordRetention(rulesOf('connection'), { connection: '2025-11-30T08:00:00Z' }, requestedAt);
    expect(past.action).toBe('erase');
    const recent = recordRetention(rulesOf('connection'), { connection: '2026-01-07T08:00:00Z' }, requestedAt);
    expect(recent).toMatchObject({ action: 'hold', until: D('2027-01-07T22:59:59.999Z') });
  });

  it('the civil identity is kept 5 years after the contract ends; while the contract runs, until it ends (LCEN art. 6, décret 2021-1362)', () => {
    const ended = recordRetention(rulesOf('identification'), { 'contract-end': '2026-03-31' }, requestedAt);
    expect(ended).toMatchObject({ action: 'hold', until: D('2031-03-31T21:59:59.999Z') });
    const running = recordRetention(rulesOf('identification'), { 'contract-end': null }, requestedAt);
    expect(running.action).toBe('hold-until-start');
    if (running.action === 'hold-until-start') expect(running.waitingFor.rule.from).toBe('contract-end');
  });

  it('card data: 13 months from the debit (CNIL délibération 2018-303), and the account payment data 1 year after closure (décret 2021-1362): the later end', () => {
    const r = recordRetention(
      rulesOf('payment'),
      { transaction: '2026-05-10T12:00:00Z', 'account-closure': '2026-02-01' },
      requestedAt,
    );
    expect(r).toMatchObject({ action: 'hold', until: D('2027-06-10T21:59:59.999Z') });
    const closedLongAgo = recordRetention(
      rulesOf('payment'),
      { transaction: '2024-05-10T12:00:00Z', 'account-closure': '2025-02-01' },
      requestedAt,
    );
    expect(closedLongAgo.action).toBe('erase');
  });

  it('a start the system does not give counts from the request: never earlier than the real start', () => {
    const r = recordRetention(rulesOf('connection'), undefined, requestedAt, requestedAt);
    expect(r).toMatchObject({ action: 'hold', until: D('2027-12-07T22:59:59.999Z') });
    if (r.action === 'hold') expect(r.by.startFrom).toBe('fallback');
  });
});
