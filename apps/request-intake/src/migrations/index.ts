/** Every migration of request-intake, in order (each table change is a migration; never synchronize). */
import { Requests1733000000000 } from './1733000000000-requests';
import { DeadlinesAndMinimisation1733300000000 } from './1733300000000-deadlines-and-minimisation';
import { VerificationClock1733400000000 } from './1733400000000-verification-clock';
import { Packages1733600000000 } from './1733600000000-packages';
import { RepresentativeAndPortal1733750000000 } from './1733750000000-representative-and-portal';
import { RequestRecipients1733800000000 } from './1733800000000-request-recipients';
import { ReceiptAndInformationWait1734100000000 } from './1734100000000-receipt-and-information-wait';
import { PackageChunks1734700000000 } from './1734700000000-package-chunks';
import { ThrottlerHits1797100000001 } from './1797100000001-throttler-hits';
import { PackageRelease1797240000000 } from './1797240000000-package-release';
import { HoldStartPending1797300000000 } from './1797300000000-hold-start-pending';
import { PseudonymKeyIds1797400000000 } from './1797400000000-pseudonym-key-ids';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [
  Requests1733000000000,
  DeadlinesAndMinimisation1733300000000,
  VerificationClock1733400000000,
  Packages1733600000000,
  RepresentativeAndPortal1733750000000,
  RequestRecipients1733800000000,
  ReceiptAndInformationWait1734100000000,
  PackageChunks1734700000000,
  ThrottlerHits1797100000001,
  PackageRelease1797240000000,
  HoldStartPending1797300000000,
  PseudonymKeyIds1797400000000,
];
