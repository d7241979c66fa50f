/** Every migration of audit, in order (each table change is a migration; never synchronize). */
import { AuditEntries1733100000000 } from './1733100000000-audit-entries';
import { SignedLog1733200000000 } from './1733200000000-signed-log';
import { CommandsById1765100000000 } from './1765100000000-commands-by-id';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [AuditEntries1733100000000, SignedLog1733200000000, CommandsById1765100000000];
