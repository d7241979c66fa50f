/**
 * The subject's download link and the `package-ready` notice (GDPR Art. 12(1), 15(3):
 * the copy goes to the verified subject only). The link is signed (signed-link.ts) and
 * expires after PACKAGE_LINK_TTL; the key is PACKAGE_LINK_SECRET (required in production).
 */
import { addDuration } from '@datarights/policy';
import { signLink } from './signed-link';

export const DEV_PACKAGE_LINK_SECRET = 'dev-only-package-link-secret-not-for-production';

export function resolveLinkSecret(value: string | undefined, env: string, warn: (m: string) => void): string {
  if (value) return value;
  if (env === 'production') throw new Error('PACKAGE_LINK_SECRET is required in production');
  warn(
    'PACKAGE_LINK_SECRET is not set: download links are signed with the development key (never do this in production)',
  );
  return DEV_PACKAGE_LINK_SECRET;
}

export interface PackageLink {
  path: string;
  expiresAt: string;
}

export function packageLink(secret: string, requestId: string, ttl: string, now: Date): PackageLink {
  const expiresAt = addDuration(now, ttl);
  const { expires, sig } = signLink(secret, requestId, expiresAt);
  return {
    path: `/v1/requests/${requestId}/package?expires=${expires}&sig=${sig}`,
    expiresAt: new Date(expires * 1000).toISOString(),
  };
}

export const PACKAGE_REQUEST_TYPES = ['access', 'portability'] as const;
export const isPackageRequest = (type: string): boolean => (PACKAGE_REQUEST_TYPES as readonly string[]).includes(type);

/** The completion notice of an access or portability request: template `package-ready`, with the link. */
export function packageReadyNotice<T extends { template: string; variables: Record<string, unknown> }>(
  notice: T,
  link: PackageLink,
): T {
  return {
    ...notice,
    template: 'package-ready',
    variables: { requestId: notice.variables.requestId, downloadPath: link.path, expiresAt: link.expiresAt },
  };
}
