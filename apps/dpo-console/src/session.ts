/**
 * Server-side sessions: the browser holds only a random id in an HttpOnly, SameSite=Lax
 * cookie; the bearer token (development token, or the OIDC access token) stays on the
 * server and is never sent to the page. Each session has a CSRF token that every form
 * posts back. In memory: one replica (or sticky sessions); a restart signs everyone out.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { parseCookies, secureFlag } from '@datarights/web-kit';

export interface Session {
  id: string;
  csrf: string;
  token?: string;
  tokenExpiresAt?: number;
  /** An OIDC sign-in under way: its state, PKCE verifier and nonce. */
  pending?: { state: string; verifier: string; nonce: string; returnTo: string };
  lastSeen: number;
}

const COOKIE = 'dpo_session';

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly idleMs = 8 * 3600_000) {}

  /** The request's session, created (and its cookie set) when there is none. */
  of(req: Request, res: Response): Session {
    this.sweep();
    const id = parseCookies(req.headers.cookie)[COOKIE];
    const found = id ? this.sessions.get(id) : undefined;
    if (found) {
      found.lastSeen = Date.now();
      return found;
    }
    const s: Session = {
      id: randomBytes(32).toString('base64url'),
      csrf: randomBytes(24).toString('base64url'),
      lastSeen: Date.now(),
    };
    this.sessions.set(s.id, s);
    res.append('set-cookie', `${COOKIE}=${s.id}; Path=/; HttpOnly; SameSite=Lax${secureFlag(req)}`);
    return s;
  }

  destroy(s: Session): void {
    this.sessions.delete(s.id);
  }

  private sweep(): void {
    const cutoff = Date.now() - this.idleMs;
    for (const [id, s] of this.sessions) if (s.lastSeen < cutoff) this.sessions.delete(id);
  }
}

export function csrfValid(s: Session, sent: unknown): boolean {
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(s.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}
