/** Every migration of erasure-executor, in order (each table change is a migration; never synchronize). */
import { ExecutionTables1733100000000 } from './1733100000000-execution-tables';
import { HoldsThatEnd1733400000000 } from './1733400000000-holds-that-end';
import { RightsParameters1733700000000 } from './1733700000000-rights-parameters';
import { RecipientNotices1733800000000 } from './1733800000000-recipient-notices';
import { RecordHolds1797210000000 } from './1797210000000-record-holds';
import { PseudonymKeyIds1797400000000 } from './1797400000000-pseudonym-key-ids';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [
  ExecutionTables1733100000000,
  HoldsThatEnd1733400000000,
  RightsParameters1733700000000,
  RecipientNotices1733800000000,
  RecordHolds1797210000000,
  PseudonymKeyIds1797400000000,
];
