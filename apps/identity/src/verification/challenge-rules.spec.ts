import {
  checkAnswer,
  checkResend,
  contactOnFile,
  hashCode,
  MAX_ISSUES,
  newCode,
  sameHash,
  type ChallengeState,
} from './challenge-rules';

const KEY = 'k'.repeat(32);
const REQ = '7d9f6c52-2d1e-4b8e-9a53-0c0b6f0f8a11';
const t0 = new Date('2026-11-02T10:00:00.000Z');
const challenge = (code: string, over: Partial<ChallengeState> = {}): ChallengeState => ({
  codeHash: hashCode(KEY, REQ, 1, code),
  issue: 1,
  attempts: 0,
  sentAt: t0,
  expiresAt: new Date(t0.getTime() + 15 * 60_000),
  usedAt: null,
  ...over,
});

describe('one-time codes', () => {
  it('are six digits, and stored only as a keyed hash bound to the request and issue', () => {
    const code = newCode();
    expect(code).toMatch(/^\d{6}$/);
    const h = hashCode(KEY, REQ, 1, code);
    expect(h).not.toContain(code);
    expect(h).not.toBe(hashCode(KEY, REQ, 2, code));
    expect(h).not.toBe(hashCode('x'.repeat(32), REQ, 1, code));
    expect(sameHash(h, hashCode(KEY, REQ, 1, code))).toBe(true);
    expect(sameHash(h, '')).toBe(false);
  });

  it('the right code within time verifies; a wrong one counts an attempt and says how many are left', () => {
    const c = challenge('123456');
    expect(checkAnswer(c, hashCode(KEY, REQ, 1, '123456'), t0, 5)).toEqual({
      result: { outcome: 'verified' },
      attempts: 1,
    });
    expect(checkAnswer(c, hashCode(KEY, REQ, 1, '000000'), t0, 5)).toEqual({
      result: { outcome: 'wrong', attemptsLeft: 4 },
      attempts: 1,
    });
  });

  it('brute force: after the attempt limit even the right code is refused', () => {
    let c = challenge('123456');
    for (let i = 0; i < 5; i++) {
      const r = checkAnswer(c, hashCode(KEY, REQ, 1, String(i).padStart(6, '0')), t0, 5);
      c = { ...c, attempts: r.attempts };
      if (i === 4) expect(r.result.outcome).toBe('locked');
    }
    expect(checkAnswer(c, hashCode(KEY, REQ, 1, '123456'), t0, 5).result).toEqual({ outcome: 'locked' });
  });

  it('an expired code fails; a used code fails', () => {
    const right = hashCode(KEY, REQ, 1, '123456');
    expect(checkAnswer(challenge('123456'), right, new Date(t0.getTime() + 15 * 60_000), 5).result).toEqual({
      outcome: 'expired',
    });
    expect(checkAnswer(challenge('123456', { usedAt: t0 }), right, t0, 5).result).toEqual({ outcome: 'used' });
  });

  it('resend waits for the cooldown, and stops after MAX_ISSUES codes', () => {
    const c = challenge('1');
    expect(checkResend(c, new Date(t0.getTime() + 30_000), 60_000)).toEqual({
      ok: false,
      reason: 'cooldown',
      retryAfterMs: 30_000,
    });
    expect(checkResend(c, new Date(t0.getTime() + 60_000), 60_000)).toEqual({ ok: true });
    expect(checkResend({ ...c, issue: MAX_ISSUES }, new Date(t0.getTime() + 60_000), 60_000)).toEqual({
      ok: false,
      reason: 'too-many',
    });
    expect(checkResend({ ...c, usedAt: t0 }, new Date(t0.getTime() + 60_000), 60_000)).toEqual({
      ok: false,
      reason: 'used',
    });
  });

  it('a code goes only to a contact on file, never to an address only the request gave', () => {
    const onFile = ['email:jean@example.com', 'customerId:c-1', 'phone:+33612345678'];
    expect(contactOnFile(onFile, ['email:attacker@example.net'])).toEqual({ channel: 'email', to: 'jean@example.com' });
    expect(contactOnFile(['email:a@example.com', 'email:b@example.com'], ['email:b@example.com'])).toEqual({
      channel: 'email',
      to: 'b@example.com',
    });
    expect(contactOnFile(['customerId:c-1', 'phone:+33612345678'], ['email:attacker@example.net'])).toEqual({
      channel: 'sms',
      to: '+33612345678',
    });
    expect(contactOnFile(['customerId:c-1'], ['email:attacker@example.net'])).toBeUndefined();
  });
});
