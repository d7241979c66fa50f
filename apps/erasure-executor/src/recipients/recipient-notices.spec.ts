import type { Recipient } from '@datarights/contracts';
import { nextNoticeStep, noticeActionOf, noticesFor, type CompletedAction } from './recipient-notices';

const policy = { acknowledgeWithin: 'P7D', reminders: 2 };
const recipients: Recipient[] = [
  { name: 'Mailer', kind: 'sub-processor', categories: ['identification', 'usage'], country: 'US', systemId: 'mailer' },
  { name: 'Accountant', kind: 'sub-processor', categories: ['billing'], country: 'FR' },
  { name: 'Everything', kind: 'controller', categories: [], country: 'FR', systemId: 'everything' },
];
const done = (o: Partial<CompletedAction>): CompletedAction => ({
  kind: 'erase',
  systemId: 'crm',
  categories: ['identification'],
  params: {},
  outcome: 'done',
  affectedRecords: 2,
  ...o,
});

describe('Art. 19 notices', () => {
  it('tells the recipients that received one of the categories, with those categories only', () => {
    const n = noticesFor(done({ categories: ['usage', 'identification', 'billing'] }), recipients);
    expect(n.map((x) => [x.recipient.name, x.categories])).toEqual([
      ['Mailer', ['identification', 'usage']],
      ['Accountant', ['billing']],
      ['Everything', ['billing', 'identification', 'usage']],
    ]);
    expect(n[0]).toMatchObject({ action: 'erasure', recipient: { systemId: 'mailer', country: 'US' }, params: {} });
    expect(n[1].recipient).not.toHaveProperty('systemId');
  });

  it('tells no one of a category the recipient never received', () => {
    expect(noticesFor(done({ categories: ['billing'] }), recipients.slice(0, 1))).toEqual([]);
  });

  it('tells no one when the system found nothing to act on', () => {
    expect(noticesFor(done({ outcome: 'not-found', affectedRecords: 0 }), recipients)).toEqual([]);
    expect(noticesFor(done({ outcome: 'done', affectedRecords: 0 }), recipients)).toEqual([]);
    expect(noticesFor(done({ outcome: 'failed' }), recipients)).toEqual([]);
  });

  it('carries the changes of a rectification and the ground of a restriction', () => {
    expect(
      noticesFor(done({ kind: 'rectify', params: { changes: { email: 'new@example.test' } } }), recipients)[0],
    ).toMatchObject({ action: 'rectification', params: { changes: { email: 'new@example.test' } } });
    expect(noticesFor(done({ kind: 'restrict', params: { ground: 'legal-claims' } }), recipients)[0]).toMatchObject({
      action: 'restriction',
      params: { ground: 'legal-claims' },
    });
  });

  it('covers Art. 16, 17(1) and 18 only: not holds, lifts, exports, suppressions or forwards', () => {
    expect(
      noticeActionOf({ kind: 'restrict', params: { ground: 'legal-hold', until: '2036-01-01T00:00:00.000Z' } }),
    ).toBeUndefined();
    expect(
      noticeActionOf({ kind: 'restrict', params: { ground: 'accuracy-contested', action: 'lift' } }),
    ).toBeUndefined();
    expect(noticeActionOf({ kind: 'restrict', params: { ground: 'accuracy-contested', action: 'place' } })).toBe(
      'restriction',
    );
    for (const kind of ['export', 'suppress', 'forward']) expect(noticeActionOf({ kind, params: {} })).toBeUndefined();
  });

  it('names a recipient once even if the inventory lists it twice', () => {
    expect(noticesFor(done({}), [recipients[0], { ...recipients[0] }])).toHaveLength(1);
  });

  it('reminds up to the policy, each reminder with a new delay, then gives up with the reason', () => {
    const now = new Date('2026-03-01T10:00:00.000Z');
    expect(nextNoticeStep(0, policy, now)).toEqual({
      step: 'remind',
      reminder: 1,
      respondBy: new Date('2026-03-08T10:00:00.000Z'),
    });
    expect(nextNoticeStep(1, policy, now)).toMatchObject({ step: 'remind', reminder: 2 });
    expect(nextNoticeStep(2, policy, now)).toEqual({
      step: 'give-up',
      reason: 'no acknowledgement after the notice and 2 reminders, each allowed P7D',
    });
    expect(nextNoticeStep(0, { acknowledgeWithin: 'P1M', reminders: 0 }, now)).toEqual({
      step: 'give-up',
      reason: 'no acknowledgement after the notice and 0 reminders, each allowed P1M',
    });
  });
});
