/** Every migration of identity, in order (each table change is a migration; never synchronize). */
import { SubjectGraph1733100000000 } from './1733100000000-subject-graph';
import { Challenges1733400000000 } from './1733400000000-challenges';
import { RepresentativeAndPortal1733750000000 } from './1733750000000-representative-and-portal';
import { CaughtUpResolution1734200000000 } from './1734200000000-caught-up-resolution';
import { WrongCodesPerSubject1734300000000 } from './1734300000000-wrong-codes-per-subject';
import { ForgetErasedKeys1734400000000 } from './1734400000000-forget-erased-keys';
import { ObjectionPurposes1734500000000 } from './1734500000000-objection-purposes';
import { StrongAndWeakLinks1797100000000 } from './1797100000000-strong-and-weak-links';
import { ThrottlerHits1797100000002 } from './1797100000002-throttler-hits';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [
  SubjectGraph1733100000000,
  Challenges1733400000000,
  RepresentativeAndPortal1733750000000,
  CaughtUpResolution1734200000000,
  WrongCodesPerSubject1734300000000,
  ForgetErasedKeys1734400000000,
  ObjectionPurposes1734500000000,
  StrongAndWeakLinks1797100000000,
  ThrottlerHits1797100000002,
];
