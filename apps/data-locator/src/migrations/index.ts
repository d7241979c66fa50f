/** Every migration of data-locator, in order (each table change is a migration; never synchronize). */
import { InventoryIndexPlans1733100000000 } from './1733100000000-inventory-index-plans';
import { Exports1733500000000 } from './1733500000000-exports';
import { PackagedExportsForgetKeys1734400000000 } from './1734400000000-packaged-exports-forget-keys';
import { AutomatedDecisions1734500000000 } from './1734500000000-automated-decisions';
import { RegistrationApprovals1734600000000 } from './1734600000000-registration-approvals';
import { StreamedPackages1734700000000 } from './1734700000000-streamed-packages';
import { RetentionDates1797200000000 } from './1797200000000-retention-dates';
import { Purge1797220000000 } from './1797220000000-purge';
import { ThirdPartyPackages1797230000000 } from './1797230000000-third-party-packages';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [
  InventoryIndexPlans1733100000000,
  Exports1733500000000,
  PackagedExportsForgetKeys1734400000000,
  AutomatedDecisions1734500000000,
  RegistrationApprovals1734600000000,
  StreamedPackages1734700000000,
  RetentionDates1797200000000,
  Purge1797220000000,
  ThirdPartyPackages1797230000000,
];
