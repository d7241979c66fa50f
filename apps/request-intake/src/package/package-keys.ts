/** The package feature's keys, resolved once at start-up from the validated configuration. */
import { Logger } from '@nestjs/common';
import { RequestIntakeConfig } from '../config/app.config';
import { resolveLinkSecret } from './package-link';
import { resolvePackageKey } from '@datarights/service-kit';

export class PackageKeys {
  constructor(
    readonly encryption: Buffer,
    readonly linkSecret: string,
  ) {}
}

export const packageKeysProvider = {
  provide: PackageKeys,
  inject: [RequestIntakeConfig],
  useFactory: (c: RequestIntakeConfig): PackageKeys => {
    const warn = (m: string) => new Logger('PackageModule').warn(m);
    return new PackageKeys(
      resolvePackageKey(c.PACKAGE_ENCRYPTION_KEY, c.NODE_ENV, warn),
      resolveLinkSecret(c.PACKAGE_LINK_SECRET, c.NODE_ENV, warn),
    );
  },
};
