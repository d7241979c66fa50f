/**
 * One-time codes, pure: generation, keyed hashing (HMAC-SHA256: the code itself is never
 * stored), constant-time comparison, and the rules of a challenge (expiry, attempt limit,
 * single use, resend cooldown). GDPR Art. 12(2), 12(6); Art. 32 (security of processing).
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

export const CODE_DIGITS = 6;
/** A request gets at most this many codes (each with its own attempts): bounds brute force across resends. */
export const MAX_ISSUES = 5;

export function newCode(): string {
  return String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
}

/** The stored form of a code: bound to the request and the issue, so that a hash is useless elsewhere. */
export function hashCode(key: string, requestId: string, issue: number, code: string): string {
  return createHmac('sha256', key).update(`${requestId}:${issue}:${code.trim()}`).digest('hex');
}

/** Constant-time comparison of two hex digests (never `===`: timing would leak the prefix). */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

export interface ChallengeState {
  codeHash: string;
  issue: number;
  attempts: number;
  sentAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

export type CheckOutcome =
  | { outcome: 'verified' }
  | { outcome: 'wrong'; attemptsLeft: number }
  | { outcome: 'locked' }
  | { outcome: 'expired' }
  | { outcome: 'used' };

/**
 * Checks an answer. Order matters: a used or exhausted challenge refuses even the right
 * code; every compared answer counts as an attempt.
 */
export function checkAnswer(
  c: ChallengeState,
  givenHash: string,
  now: Date,
  maxAttempts: number,
): { result: CheckOutcome; attempts: number } {
  if (c.usedAt) return { result: { outcome: 'used' }, attempts: c.attempts };
  if (c.attempts >= maxAttempts) return { result: { outcome: 'locked' }, attempts: c.attempts };
  if (now.getTime() >= c.expiresAt.getTime()) return { result: { outcome: 'expired' }, attempts: c.attempts };
  const attempts = c.attempts + 1;
  if (sameHash(c.codeHash, givenHash)) return { result: { outcome: 'verified' }, attempts };
  const left = maxAttempts - attempts;
  return { result: left > 0 ? { outcome: 'wrong', attemptsLeft: left } : { outcome: 'locked' }, attempts };
}

export type ResendCheck = { ok: true } | { ok: false; reason: 'used' | 'cooldown' | 'too-many'; retryAfterMs?: number };

export function checkResend(
  c: Pick<ChallengeState, 'issue' | 'sentAt' | 'usedAt'>,
  now: Date,
  cooldownMs: number,
): ResendCheck {
  if (c.usedAt) return { ok: false, reason: 'used' };
  if (c.issue >= MAX_ISSUES) return { ok: false, reason: 'too-many' };
  const wait = c.sentAt.getTime() + cooldownMs - now.getTime();
  if (wait > 0) return { ok: false, reason: 'cooldown', retryAfterMs: wait };
  return { ok: true };
}

/**
 * The contact a code may go to: one already on file for the subject (the graph's keys,
 * learnt from the company's systems). An address that only the request gave is never used:
 * a requester who typed someone else's address must not receive their code.
 */
export function contactOnFile(
  subjectKeys: readonly string[],
  givenKeys: readonly string[],
): { channel: 'email' | 'sms'; to: string } | undefined {
  const onFile = (kind: string) => subjectKeys.filter((k) => k.startsWith(`${kind}:`)).sort();
  for (const [kind, channel] of [
    ['email', 'email'],
    ['phone', 'sms'],
  ] as const) {
    const keys = onFile(kind);
    if (keys.length === 0) continue;
    const chosen = keys.find((k) => givenKeys.includes(k)) ?? keys[0]!;
    return { channel, to: chosen.slice(kind.length + 1) };
  }
  return undefined;
}
