/**
 * TRUST_PROXY: the proxies whose X-Forwarded-For is believed — a number of hops, or
 * addresses/subnets/`loopback`/`uniquelocal`, comma-separated (Express's `trust proxy`).
 * Unset: none, the socket's address is the client's.
 */
export function trustProxyFromEnv(env: { TRUST_PROXY?: string }): number | string | undefined {
  const raw = env.TRUST_PROXY?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) return Number(raw);
  if (raw === 'true' || raw === '*')
    throw new Error('TRUST_PROXY must name the proxies (hops, addresses or subnets), not trust every one');
  return raw;
}
