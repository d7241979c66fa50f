import { backoffFactor, nextStep, respondByFor, retryAtAfterFailure } from './retry-policy';

const commands = { respondWithin: 'PT1H', maxAttempts: 4, retryBackoff: 'PT5M' };
const t0 = new Date('2025-03-01T12:00:00.000Z');

describe('backoff', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 4],
    [4, 8],
  ])('attempt %i doubles to ×%i', (attempt, factor) => expect(backoffFactor(attempt)).toBe(factor));

  it('refuses attempt 0', () => expect(() => backoffFactor(0)).toThrow());

  it.each([
    [1, '2025-03-01T13:00:00.000Z'],
    [2, '2025-03-01T14:00:00.000Z'],
    [3, '2025-03-01T16:00:00.000Z'],
    [4, '2025-03-01T20:00:00.000Z'],
  ])('respondBy of attempt %i = send time + respondWithin × 2^(n-1) = %s', (attempt, expected) => {
    expect(respondByFor(commands, attempt, t0).toISOString()).toBe(expected);
  });

  it.each([
    [1, '2025-03-01T12:05:00.000Z'],
    [2, '2025-03-01T12:10:00.000Z'],
    [3, '2025-03-01T12:20:00.000Z'],
  ])('after attempt %i failed, the retry is due at %s', (attempt, expected) => {
    expect(retryAtAfterFailure(commands, attempt, t0).toISOString()).toBe(expected);
  });
});

describe('nextStep', () => {
  it.each([
    [1, 'sent', null, { step: 'resend', attempt: 2 }],
    [3, 'sent', null, { step: 'resend', attempt: 4 }],
    [2, 'retry-pending', 'disk full', { step: 'resend', attempt: 3 }],
    [4, 'sent', null, { step: 'escalate', reason: 'no reply after 4 attempts' }],
    [4, 'retry-pending', 'disk full', { step: 'escalate', reason: 'disk full' }],
  ] as const)('attempts %i, %s (%s) → %j', (attempts, status, lastReason, expected) => {
    expect(nextStep({ attempts, status, lastReason }, commands)).toEqual(expected);
  });

  it('says "1 attempt" when only one was allowed', () => {
    expect(nextStep({ attempts: 1, status: 'sent', lastReason: null }, { maxAttempts: 1 })).toEqual({
      step: 'escalate',
      reason: 'no reply after 1 attempt',
    });
  });
});
