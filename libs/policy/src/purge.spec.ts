import { loadPolicy, resolvePolicyPath } from './policy.loader';
import { purgeDue, purgePeriods } from './purge';

const fr = loadPolicy(resolvePolicyPath());
const now = new Date('2026-12-07T10:00:00.000Z');

describe('the purge of the French profile (Art. 5(1)(e))', () => {
  it('purges prospection and connection data', () => {
    expect(fr.purge.categories).toEqual(['prospection', 'connection']);
  });

  it('a prospect whose last contact was more than three years ago is due; one of last year is not (CNIL, délibération 2021-130)', () => {
    const periods = purgePeriods(fr.categories.get('prospection')!);
    expect(purgeDue(periods, { 'last-contact': '2023-11-30T10:00:00.000Z' }, now)).toBe(true);
    expect(purgeDue(periods, { 'last-contact': '2025-11-30T10:00:00.000Z' }, now)).toBe(false);
  });

  it('connection data past its year is due (décret 2021-1362)', () => {
    const periods = purgePeriods(fr.categories.get('connection')!);
    expect(purgeDue(periods, { connection: '2025-12-06T10:00:00.000Z' }, now)).toBe(true);
    expect(purgeDue(periods, { connection: '2025-12-08T10:00:00.000Z' }, now)).toBe(false);
  });

  it('a record whose start its system did not report is never purged', () => {
    expect(purgeDue(purgePeriods(fr.categories.get('prospection')!), {}, now)).toBe(false);
    expect(purgeDue(purgePeriods(fr.categories.get('prospection')!), undefined, now)).toBe(false);
  });
});
