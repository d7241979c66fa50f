import { checkExtension, deadlineEvent, deadlineState, extendedDueAt } from './deadlines';

const D = (iso: string) => new Date(iso);
const policy = { response: 'P1M', extensionMax: 'P2M', dueSoonWithin: 'P3D', timeZone: 'Europe/Paris' };

describe('extendedDueAt: receipt + one month + the extension, counted from receipt, to the end of the Paris day (Art. 12(3); Regulation 1182/71 art. 3(2)(c))', () => {
  it.each([
    ['2025-01-31T10:00:00.000Z', 1, '2025-03-31T21:59:59.999Z'],
    ['2025-01-31T10:00:00.000Z', 2, '2025-04-30T21:59:59.999Z'],
    // 00:00 UTC on 31 December is 01:00 in Paris on 31 December.
    ['2024-12-31T00:00:00.000Z', 1, '2025-02-28T22:59:59.999Z'],
    ['2023-12-31T00:00:00.000Z', 1, '2024-02-29T22:59:59.999Z'],
    ['2025-03-15T08:30:00.000Z', 2, '2025-06-15T21:59:59.999Z'],
    ['2025-11-30T12:00:00.000Z', 2, '2026-02-28T22:59:59.999Z'],
    ['2025-10-31T12:00:00.000Z', 2, '2026-01-31T22:59:59.999Z'],
    // 23:30 UTC on 31 October is 00:30 on 1 November in Paris: received on 1 November.
    ['2025-10-31T23:30:00.000Z', 2, '2026-02-01T22:59:59.999Z'],
  ])('%s + P1M + %i months = %s', (received, months, expected) => {
    expect(extendedDueAt({ receivedAt: D(received), suspendedDays: 0 }, months, policy).toISOString()).toBe(expected);
  });

  it('keeps the days the deadline was suspended (décret 2019-536 art. 77): 31 January, 4 days suspended, +1 month → end of 4 April', () => {
    expect(
      extendedDueAt({ receivedAt: D('2025-01-31T10:00:00.000Z'), suspendedDays: 4 }, 1, policy).toISOString(),
    ).toBe('2025-04-04T21:59:59.999Z');
  });
});

describe('checkExtension (Art. 12(3): once, within the first month, two further months at most)', () => {
  const r = {
    receivedAt: D('2025-01-31T10:00:00.000Z'),
    dueAt: D('2025-02-28T22:59:59.999Z'),
    extendedAt: null,
    suspendedDays: 0,
  };

  it.each([
    ['on the day of receipt, one month', r, 1, '2025-01-31T10:00:00.000Z', '2025-03-31T21:59:59.999Z'],
    ['a minute before the due date, two months', r, 2, '2025-02-28T22:59:00.000Z', '2025-04-30T21:59:59.999Z'],
    [
      'after 3 suspended days, keeping them',
      { ...r, dueAt: D('2025-03-03T22:59:59.999Z'), suspendedDays: 3 },
      2,
      '2025-03-01T10:00:00.000Z',
      '2025-05-03T21:59:59.999Z',
    ],
  ])('allows it %s', (_what, req, months, now, dueAt) => {
    expect(checkExtension(req, months, D(now), policy)).toEqual({
      ok: true,
      dueAt: D(dueAt),
      previousDueAt: req.dueAt,
      originalDueAt: req.dueAt,
    });
  });

  it.each([
    ['at the due date', r, 1, '2025-02-28T22:59:59.999Z', policy, true, 'the first month ended'],
    ['after the due date', r, 1, '2025-03-10T00:00:00.000Z', policy, true, 'the first month ended'],
    [
      'a second time',
      { ...r, extendedAt: D('2025-02-01T00:00:00.000Z') },
      1,
      '2025-02-02T00:00:00.000Z',
      policy,
      true,
      'already extended',
    ],
    [
      'beyond the policy maximum',
      r,
      2,
      '2025-02-01T00:00:00.000Z',
      { ...policy, extensionMax: 'P1M' },
      false,
      'exceeds the policy',
    ],
    [
      'beyond a maximum in weeks',
      r,
      1,
      '2025-02-01T00:00:00.000Z',
      { ...policy, extensionMax: 'P3W' },
      false,
      'exceeds the policy',
    ],
  ])('refuses it %s', (_what, req, months, now, p, conflict, reason) => {
    const c = checkExtension(req, months, D(now), p);
    expect(c).toEqual({ ok: false, conflict, reason: expect.stringContaining(reason) });
  });
});

describe('deadline states and the events of the periodic check (once per due date)', () => {
  const dueAt = D('2025-02-28T10:00:00.000Z');
  const none = { dueSoonNotifiedFor: null, overdueNotifiedFor: null };

  it.each([
    ['2025-02-20T10:00:00.000Z', null, 'on-time', undefined, none],
    ['2025-02-25T10:00:00.001Z', null, 'due-soon', 'requestDeadlineApproaching', none],
    ['2025-02-28T09:59:59.999Z', null, 'due-soon', undefined, { ...none, dueSoonNotifiedFor: dueAt }],
    ['2025-02-28T10:00:00.001Z', null, 'overdue', 'requestOverdue', { ...none, dueSoonNotifiedFor: dueAt }],
    ['2025-03-28T10:00:00.001Z', null, 'overdue', undefined, { dueSoonNotifiedFor: dueAt, overdueNotifiedFor: dueAt }],
    // An extension moves the due date: the flags were for the old one, so the events come again.
    [
      '2025-02-28T10:00:00.001Z',
      null,
      'overdue',
      'requestOverdue',
      { dueSoonNotifiedFor: null, overdueNotifiedFor: D('2025-01-28T10:00:00.000Z') },
    ],
    ['2025-03-01T00:00:00.000Z', D('2025-02-27T00:00:00.000Z'), 'closed', undefined, none],
  ])('at %s (closed %s): %s → %s', (now, closedAt, state, event, flags) => {
    const req = { dueAt, closedAt: closedAt as Date | null, ...(flags as typeof none) };
    expect(deadlineState(req, D(now), policy)).toBe(state);
    expect(deadlineEvent(req, D(now), policy)).toBe(event);
  });
});
