/**
 * Signed, expiring download links for the verified subject (GDPR Art. 15(3), 12(1): the
 * copy is given to the subject, and only to them). The signature is an HMAC-SHA256 over
 * the request id and the expiry, compared in constant time. A wrong or missing signature
 * is 403; a right signature past its expiry is 410.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type LinkCheck = 'valid' | 'forbidden' | 'expired';

export function signLink(secret: string, requestId: string, expiresAt: Date): { expires: number; sig: string } {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return { expires, sig: mac(secret, requestId, expires) };
}

function mac(secret: string, requestId: string, expires: number): string {
  return createHmac('sha256', secret).update(`package:${requestId}:${expires}`).digest('base64url');
}

export function checkLink(secret: string, requestId: string, expires: unknown, sig: unknown, now: Date): LinkCheck {
  if (typeof sig !== 'string' || typeof expires !== 'string' || !/^\d{1,12}$/.test(expires)) return 'forbidden';
  const expected = Buffer.from(mac(secret, requestId, Number(expires)));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'forbidden';
  return Number(expires) * 1000 <= now.getTime() ? 'expired' : 'valid';
}
